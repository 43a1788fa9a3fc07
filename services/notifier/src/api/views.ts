import type { AlertTransition, Level, RuleId } from "@churnwatch/contracts";
import { dedupeTransitions, levelRank } from "@churnwatch/contracts";
import type { AccountInbox, InboxEntry } from "../lifecycle/inbox.ts";
import { entries } from "../lifecycle/inbox.ts";
import type { Scope } from "./tokens.ts";

/** One alert as the list shows it: enough to sort, filter and decide which to open. */
export interface AlertSummary {
  accountId: string;
  accountName: string;
  rule: RuleId;
  alertId: string;
  state: InboxEntry["record"]["state"];
  level: Level;
  score: number;
  firedAt: string;
  tier: string | undefined;
  region: string | undefined;
  owner: string | undefined;
  acknowledgedBy: string | undefined;
  snoozedUntil: string | undefined;
  snoozedUntilWorse: boolean;
  dismissedReason: string | undefined;
  escalationStep: number;
}

export interface AlertFilter {
  state?: string | undefined;
  level?: string | undefined;
  owner?: string | undefined;
  tier?: string | undefined;
  region?: string | undefined;
}

export function visibleTo(scope: Scope, entry: InboxEntry): boolean {
  return scope.kind === "all" || entry.snapshot.account.owner?.email.toLowerCase() === scope.email;
}

export function summarise(accountId: string, entry: InboxEntry): AlertSummary {
  const { record: r, snapshot: s } = entry;
  return {
    accountId,
    accountName: s.account.name,
    rule: s.rule,
    alertId: s.alertId,
    state: r.state,
    level: r.level,
    score: s.score,
    firedAt: s.firedAt,
    tier: s.account.tier,
    region: s.account.region,
    owner: s.account.owner?.email,
    acknowledgedBy: r.acknowledgedBy,
    snoozedUntil: r.snoozedUntil,
    snoozedUntilWorse: r.snoozeUntilWorseThan !== undefined,
    dismissedReason: r.dismissedReason,
    escalationStep: r.escalationStep,
  };
}

/** Filters as the list endpoint takes them; `level` means "at least this level". */
export function listAlerts(inboxes: readonly AccountInbox[], scope: Scope, f: AlertFilter): AlertSummary[] {
  const minLevel = f.level as Level | undefined;
  return inboxes
    .flatMap((inbox) => entries(inbox).filter(([, e]) => visibleTo(scope, e)).map(([, e]) => summarise(inbox.accountId, e)))
    .filter((a) => !f.state || a.state === f.state)
    .filter((a) => !minLevel || levelRank[a.level] >= levelRank[minLevel])
    .filter((a) => !f.owner || a.owner?.toLowerCase() === f.owner.toLowerCase())
    .filter((a) => !f.tier || a.tier === f.tier)
    .filter((a) => !f.region || a.region === f.region)
    .sort((a, b) => levelRank[b.level] - levelRank[a.level] || b.score - a.score || a.accountId.localeCompare(b.accountId));
}

/** The history of one alert (account + rule), every episode, deduplicated by transition id, oldest first. */
export function alertHistory(history: readonly AlertTransition[], rule: RuleId): AlertTransition[] {
  return dedupeTransitions(history.filter((t) => t.rule === rule));
}

