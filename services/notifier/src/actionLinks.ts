import { z } from "zod";
import { ruleIdSchema, type RuleId } from "@churnwatch/contracts";
import type { LinkKeys } from "./linkKeys.ts";
import { signToken, verifyToken, type TokenFailure } from "./signedToken.ts";

/**
 * Signed, expiring links that let an email's recipient answer an alert without logging in. The token carries
 * the account, the rule, the alert episode it was sent about, the action, who it was sent to and the expiry;
 * the HMAC covers all of them, so a link cannot be re-pointed at another account or alert, turned into
 * another action, or extended. The context string keeps this MAC apart from the account-link MAC made with
 * the same key.
 *
 * The episode (the engine's alert id, new at each firing) is what keeps a two-week-old "not a risk" link from
 * dismissing a later episode of the same rule: the API refuses a link whose episode is not the alert's
 * current one. Links sent before the episode was bound carry none (see `alertId`).
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
  e: z.string().min(1).optional(),
});

export interface ActionClaims {
  accountId: string;
  rule: RuleId;
  action: LinkAction;
  /** The recipient's address: the actor in the alert's history. */
  recipient: string;
  /** Expiry, unix seconds. */
  exp: number;
  /**
   * The alert episode the email was about (the engine's alert id). Every link signed now has it; a link
   * signed before it existed has none, and the API judges its episode by when it was issued instead.
   */
  alertId?: string;
}

export function signActionToken(claims: ActionClaims, keys: LinkKeys): string {
  const body = { a: claims.accountId, r: claims.rule, k: claims.action, w: claims.recipient, x: claims.exp };
  return signToken(MAC_CONTEXT, claims.alertId === undefined ? body : { ...body, e: claims.alertId }, keys);
}

export function actionUrl(baseUrl: string, claims: ActionClaims, keys: LinkKeys): string {
  return `${baseUrl.replace(/\/+$/, "")}/actions/${signActionToken(claims, keys)}`;
}

/**
 * An expired link is refused, but its signature held, so which account (and recipient) it was sent about is
 * known and true: the refusal page can point at that account in the console. Only an expired link says so;
 * a badly signed one says nothing of what it claims.
 */
export type ActionCheck =
  | { ok: true; claims: ActionClaims; kid: string | undefined }
  | { ok: false; reason: "expired"; expired: Pick<ActionClaims, "accountId" | "rule" | "recipient"> }
  | { ok: false; reason: TokenFailure };

/** Verifies a token from a link; the signature is checked before anything in it is believed. */
export function verifyActionToken(token: string, keys: LinkKeys, nowMs: number): ActionCheck {
  const check = verifyToken(MAC_CONTEXT, token, keys, claimsSchema);
  if (!check.ok) return check;
  const c = check.claims;
  if (c.x * 1000 <= nowMs) return { ok: false, reason: "expired", expired: { accountId: c.a, rule: c.r, recipient: c.w } };
  const claims: ActionClaims = { accountId: c.a, rule: c.r, action: c.k, recipient: c.w, exp: c.x };
  if (c.e !== undefined) claims.alertId = c.e;
  return { ok: true, claims, kid: check.kid };
}
