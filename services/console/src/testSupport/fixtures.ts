// Account states as the signal worker's changelog carries them, for the console's tests and its demo.
import type { Locale, Tier } from "@churnwatch/contracts";
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
