import type { ActionClaims } from "../actionLinks.ts";
import { sameAddress, type InboxEntry } from "../lifecycle/inbox.ts";

/**
 * Whether a verified action link still applies to the alert it names. The signature only proves what the
 * link said when it was sent; by the time it is opened the alert may be a new episode of the same rule,
 * or its recipient may have handed the account over. Both are refused: a "not a risk" answered for an
 * episode nobody saw would write a false label for the backtest, and a former owner has no say any more.
 */
export type LinkRefusal = "not-recipient" | "alert-changed";

export function linkRefusal(claims: ActionClaims, entry: InboxEntry, linkTtlSeconds: number): LinkRefusal | undefined {
  // Compared with the account as the latest notification described it (owner, manager, sponsor now).
  const { owner, manager, sponsor } = entry.snapshot.account;
  if (![owner, manager, sponsor].some((p) => p !== undefined && sameAddress(p.email, claims.recipient))) return "not-recipient";
  if (claims.alertId !== undefined) return claims.alertId === entry.snapshot.alertId ? undefined : "alert-changed";
  // A link sent before links named their episode: it was signed LINK_TTL_DAYS before its expiry, so an episode
  // that fired after that is one its email never showed. (A TTL shortened since makes this estimate late.)
  const issuedMs = (claims.exp - linkTtlSeconds) * 1000;
  return Date.parse(entry.snapshot.firedAt) > issuedMs ? "alert-changed" : undefined;
}
