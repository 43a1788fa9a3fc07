// Account states as the signal worker's changelog carries them, for the console's tests and its demo.
import type { AlertTransition, Locale, Tier } from "@churnwatch/contracts";
import { emptyState, type AccountState } from "@churnwatch/engine";
import { firingAlertRecord, type FiringAlert } from "@churnwatch/testing";

const DAY_MS = 86_400_000;

export interface FixtureAccount {
  accountId: string;
  name: string;
  tier: Tier;
  region: string;
  owner: { name: string; email: string };
  manager?: { name: string; email: string };
  currency?: string;
  locale?: Locale;
  /** Monthly order value over the last year, oldest first (12 values). */
  monthly: number[];
  alerts?: FiringAlert[];
}

export function fixtureState(a: FixtureAccount, nowMs: number): AccountState {
  const at = new Date(nowMs).toISOString();
  const alerts: AccountState["alerts"] = {};
  for (const x of a.alerts ?? []) {
    const record = firingAlertRecord(a.accountId, x, at);
    alerts[x.rule] = record;
  }
  const currency = a.currency ?? "CNY";
  const orders = a.monthly.map((value, i) => ({
    orderId: `${a.accountId}-o${i}`,
    placed: true,
    atMs: nowMs - (a.monthly.length - 1 - i) * 30 * DAY_MS - DAY_MS,
    amountMicros: String(BigInt(Math.round(value)) * 1_000_000n),
    currency,
    cancelled: false,
    eventId: `${a.accountId}-e${i}`,
  }));
  return {
    ...emptyState(a.accountId),
    profile: {
      name: a.name,
      tier: a.tier,
      owner: a.owner,
      ...(a.manager ? { manager: a.manager } : {}),
      region: a.region,
      timezone: "Asia/Shanghai",
      currency,
      locale: a.locale ?? "zh-CN",
    },
    clock: at,
    firstOrderAt: orders[0] ? new Date(orders[0].atMs).toISOString() : undefined,
    orders: orders.filter((o) => o.amountMicros !== "0"),
    alerts,
  };
}

/** A changelog message's value as the signal worker writes it (hash fields, `v` the version). */
export const changelogValue = (state: AccountState, version: number) => JSON.stringify({ v: String(version), s: JSON.stringify(state) });

/** The account as it was `i` of `versions` versions in: no alerts for the first two, then their scores climbing to now. */
export function grown(a: FixtureAccount, i: number, versions: number): FixtureAccount {
  const share = (i + 1) / versions;
  return { ...a, alerts: i < 2 ? [] : (a.alerts ?? []).map((x) => ({ ...x, score: Math.round(x.score * share) })) };
}

/** Each alert's "fired" and "notified" steps two weeks before `nowMs`, as the alert-history topic carries them. */
export function firedTransitions(a: FixtureAccount, nowMs: number): AlertTransition[] {
  return (a.alerts ?? []).flatMap((x, i) =>
    (["fired", "notified"] as const).map((type, j) => ({
      transitionId: `${a.accountId}:${x.rule}:${type}`,
      alertId: `${a.accountId}:${x.rule}:1`,
      accountId: a.accountId,
      rule: x.rule,
      type,
      level: x.level,
      score: x.score,
      at: new Date(nowMs - 14 * DAY_MS + i * 3_600_000 + j * 60_000).toISOString(),
      cause: type === "fired" ? ("engine" as const) : ("policy" as const),
      actor: type === "fired" ? "engine" : a.owner.email,
      configVersion: "demo",
    })),
  );
}
