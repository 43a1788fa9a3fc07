import { levelRank, type Evidence, type Level, type RuleId, type Tier } from "@churnwatch/contracts";
import { formatMoney, parseAmount, snapshotOf, toReportingMicros, type AccountState, type EngineConfig, type ExchangeRates } from "@churnwatch/engine";
import type { AccountInbox } from "../lifecycle/inbox.ts";
import type { Subscription } from "./subscription.ts";

/** What a sent digest leaves behind for the next one: its ranking, to tell new, escalated and recovered. */
export interface DigestRecord {
  periodKey: string;
  at: string;
  accounts: Array<{ accountId: string; name: string; level: Level; score: number }>;
}

/** How many past digests the trend shows (plus the current one). */
export const TREND_POINTS = 7;

export interface DigestSignal {
  rule: RuleId;
  level: Level;
  score: number;
  evidence: Evidence[];
}

export interface DigestLine {
  rank: number;
  accountId: string;
  name: string;
  tier: Tier | undefined;
  region: string | undefined;
  owner: { name: string; email: string } | undefined;
  level: Level;
  score: number;
  currency: string | undefined;
  /** Major units, as the snapshot computes it: trailing-12-month order value × score. */
  revenueAtRisk: string;
  /** The same in the reporting currency, when rates are configured; undefined with no rate for the currency. */
  reportingRevenueAtRisk: string | undefined;
  /** The two strongest alerts, strongest first. */
  signals: DigestSignal[];
  /** Whether the owner answered: every firing alert acknowledged (or dismissed as not a risk), some, or none. */
  acknowledged: "all" | "some" | "none";
  /** Scores in past digests, oldest first, then now (0 where the account was not in the digest). */
  trend: number[];
  change: "new" | "escalated" | "same" | "eased";
}

export interface DigestTotal {
  key: string;
  accounts: number;
  /**
   * Major units. With rates configured: one entry in the reporting currency, then one per currency that has
   * no rate (marked unconverted, never added in). Without: one entry per currency.
   */
  revenueAtRisk: Array<{ currency: string | undefined; amount: string; unconverted?: true }>;
}

export interface DigestContent {
  subscriptionId: string;
  periodKey: string;
  scheduledFor: string;
  generatedAt: string;
  late: boolean;
  /** Every account that matches the filters; lines holds the top of them. */
  matching: number;
  lines: DigestLine[];
  /** No digest was sent before: nothing to compare with. */
  first: boolean;
  /** At risk now and not in the last digest (all of them, not only the top). */
  added: Array<{ accountId: string; name: string; level: Level }>;
  escalated: Array<{ accountId: string; name: string; from: Level; to: Level }>;
  /** In the last digest and not in this one: recovered (no alert now) or below the filters now. */
  recovered: Array<{ accountId: string; name: string; was: Level; now: Level | undefined }>;
  byRegion: DigestTotal[];
  byTier: DigestTotal[];
  /** The rates the money was converted at, shown with the totals; undefined when none are configured. */
  fx: { reporting: string; asOf: string } | undefined;
  /** What this digest leaves for the next one, once sent. */
  record: DigestRecord;
}

export interface DigestInput {
  subscription: Subscription;
  /** The signal worker's account states, as it committed them. */
  states: readonly AccountState[];
  inboxes: ReadonlyMap<string, AccountInbox>;
  /** Past digests of this subscription, newest first. */
  history: readonly DigestRecord[];
  periodKey: string;
  scheduledMs: number;
  nowMs: number;
  late: boolean;
  /** The signal worker's rules and model: the risk score the digest ranks by is the one every surface shows. */
  engine: EngineConfig;
  /** The reporting currency: with it, the ranking and the totals compare converted amounts. */
  fx?: ExchangeRates | undefined;
}

function converted(amount: string, currency: string | undefined, fx: ExchangeRates): string | undefined {
  const micros = toReportingMicros(parseAmount(amount), currency, fx);
  return micros === undefined ? undefined : formatMoney(micros);
}

/** Only firing alerts count: one still in its pending period has not been announced to anyone. */
function firingOnly(state: AccountState): AccountState {
  const alerts: AccountState["alerts"] = {};
  for (const [rule, alert] of Object.entries(state.alerts) as Array<[RuleId, NonNullable<AccountState["alerts"][RuleId]>]>) {
    if (alert && alert.pendingSince === undefined) alerts[rule] = alert;
  }
  return { ...state, alerts };
}

function matches(state: AccountState, level: Level, f: Subscription["filters"]): boolean {
  const p = state.profile;
  if (f.minLevel && levelRank[level] < levelRank[f.minLevel]) return false;
  if (f.regions && f.regions.length > 0 && !(p && f.regions.includes(p.region))) return false;
  if (f.tiers && f.tiers.length > 0 && !(p && f.tiers.includes(p.tier))) return false;
  if (f.owners && f.owners.length > 0 && !(p && f.owners.includes(p.owner.email.toLowerCase()))) return false;
  return true;
}

/** An alert counts as answered once its owner took it on or judged it not a risk (both are answers). */
function acknowledged(inbox: AccountInbox | undefined, rules: RuleId[]): DigestLine["acknowledged"] {
  const answered = rules.filter((r) => {
    const record = inbox?.alerts[r]?.record;
    return record !== undefined && (record.acknowledgedAt !== undefined || record.dismissedAt !== undefined);
  }).length;
  return answered === 0 ? "none" : answered === rules.length ? "all" : "some";
}

