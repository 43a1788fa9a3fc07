import { z } from "zod";
import type { LinkKeys } from "../linkKeys.ts";
import { signToken, verifyToken, type TokenCheck } from "../signedToken.ts";

/**
 * The one-click unsubscribe link in every digest. It binds the subscription and the address it was sent
 * to; it does not expire (mail clients' unsubscribe buttons, RFC 8058, may be used months later), and
 * deleting a subscription twice changes nothing, so an old link can do no harm. It lives as long as the key
 * that signed it is configured (current or previous): each digest brings a fresh link under the current key.
 */
const MAC_CONTEXT = "churnwatch.digest-unsubscribe.v1";

const claimsSchema = z.object({ s: z.string().min(1), w: z.string().min(1) });

export interface UnsubscribeClaims {
  subscriptionId: string;
  recipient: string;
}

export function unsubscribeUrl(baseUrl: string, claims: UnsubscribeClaims, keys: LinkKeys): string {
  return `${baseUrl.replace(/\/+$/, "")}/digests/unsubscribe/${signToken(MAC_CONTEXT, { s: claims.subscriptionId, w: claims.recipient }, keys)}`;
}

export function verifyUnsubscribeToken(token: string, keys: LinkKeys): TokenCheck<UnsubscribeClaims> {
  const check = verifyToken(MAC_CONTEXT, token, keys, claimsSchema);
  return check.ok ? { ok: true, claims: { subscriptionId: check.claims.s, recipient: check.claims.w }, kid: check.kid } : check;
}
