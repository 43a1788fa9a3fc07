import { z } from "zod";
import { ruleIdSchema, type RuleId } from "@churnwatch/contracts";
import { signToken, verifyToken } from "./signedToken.ts";

/**
 * Signed, expiring links that let an email's recipient answer an alert without logging in. The token carries
 * the account, the rule, the action, who it was sent to and the expiry; the HMAC covers all of them, so a
 * link cannot be re-pointed at another account or alert, turned into another action, or extended. The
 * context string keeps this MAC apart from the account-link MAC made with the same key.
 */
const MAC_CONTEXT = "churnwatch.action-link.v1";

export const linkActions = ["acknowledge", "snooze", "dismiss"] as const;
export type LinkAction = (typeof linkActions)[number];

const claimsSchema = z.object({
  a: z.string().min(1),
  r: ruleIdSchema,
  k: z.enum(linkActions),
  w: z.string(),
  x: z.number().int().positive(),
});

export interface ActionClaims {
  accountId: string;
  rule: RuleId;
  action: LinkAction;
  /** The recipient's address: the actor in the alert's history. */
  recipient: string;
  /** Expiry, unix seconds. */
  exp: number;
}

export function signActionToken(claims: ActionClaims, secret: string): string {
  return signToken(MAC_CONTEXT, { a: claims.accountId, r: claims.rule, k: claims.action, w: claims.recipient, x: claims.exp }, secret);
}

export function actionUrl(baseUrl: string, claims: ActionClaims, secret: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/actions/${signActionToken(claims, secret)}`;
}

export type ActionCheck = { ok: true; claims: ActionClaims } | { ok: false; reason: "malformed" | "bad-signature" | "expired" };

/** Verifies a token from a link; the signature is checked before anything in it is believed. */
export function verifyActionToken(token: string, secret: string, nowMs: number): ActionCheck {
  const check = verifyToken(MAC_CONTEXT, token, secret, claimsSchema);
  if (!check.ok) return check;
  const c = check.claims;
  if (c.x * 1000 <= nowMs) return { ok: false, reason: "expired" };
  return { ok: true, claims: { accountId: c.a, rule: c.r, action: c.k, recipient: c.w, exp: c.x } };
}
