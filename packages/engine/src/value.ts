import type { Level, Tier } from "@churnwatch/contracts";
import type { EngineConfig } from "./config.ts";
import { accountRiskAt } from "./risk/account.ts";
import type { AccountState } from "./state.ts";
import { buildView } from "./view.ts";

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;

/** What one account is worth and how it pays, over the trailing twelve months (T12M) at `asOfMs`. */
export interface AccountValue {
  accountId: string;
  tier: Tier | undefined;
  revenueMicros: bigint;
  orders: number;
  /** Distinct calendar months (UTC) with an order: a one-off bulk buyer (团购) has one or two. */
  activeMonths: number;
  /** Mean days late of invoices paid in the window; undefined without any. */
  meanDaysLate: number | undefined;
  /** Mean gross margin of orders that carried one; undefined without any. */
  meanMargin: number | undefined;
  /** The account's one risk score, 0–100 (risk/account.ts). */
  risk: number;
  level: Level | undefined;
}

export function accountValue(state: AccountState, asOfMs: number, config: EngineConfig): AccountValue {
  const view = buildView(state);
  const from = asOfMs - YEAR_MS;
  let revenue = 0n;
  let orders = 0;
  const months = new Set<string>();
  let margins = 0;
  let marginSum = 0;
  for (const o of view.orders) {
    if (o.atMs <= from || o.atMs > asOfMs) continue;
    revenue += o.micros;
    orders++;
    months.add(new Date(o.atMs).toISOString().slice(0, 7));
  }
  for (const o of state.orders) {
    if (!o.placed || o.cancelled || o.atMs <= from || o.atMs > asOfMs || o.grossMargin === undefined) continue;
    margins++;
    marginSum += o.grossMargin;
  }
  const paid = view.paid.filter((p) => p.paidAtMs > from && p.paidAtMs <= asOfMs);
  const { risk, level } = accountRisk(state, asOfMs, config);
  return {
    accountId: state.accountId,
    tier: state.profile?.tier,
    revenueMicros: revenue,
    orders,
    activeMonths: months.size,
    meanDaysLate: paid.length > 0 ? paid.reduce((s, p) => s + p.daysLate, 0) / paid.length : undefined,
    meanMargin: margins > 0 ? marginSum / margins : undefined,
    risk,
    level,
  };
}

/** The account's one risk score at `asOfMs` (risk/account.ts), as the value tables read it. */
export function accountRisk(state: AccountState, asOfMs: number, config: EngineConfig): { risk: number; level: Level | undefined } {
  const { score, level } = accountRiskAt(state, asOfMs, config);
  return { risk: score, level: level ?? undefined };
}

export type AbcClass = "A" | "B" | "C";

export interface ClassifiedAccount extends AccountValue {
  abc: AbcClass;
  /** 0–20: pays on time (0 days late or early) scores 20, 30+ days late scores 0. */
  collectionScore: number;
  /** 0–20: margin of 30% or more scores 20, 0% or less scores 0. */
  marginScore: number;
  /** A key account: not a one-off bulk buyer, and it brings real value (class A or B). */
  key: boolean;
  /** T12M revenue weighted by risk: what is at stake; every ranking sorts by it. */
  revenueAtRiskMicros: bigint;
}

export interface ClassOptions {
  /** Cumulative revenue share that makes class A (Pareto: the few accounts bringing most revenue). */
  aShare: number;
  bShare: number;
  /** Fewer active months than this in the trailing year means a one-off bulk buyer. */
  minActiveMonths: number;
}

export const defaultClassOptions: ClassOptions = { aShare: 0.8, bShare: 0.95, minActiveMonths: 3 };

/**
 * ABC classification (Pareto by T12M revenue) with the 20 + 20 payment-collection and gross-margin scores
 * of the key-account brief. Pure: the caller gathers every account's value at one instant.
 */
export function classifyAccounts(values: readonly AccountValue[], opts: ClassOptions = defaultClassOptions): ClassifiedAccount[] {
  const total = values.reduce((s, v) => s + v.revenueMicros, 0n);
  const ranked = [...values].sort((a, b) => (b.revenueMicros > a.revenueMicros ? 1 : b.revenueMicros < a.revenueMicros ? -1 : a.accountId.localeCompare(b.accountId)));
  let cumulative = 0n;
  return ranked.map((v) => {
    // Class by the share of revenue *before* this account, so the account that crosses 80% is still A.
    const before = total > 0n ? Number((cumulative * 10_000n) / total) / 10_000 : 1;
    cumulative += v.revenueMicros;
    const abc: AbcClass = v.revenueMicros === 0n ? "C" : before < opts.aShare ? "A" : before < opts.bShare ? "B" : "C";
    const collectionScore = v.meanDaysLate === undefined ? 10 : clamp(20 - (Math.max(0, v.meanDaysLate) * 20) / 30, 0, 20);
    const marginScore = v.meanMargin === undefined ? 10 : clamp((v.meanMargin * 20) / 0.3, 0, 20);
    const oneOff = v.activeMonths < opts.minActiveMonths;
    return {
      ...v,
      abc,
      collectionScore: Math.round(collectionScore * 10) / 10,
      marginScore: Math.round(marginScore * 10) / 10,
      key: !oneOff && abc !== "C",
      revenueAtRiskMicros: (v.revenueMicros * BigInt(Math.round(v.risk * 10))) / 1000n,
    };
  });
}

/** Ranks by revenue at risk, largest first: the "who is at risk right now" list digests show. */
export function rankByRevenueAtRisk(accounts: readonly ClassifiedAccount[]): ClassifiedAccount[] {
  return [...accounts].sort((a, b) =>
    b.revenueAtRiskMicros > a.revenueAtRiskMicros ? 1 : b.revenueAtRiskMicros < a.revenueAtRiskMicros ? -1 : a.accountId.localeCompare(b.accountId),
  );
}


function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
