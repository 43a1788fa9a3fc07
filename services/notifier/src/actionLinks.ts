import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { ruleIdSchema, type RuleId } from "@churnwatch/contracts";

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

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64url");
const mac = (secret: string, body: string) => createHmac("sha256", secret).update(`${MAC_CONTEXT}\n${body}`).digest();

export function signActionToken(claims: ActionClaims, secret: string): string {
  const body = b64(JSON.stringify({ a: claims.accountId, r: claims.rule, k: claims.action, w: claims.recipient, x: claims.exp }));
  return `${body}.${b64(mac(secret, body))}`;
}

export function actionUrl(baseUrl: string, claims: ActionClaims, secret: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/actions/${signActionToken(claims, secret)}`;
}

export type ActionCheck = { ok: true; claims: ActionClaims } | { ok: false; reason: "malformed" | "bad-signature" | "expired" };

/** Verifies a token from a link; the signature is checked before anything in it is believed. */
export function verifyActionToken(token: string, secret: string, nowMs: number): ActionCheck {
  const [body, sig, extra] = token.split(".");
  if (!body || !sig || extra !== undefined || !/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]{43}$/.test(sig)) {
    return { ok: false, reason: "malformed" };
  }
  // Compare the encoded text, not decoded bytes: base64's spare bits would let several spellings of one
  // signature pass, and a link must have exactly one valid form.
  if (!timingSafeEqual(Buffer.from(b64(mac(secret, body))), Buffer.from(sig))) return { ok: false, reason: "bad-signature" };
  let parsed: z.infer<typeof claimsSchema>;
  try {
    parsed = claimsSchema.parse(JSON.parse(Buffer.from(body, "base64url").toString("utf8")));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (parsed.x * 1000 <= nowMs) return { ok: false, reason: "expired" };
  return { ok: true, claims: { accountId: parsed.a, rule: parsed.r, action: parsed.k, recipient: parsed.w, exp: parsed.x } };
}
