import { DateTime } from "luxon";
import {
  alertTransitionSchema,
  churnEventSchema,
  consoleAnswerSchema,
  type AlertTransition,
  type ConsoleAnswer,
  type Evidence,
  type Level,
  type RuleId,
} from "@churnwatch/contracts";
import { formatMoney, snapshotEntries, type AccountState, type EngineConfig } from "@churnwatch/engine";

/** An open alert as the console shows it: the engine's own record, with its evidence. */
export interface OpenAlert {
  alertId: string;
  rule: RuleId;
  level: Level;
  score: number;
  firedAt: string;
  evidence: Evidence[];
}

/** Spend per calendar month (the account's timezone), oldest first, and the account's own usual month. */
export interface SpendSeries {
  months: Array<{ month: string; value: string }>;
  /** The median month of the series: what this account usually buys, not a population's norm. */
  baseline: string | null;
}

export interface AccountRow {
  accountId: string;
  version: number;
  name: string | null;
  tier: string | null;
  region: string | null;
  currency: string | null;
  locale: string | null;
  timezone: string | null;
  ownerEmail: string | null;
  ownerName: string | null;
  managerEmail: string | null;
  managerName: string | null;
  sponsorEmail: string | null;
  score: number;
  chance: number;
  level: Level | null;
  trailingValue: string;
  revenueAtRisk: string;
  evaluatedAt: string | null;
  alerts: OpenAlert[];
  spend: SpendSeries;
}

export type Projection =
  | { kind: "account"; row: AccountRow }
  | { kind: "transition"; transition: AlertTransition }
  | { kind: "answer"; answer: ConsoleAnswer }
  | { kind: "interaction"; interaction: InteractionRow }
  | { kind: "skip" }
  | { kind: "unreadable"; reason: string };

export interface InteractionRow {
  accountId: string;
  interactionId: string;
  kind: string;
  direction: string;
  answered: boolean | null;
  occurredAt: string;
  note: string | null;
}

const SPEND_MONTHS = 12;

/**
 * One changelog entry (`{ v, s, ... }` as the signal worker stores it) as the account's row: the one risk
 * score and revenue at risk the snapshot computes, at the state's own clock, so a replayed changelog
 * projects the same rows whenever it is read.
 */
export function projectAccountState(accountId: string, value: string, config: EngineConfig): Projection {
  let stored: { v?: unknown; s?: unknown };
  try {
    stored = JSON.parse(value) as { v?: unknown; s?: unknown };
  } catch {
    return { kind: "unreadable", reason: "the changelog value is not JSON" };
  }
  const version = Number(stored.v);
  if (!Number.isSafeInteger(version) || typeof stored.s !== "string") return { kind: "unreadable", reason: "the changelog value has no version or state" };
  let state: AccountState;
  try {
    state = JSON.parse(stored.s) as AccountState;
  } catch {
    return { kind: "unreadable", reason: "the state is not JSON" };
  }
  if (state.accountId !== accountId) return { kind: "unreadable", reason: "the state names another account than its key" };
  const asOfMs = state.clock ? Date.parse(state.clock) : Date.now();
  const [entry] = snapshotEntries([state], asOfMs, config);
  if (!entry) return { kind: "skip" };
  const p = state.profile;
  const alerts: OpenAlert[] = Object.values(state.alerts)
    .filter((a) => a !== undefined && a.pendingSince === undefined)
    .map((a) => ({ alertId: a.alertId, rule: a.rule, level: a.level, score: a.score, firedAt: a.firedAt, evidence: a.evidence }));
  return {
    kind: "account",
    row: {
      accountId,
      version,
      name: entry.name,
      tier: entry.tier,
      region: p?.region ?? null,
      currency: entry.currency,
      locale: p?.locale ?? null,
      timezone: p?.timezone ?? null,
      ownerEmail: p?.owner.email.toLowerCase() ?? null,
      ownerName: p?.owner.name ?? null,
      managerEmail: p?.manager?.email.toLowerCase() ?? null,
      managerName: p?.manager?.name ?? null,
      sponsorEmail: p?.sponsor?.email.toLowerCase() ?? null,
      score: entry.score,
      chance: entry.chance,
      level: entry.level,
      trailingValue: entry.trailing12mValue,
      revenueAtRisk: entry.revenueAtRisk,
      evaluatedAt: state.clock ?? null,
      alerts,
      spend: monthlySpend(state, asOfMs),
    },
  };
}

/** The last twelve calendar months of placed, uncancelled orders in the account's own currency. */
export function monthlySpend(state: AccountState, asOfMs: number): SpendSeries {
  const zone = state.profile?.timezone ?? "UTC";
  const last = DateTime.fromMillis(asOfMs, { zone }).startOf("month");
  const keys = Array.from({ length: SPEND_MONTHS }, (_, i) => last.minus({ months: SPEND_MONTHS - 1 - i }).toFormat("yyyy-MM"));
  const totals = new Map<string, bigint>(keys.map((k) => [k, 0n]));
  const own = state.profile?.currency ?? state.firstCurrency;
  for (const o of state.orders) {
    if (!o.placed || o.cancelled || o.atMs > asOfMs) continue;
    if (own !== undefined && o.currency !== undefined && o.currency !== own) continue;
    const key = DateTime.fromMillis(o.atMs, { zone }).toFormat("yyyy-MM");
    const total = totals.get(key);
    if (total !== undefined) totals.set(key, total + BigInt(o.amountMicros));
  }
  const values = keys.map((k) => totals.get(k) ?? 0n);
  if (values.every((v) => v === 0n)) return { months: [], baseline: null };
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? (sorted[mid] ?? 0n) : ((sorted[mid - 1] ?? 0n) + (sorted[mid] ?? 0n)) / 2n;
  return { months: keys.map((month, i) => ({ month, value: formatMoney(values[i] ?? 0n) })), baseline: formatMoney(median) };
}

export function projectTransition(value: string): Projection {
  const parsed = alertTransitionSchema.safeParse(parseJson(value));
  return parsed.success ? { kind: "transition", transition: parsed.data } : { kind: "unreadable", reason: `not an alert transition: ${parsed.error.issues[0]?.message ?? "?"}` };
}

export function projectAnswer(value: string): Projection {
  const parsed = consoleAnswerSchema.safeParse(parseJson(value));
  return parsed.success ? { kind: "answer", answer: parsed.data } : { kind: "unreadable", reason: `not a console answer: ${parsed.error.issues[0]?.message ?? "?"}` };
}

/** Only interaction.logged events live on the interactions topic; anything else there is a producer's mistake. */
export function projectInteraction(value: string): Projection {
  const parsed = churnEventSchema.safeParse(parseJson(value));
  if (!parsed.success) return { kind: "unreadable", reason: `not a valid event: ${parsed.error.issues[0]?.message ?? "?"}` };
  const e = parsed.data;
  if (e.type !== "interaction.logged") return { kind: "skip" };
  return {
    kind: "interaction",
    interaction: {
      accountId: e.accountId,
      interactionId: e.data.interactionId,
      kind: e.data.kind,
      direction: e.data.direction,
      answered: e.data.answered ?? null,
      occurredAt: e.occurredAt,
      note: e.data.note ?? null,
    },
  };
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}
