import { ruleIds, tiers, type RuleId, type Tier } from "@churnwatch/contracts";
import type { AccountState } from "@churnwatch/engine";
import type { Episode } from "./episodes.ts";
import type { Label } from "./labels.ts";

const DAY_MS = 86_400_000;
/** Average Gregorian month. */
const MONTH_MS = 30.436875 * DAY_MS;
export const LOOKBACK_DAYS = 365;
export const HISTOGRAM_BIN_DAYS = 30;
export const HISTOGRAM_BINS = 12;

export interface AccountInfo {
  accountId: string;
  tier: Tier | null;
  firstEventMs: number;
}

/** What the report needs of each replayed account's final state. */
export function accountInfo(s: AccountState): AccountInfo {
  return { accountId: s.accountId, tier: s.profile?.tier ?? null, firstEventMs: s.firstEventAt === undefined ? 0 : Date.parse(s.firstEventAt) };
}

export interface LeadTime {
  count: number;
  min: number | null;
  p25: number | null;
  median: number | null;
  p75: number | null;
  max: number | null;
  /** 30-day bins from 0; the last bin is open-ended (`toDays` null). */
  histogram: Array<{ fromDays: number; toDays: number | null; count: number }>;
}

export interface Metrics {
  accounts: number;
  churners: number;
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
  trueNegatives: number;
  precision: number | null;
  recall: number | null;
  leadTimeDays: LeadTime;
  alerts: number;
  accountMonths: number;
  alertsPerAccountMonth: number | null;
}

export interface PatternMetrics {
  churners: number;
  detected: number;
  recall: number | null;
  medianLeadDays: number | null;
}

export interface BacktestReport {
  period: { from: string; to: string };
  lookbackDays: number;
  overall: Metrics;
  perTier: Partial<Record<Tier | "unknown", Metrics>>;
  perRule: Record<RuleId, Metrics>;
  perPattern: Record<string, PatternMetrics>;
  /** Labelled accounts that never appear in the events: left out of every figure. */
  unknownLabels: string[];
}

export interface ReportInput {
  episodes: readonly Episode[];
  labels: readonly Label[];
  accounts: readonly AccountInfo[];
  periodStartMs: number;
  periodEndMs: number;
  lookbackDays?: number;
}

/**
 * Account-level backtest. A labelled account is a churner. A churner is a true positive when one of its
 * alert episodes was firing at some point in [churnedAt − lookback, churnedAt] (fired at or before
 * churnedAt, not resolved before churnedAt − lookback), else a false negative. Any other account is a false
 * positive when it has any episode in the period, else a true negative. Lead time is churnedAt minus the
 * first such episode's firedAt. Alerts per account-month count episodes fired while the account was
 * observed: from its first event to the period end, or to churnedAt for a churner.
 */
export function buildReport(input: ReportInput): BacktestReport {
  const lookbackDays = input.lookbackDays ?? LOOKBACK_DAYS;
  const known = new Set(input.accounts.map((a) => a.accountId));
  const labels = new Map(input.labels.filter((l) => known.has(l.accountId)).map((l) => [l.accountId, l]));
  const ctx = { labels, periodEndMs: input.periodEndMs, lookbackMs: lookbackDays * DAY_MS };
  const perTier: BacktestReport["perTier"] = {};
  for (const tier of [...tiers, "unknown"] as const) {
    const subset = input.accounts.filter((a) => (a.tier ?? "unknown") === tier);
    if (subset.length > 0) perTier[tier] = metrics(subset, input.episodes, ctx);
  }
  const perRule = {} as Record<RuleId, Metrics>;
  for (const rule of ruleIds) perRule[rule] = metrics(input.accounts, input.episodes.filter((e) => e.rule === rule), ctx);
  return {
    period: { from: new Date(input.periodStartMs).toISOString(), to: new Date(input.periodEndMs).toISOString() },
    lookbackDays,
    overall: metrics(input.accounts, input.episodes, ctx),
    perTier,
    perRule,
    perPattern: patterns(input.accounts, input.episodes, ctx),
    unknownLabels: input.labels.filter((l) => !known.has(l.accountId)).map((l) => l.accountId),
  };
}

interface Ctx {
  labels: Map<string, Label>;
  periodEndMs: number;
  lookbackMs: number;
}

