import type { AlertTransition, Level, Locale, RuleId, Tier } from "@churnwatch/contracts";
import { accountCurrency, accountRisk, accountValue, formatMoney as microsToDecimal, type AccountState, type EngineConfig } from "@churnwatch/engine";
import { explainEvidence, formatMoney } from "@churnwatch/explain";

/** What `inspect` shows about one account: plain JSON, so the text and --json outputs carry the same facts. */
export interface AccountReport {
  accountId: string;
  profile: { name: string; tier: Tier; region: string; owner: string; ownerEmail: string; locale: Locale; currency: string } | null;
  eventsApplied: number;
  clock: string | null;
  /** Trailing 12 months up to the account's clock (event time), as the engine sees it, not the wall clock. */
  t12m: { orderValue: string; formatted: string; orders: number; asOf: string | null };
  risk: { score: number; level: Level | null };
  alerts: AlertReport[];
  openInvoices: number;
  unresolvedComplaints: number;
  /** The latest alert transitions (engine, policy, answers, emails), oldest first. */
  history: HistoryLine[];
}

export interface HistoryLine {
  at: string;
  rule: string;
  type: string;
  level: string;
  actor: string;
  note: string | null;
}

export interface AlertReport {
  rule: RuleId;
  level: Level;
  score: number;
  firedAt: string;
  announcedLevel: Level | null;
  recoveringSince: string | null;
  explanations: string[];
}

export interface StoredAccountRecord {
  state: AccountState;
  applied: number;
  /** Raw transitions from the account's history, oldest first. */
  history?: AlertTransition[];
}

export function buildAccountReport({ state, applied, history = [] }: StoredAccountRecord, locale: Locale, config: EngineConfig): AccountReport {
  const asOfMs = state.clock ? Date.parse(state.clock) : undefined;
  const currency = accountCurrency(state);
  const value = asOfMs === undefined ? undefined : accountValue(state, asOfMs, config);
  const orderValue = microsToDecimal(value?.revenueMicros ?? 0n);
  const { risk, level } = asOfMs === undefined ? { risk: 0, level: undefined } : accountRisk(state, asOfMs, config);
  const p = state.profile;
  return {
    accountId: state.accountId,
    profile: p
      ? { name: p.name, tier: p.tier, region: p.region, owner: p.owner.name, ownerEmail: maskEmail(p.owner.email), locale: p.locale, currency: p.currency }
      : null,
    eventsApplied: applied,
    clock: state.clock ?? null,
    t12m: { orderValue, formatted: formatMoney(orderValue, locale, currency), orders: value?.orders ?? 0, asOf: state.clock ?? null },
    risk: { score: risk, level: level ?? null },
    alerts: firingAlerts(state, locale, currency),
    openInvoices: state.invoices.filter((i) => i.issued && i.paidAtMs === undefined).length,
    unresolvedComplaints: state.complaints.filter((c) => c.opened && c.resolvedAtMs === undefined).length,
    // Actors can be an owner's address (an answer from an email link): masked like the owner's.
    history: history.slice(-HISTORY_SHOWN).map((t) => ({
      at: t.at,
      rule: t.rule,
      type: t.type,
      level: t.level,
      actor: maskEmailsIn(t.actor),
      note: t.note === undefined ? null : maskEmailsIn(t.note),
    })),
  };
}

const HISTORY_SHOWN = 20;
const maskEmailsIn = (text: string) => text.replace(/[^\s:<>@]+@[^\s<>@]+/g, (m) => maskEmail(m));

// Pending alerts have not fired yet (accountRisk ignores them too); recovering ones still fire.
function firingAlerts(state: AccountState, locale: Locale, currency: string | undefined): AlertReport[] {
  return Object.values(state.alerts)
    .filter((a) => a !== undefined && a.pendingSince === undefined)
    .sort((a, b) => b.score - a.score || a.rule.localeCompare(b.rule))
    .map((a) => ({
      rule: a.rule,
      level: a.level,
      score: a.score,
      firedAt: a.firedAt,
      announcedLevel: a.announcedLevel ?? null,
      recoveringSince: a.recoveringSince ?? null,
      explanations: a.evidence.map((e) => explainEvidence(e, locale, currency).sentence),
    }));
}

/** `li.wei@seller.example` → `l***@seller.example`: enough to recognise, too little to harvest from a log. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "***";
  return `${email[0]}***${email.slice(at)}`;
}