function totals(lines: readonly DigestLine[], keyOf: (l: DigestLine) => string, fx: ExchangeRates | undefined): DigestTotal[] {
  const groups = new Map<string, { accounts: number; converted: bigint; money: Map<string | undefined, bigint> }>();
  for (const l of lines) {
    const key = keyOf(l);
    const g = groups.get(key) ?? { accounts: 0, converted: 0n, money: new Map() };
    g.accounts++;
    if (fx && l.reportingRevenueAtRisk !== undefined) g.converted += parseAmount(l.reportingRevenueAtRisk);
    else g.money.set(l.currency, (g.money.get(l.currency) ?? 0n) + parseAmount(l.revenueAtRisk));
    groups.set(key, g);
  }
  return [...groups.entries()]
    .map(([key, g]) => ({
      key,
      accounts: g.accounts,
      revenueAtRisk: [
        ...(fx ? [{ currency: fx.reporting, amount: formatMoney(g.converted) }] : []),
        ...[...g.money.entries()].map(([currency, m]) => ({ currency, amount: formatMoney(m), ...(fx ? { unconverted: true as const } : {}) })),
      ],
    }))
    .sort((a, b) => b.accounts - a.accounts || a.key.localeCompare(b.key));
}

/** Reporting-currency micro-units, or -1 for no rate: those rank after every converted one, in snapshot order. */
const reportingRank = (l: DigestLine) => (l.reportingRevenueAtRisk === undefined ? -1n : parseAmount(l.reportingRevenueAtRisk));

/**
 * The digest, a pure function of the state: every account with a firing alert that passes the filters,
 * ranked by revenue at risk (the engine's snapshot), compared with the last digest sent.
 */
export function buildDigest(input: DigestInput): DigestContent {
  const { subscription: sub, history } = input;
  const byId = new Map(input.states.map((s) => [s.accountId, firingOnly(s)]));
  const snapshot = snapshotOf(byId.values(), input.nowMs, input.engine);
  const last = history[0];
  const before = new Map(last?.accounts.map((a) => [a.accountId, a]) ?? []);
  const past = [...history.slice(0, TREND_POINTS)].reverse();

  const all: DigestLine[] = [];
  for (const a of snapshot.accounts) {
    const state = byId.get(a.accountId);
    if (!a.level || !state || !matches(state, a.level, sub.filters)) continue;
    const p = state.profile;
    const prev = before.get(a.accountId);
    all.push({
      rank: all.length + 1,
      accountId: a.accountId,
      name: a.name ?? a.accountId,
      tier: a.tier ?? undefined,
      region: p?.region,
      owner: p ? { name: p.owner.name, email: p.owner.email } : undefined,
      level: a.level,
      score: a.score,
      currency: a.currency ?? undefined,
      revenueAtRisk: a.revenueAtRisk,
      reportingRevenueAtRisk: input.fx ? converted(a.revenueAtRisk, a.currency ?? undefined, input.fx) : undefined,
      signals: a.alerts.slice(0, 2).map((s) => ({ rule: s.rule, level: s.level, score: s.score, evidence: state.alerts[s.rule]?.evidence ?? [] })),
      acknowledged: acknowledged(input.inboxes.get(a.accountId), a.alerts.map((s) => s.rule)),
      trend: [...past.map((d) => d.accounts.find((x) => x.accountId === a.accountId)?.score ?? 0), a.score],
      // The first digest has nothing to compare with: no account is "new" in it.
      change: !last ? "same" : !prev ? "new" : levelRank[a.level] > levelRank[prev.level] ? "escalated" : levelRank[a.level] < levelRank[prev.level] ? "eased" : "same",
    });
  }
  if (input.fx) {
    // The snapshot ranks raw amounts; across currencies only the converted ones compare. A stable sort keeps
    // the snapshot's order (score, then id) among equal amounts.
    all.sort((a, b) => { const d = reportingRank(b) - reportingRank(a); return d > 0n ? 1 : d < 0n ? -1 : 0; });
    all.forEach((l, i) => (l.rank = i + 1));
  }
  const current = new Set(all.map((l) => l.accountId));
  const record: DigestRecord = {
    periodKey: input.periodKey,
    at: new Date(input.nowMs).toISOString(),
    accounts: all.map((l) => ({ accountId: l.accountId, name: l.name, level: l.level, score: l.score })),
  };
  return {
    subscriptionId: sub.id,
    periodKey: input.periodKey,
    scheduledFor: new Date(input.scheduledMs).toISOString(),
    generatedAt: record.at,
    late: input.late,
    matching: all.length,
    lines: all.slice(0, sub.top),
    first: last === undefined,
    added: last ? all.filter((l) => l.change === "new").map((l) => ({ accountId: l.accountId, name: l.name, level: l.level })) : [],
    escalated: all.flatMap((l) => {
      const prev = before.get(l.accountId);
      return prev && l.change === "escalated" ? [{ accountId: l.accountId, name: l.name, from: prev.level, to: l.level }] : [];
    }),
    recovered: (last?.accounts ?? [])
      .filter((a) => !current.has(a.accountId))
      .map((a) => ({ accountId: a.accountId, name: a.name, was: a.level, now: snapshot.accounts.find((x) => x.accountId === a.accountId)?.level ?? undefined })),
    byRegion: totals(all, (l) => l.region ?? "—", input.fx),
    byTier: totals(all, (l) => l.tier ?? "—", input.fx),
    fx: input.fx ? { reporting: input.fx.reporting, asOf: input.fx.asOf } : undefined,
    record,
  };
}
