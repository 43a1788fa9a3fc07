import { createHmac, timingSafeEqual } from "node:crypto";
import { KID_PATTERN, secretFor, type LinkKeys } from "./linkKeys.ts";

/**
 * Signed deep links to an account page. The MAC covers the key id, the accountId and the expiry, so a link
 * cannot be re-pointed at another account, moved to another key or extended. Newlines separate them: the
 * key id has no newline and exp is digits only, so the input is unambiguous whatever the accountId
 * contains; the version prefix keeps this MAC apart from any other use of the same key. A link sent before
 * key ids existed has no `kid` parameter and no key id line in its MAC; it is checked with the key `k1`.
 */
const MAC_CONTEXT = "churnwatch.account-link.v1";

function mac(secret: string, kid: string | undefined, accountId: string, exp: number): string {
  const input = kid === undefined ? `${MAC_CONTEXT}\n${accountId}\n${exp}` : `${MAC_CONTEXT}\n${kid}\n${accountId}\n${exp}`;
  return createHmac("sha256", secret).update(input).digest("hex");
}

export interface SignLinkInput {
  baseUrl: string;
  accountId: string;
  keys: LinkKeys;
  /** Expiry as unix seconds. */
  exp: number;
}

export function signAccountLink({ baseUrl, accountId, keys, exp }: SignLinkInput): string {
  if (!Number.isSafeInteger(exp) || exp <= 0) throw new RangeError("exp must be a positive unix time in seconds");
  const base = baseUrl.replace(/\/+$/, "");
  const { kid, secret } = keys.current;
  return `${base}/accounts/${encodeURIComponent(accountId)}?exp=${exp}&kid=${kid}&sig=${mac(secret, kid, accountId, exp)}`;
}

export type LinkCheck = { ok: true } | { ok: false; reason: "malformed" | "expired" | "bad-signature" | "unknown-key" };

export interface LinkParams {
  /** The decoded accountId from the route, not the encoded path segment. */
  accountId: string;
  exp: string | null | undefined;
  sig: string | null | undefined;
  /** Absent on links sent before key ids existed. */
  kid?: string | null | undefined;
}

/** Verifies the parameters of a link as the web app receives them; `nowMs` is injected for tests. */
export function verifyAccountLink(params: LinkParams, keys: LinkKeys, nowMs: number = Date.now()): LinkCheck {
  const { accountId, exp, sig } = params;
  const kid = params.kid ?? undefined;
  if (!accountId || !exp || !sig || !/^\d{1,12}$/.test(exp) || !/^[0-9a-f]{64}$/.test(sig) || (kid !== undefined && !KID_PATTERN.test(kid))) {
    return { ok: false, reason: "malformed" };
  }
  const secret = secretFor(keys, kid);
  if (secret === undefined) return { ok: false, reason: "unknown-key" };
  const expSeconds = Number(exp);
  // Compare the MAC before the expiry so the answer for a forged link never depends on its exp.
  const expected = Buffer.from(mac(secret, kid, accountId, expSeconds), "hex");
  if (!timingSafeEqual(expected, Buffer.from(sig, "hex"))) return { ok: false, reason: "bad-signature" };
  if (expSeconds * 1000 <= nowMs) return { ok: false, reason: "expired" };
  return { ok: true };
}

/** Convenience for a full URL: takes the accountId from the `/accounts/<id>` path. */
export function verifyAccountUrl(url: string | URL, keys: LinkKeys, nowMs: number = Date.now()): LinkCheck {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const at = parsed.pathname.lastIndexOf("/accounts/"); // the base URL may carry a path of its own
  const segment = at < 0 ? "" : parsed.pathname.slice(at + "/accounts/".length);
  if (segment === "" || segment.includes("/")) return { ok: false, reason: "malformed" };
  let accountId: string;
  try {
    accountId = decodeURIComponent(segment);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  return verifyAccountLink(
    { accountId, exp: parsed.searchParams.get("exp"), sig: parsed.searchParams.get("sig"), kid: parsed.searchParams.get("kid") },
    keys,
    nowMs,
  );
}