/** Days from the first episode firing in the lookback window to churnedAt, or undefined when none did. */
function leadFor(label: Label, episodes: readonly Episode[] | undefined, lookbackMs: number): number | undefined {
  let first = Infinity;
  for (const e of episodes ?? []) {
    const fired = Date.parse(e.firedAt);
    const resolved = e.resolvedAt === null ? Infinity : Date.parse(e.resolvedAt);
    if (fired <= label.churnedMs && resolved >= label.churnedMs - lookbackMs) first = Math.min(first, fired);
  }
  return first === Infinity ? undefined : (label.churnedMs - first) / DAY_MS;
}

function byAccount(episodes: readonly Episode[]): Map<string, Episode[]> {
  const map = new Map<string, Episode[]>();
  for (const e of episodes) {
    const list = map.get(e.accountId);
    if (list) list.push(e);
    else map.set(e.accountId, [e]);
  }
  return map;
}

export function metrics(accounts: readonly AccountInfo[], episodes: readonly Episode[], ctx: Ctx): Metrics {
  const grouped = byAccount(episodes);
  let tp = 0;
  let fn = 0;
  let fp = 0;
  let tn = 0;
  let alerts = 0;
  let observedMs = 0;
  const leads: number[] = [];
  for (const account of accounts) {
    const label = ctx.labels.get(account.accountId);
    const own = grouped.get(account.accountId);
    const endMs = label ? Math.min(ctx.periodEndMs, label.churnedMs) : ctx.periodEndMs;
    observedMs += Math.max(0, endMs - account.firstEventMs);
    for (const e of own ?? []) if (Date.parse(e.firedAt) <= endMs) alerts++;
    if (label) {
      const lead = leadFor(label, own, ctx.lookbackMs);
      if (lead === undefined) fn++;
      else {
        tp++;
        leads.push(lead);
      }
    } else if (own && own.length > 0) fp++;
    else tn++;
  }
  const accountMonths = observedMs / MONTH_MS;
  return {
    accounts: accounts.length,
    churners: tp + fn,
    truePositives: tp,
    falseNegatives: fn,
    falsePositives: fp,
    trueNegatives: tn,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    leadTimeDays: leadTime(leads),
    alerts,
    accountMonths: round(accountMonths, 2),
    alertsPerAccountMonth: accountMonths > 0 ? round(alerts / accountMonths, 4) : null,
  };
}

function patterns(accounts: readonly AccountInfo[], episodes: readonly Episode[], ctx: Ctx): Record<string, PatternMetrics> {
  const grouped = byAccount(episodes);
  const leads = new Map<string, { churners: number; leads: number[] }>();
  for (const account of accounts) {
    const label = ctx.labels.get(account.accountId);
    if (!label) continue;
    const key = label.pattern ?? "unspecified";
    const entry = leads.get(key) ?? { churners: 0, leads: [] };
    entry.churners++;
    const lead = leadFor(label, grouped.get(account.accountId), ctx.lookbackMs);
    if (lead !== undefined) entry.leads.push(lead);
    leads.set(key, entry);
  }
  const out: Record<string, PatternMetrics> = {};
  for (const [key, { churners, leads: l }] of [...leads].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    out[key] = { churners, detected: l.length, recall: ratio(l.length, churners), medianLeadDays: leadTime(l).median };
  }
  return out;
}

export function leadTime(days: readonly number[]): LeadTime {
  const xs = [...days].sort((a, b) => a - b);
  const histogram: LeadTime["histogram"] = [];
  for (let i = 0; i < HISTOGRAM_BINS; i++) {
    const from = i * HISTOGRAM_BIN_DAYS;
    const last = i === HISTOGRAM_BINS - 1;
    histogram.push({ fromDays: from, toDays: last ? null : from + HISTOGRAM_BIN_DAYS, count: 0 });
  }
  for (const x of xs) {
    const bin = histogram[Math.min(HISTOGRAM_BINS - 1, Math.floor(x / HISTOGRAM_BIN_DAYS))];
    if (bin) bin.count++;
  }
  const q = (p: number) => (xs.length === 0 ? null : round(quantile(xs, p), 1));
  return { count: xs.length, min: q(0), p25: q(0.25), median: q(0.5), p75: q(0.75), max: q(1), histogram };
}

/** Linear interpolation between closest ranks (the common "type 7" definition). */
export function quantile(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return a + (h - lo) * (b - a);
}

function ratio(a: number, b: number): number | null {
  return b === 0 ? null : round(a / b, 4);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
