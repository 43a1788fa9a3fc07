import type { Level, RuleId, Tier } from "@churnwatch/contracts";
import { accountRiskAt } from "./risk/account.ts";
import { step } from "./engine.ts";
import type { EngineConfig } from "./config.ts";
import { formatMoney } from "./money.ts";
import { accountCurrency, type AccountState } from "./state.ts";

const DAY_MS = 86_400_000;
export const TRAILING_DAYS = 365;

export interface SnapshotAlert {
  alertId: string;
  rule: RuleId;
  level: Level;
  score: number;
  firedAt: string;
}

export interface SnapshotAccount {
  accountId: string;
  name: string | null;
  tier: Tier | null;
  currency: string | null;
  /** The level of the risk score (risk/account.ts), null below medium. */
  level: Level | null;
  /** 0–100: the account's one risk score, the chance in percent that it defects within the model's horizon. */
  score: number;
  /** The score's chance unrounded (0..1, six decimals): what rankings and backtests order by. */
  chance: number;
  alerts: SnapshotAlert[];
  /** Placed, uncancelled orders in the account's currency in (asOf − 365 d, asOf], major units. */
  trailing12mValue: string;
  /** trailing12mValue × chance: the trailing value weighted by risk. */
  revenueAtRisk: string;
}

export interface Snapshot {
  asOf: string;
  configVersion: string;
  accounts: SnapshotAccount[];
}

/**
 * Who is at risk at `asOfMs` of event time. Each state holds every event up to asOf; it is evaluated with
 * a tick at asOf on a copy, so taking a snapshot never changes the replay that continues after it.
 * Sorted by revenue at risk (amounts compared as numbers across currencies: no FX conversion), then score.
 */
export function takeSnapshot(states: Iterable<AccountState>, asOfMs: number, config: EngineConfig): Snapshot {
  return rankSnapshot(takeSnapshotEntries(states, asOfMs, config), asOfMs, config.version);
}

/** takeSnapshot's lines before they are ranked: for a replay that holds its accounts in several threads. */
export function takeSnapshotEntries(states: Iterable<AccountState>, asOfMs: number, config: EngineConfig): SnapshotEntry[] {
  const at = new Date(asOfMs).toISOString();
  return snapshotEntries(
    (function* () {
      for (const before of states) yield step(before, { kind: "tick", at }, config).state;
    })(),
    asOfMs,
    config,
  );
}

/**
 * The same ranking over states taken as they are, without evaluating them again: for a reader of the live
 * worker's states (the notifier's digests), whose rules and thresholds are the worker's to apply.
 */
export function snapshotOf(states: Iterable<AccountState>, asOfMs: number, config: EngineConfig): Snapshot {
  return rankSnapshot(snapshotEntries(states, asOfMs, config), asOfMs, config.version);
}

/** A snapshot's line for one account, with the exact revenue at risk it is ranked by. */
export type SnapshotEntry = SnapshotAccount & { riskMicros: bigint };

/**
 * The unranked lines of a snapshot: the half of snapshotOf that needs the states. A replay split across threads
 * takes them in each thread and ranks them all together (rankSnapshot), which gives the same snapshot.
 */
export function snapshotEntries(states: Iterable<AccountState>, asOfMs: number, config: EngineConfig): SnapshotEntry[] {
  const accounts: SnapshotEntry[] = [];
  for (const state of states) {
    const alerts: SnapshotAlert[] = [];
    for (const alert of Object.values(state.alerts)) {
      if (!alert) continue;
      alerts.push({ alertId: alert.alertId, rule: alert.rule, level: alert.level, score: alert.score, firedAt: alert.firedAt });
    }
    const { score, level, chance } = accountRiskAt(state, asOfMs, config);
    alerts.sort((a, b) => b.score - a.score || (a.rule < b.rule ? -1 : 1));
    const trailing = trailingValueMicros(state, asOfMs);
    const riskMicros = (trailing * BigInt(Math.round(chance * 1e6))) / 1_000_000n;
    accounts.push({
      accountId: state.accountId,
      name: state.profile?.name ?? null,
      tier: state.profile?.tier ?? null,
      currency: accountCurrency(state) ?? null,
      level,
      score,
      chance: Math.round(chance * 1e6) / 1e6,
      alerts,
      trailing12mValue: formatMoney(trailing),
      revenueAtRisk: formatMoney(riskMicros),
      riskMicros,
    });
  }
  return accounts;
}

/** Ranks snapshot lines by revenue at risk, then score, then account id: a total order, whatever order they come in. */
export function rankSnapshot(entries: readonly SnapshotEntry[], asOfMs: number, configVersion: string): Snapshot {
  const accounts = [...entries].sort(
    (a, b) =>
      (a.riskMicros < b.riskMicros ? 1 : a.riskMicros > b.riskMicros ? -1 : 0) ||
      b.chance - a.chance ||
      (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0),
  );
  return {
    asOf: new Date(asOfMs).toISOString(),
    configVersion,
    accounts: accounts.map(({ riskMicros: _, ...rest }) => rest),
  };
}

export function trailingValueMicros(state: AccountState, asOfMs: number): bigint {
  const own = accountCurrency(state);
  const from = asOfMs - TRAILING_DAYS * DAY_MS;
  let total = 0n;
  for (const o of state.orders) {
    if (!o.placed || o.cancelled || o.atMs <= from || o.atMs > asOfMs) continue;
    if (own !== undefined && o.currency !== undefined && o.currency !== own) continue;
    total += BigInt(o.amountMicros);
  }
  return total;
}
