// Seeds the signal worker's per-account state in Redis (what the digests read), as the worker stores it:
// `<SIGNAL_KEY_PREFIX>accounts` set and `<SIGNAL_KEY_PREFIX>account:<id>` hash, field `s` = AccountState JSON.
import type { Redis } from "ioredis";
import type { Evidence, Level, RuleId, Tier } from "@churnwatch/contracts";
import { emptyState, type AccountState } from "@churnwatch/engine";
import { firingAlertRecord } from "@churnwatch/testing";

export interface SeedAccount {
  accountId: string;
  name: string;
  tier: Tier;
  region: string;
  owner: { name: string; email: string };
  /** Trailing-12-month order value (one order a month before `nowMs`), in `currency` (CNY by default). */
  revenue: number;
  currency?: string;
  alerts: Array<{ rule: RuleId; level: Level; score: number; pending?: boolean; evidence?: Evidence[] }>;
}

export function accountState(a: SeedAccount, nowMs: number): AccountState {
  const at = new Date(nowMs).toISOString();
  const alerts: AccountState["alerts"] = {};
  for (const x of a.alerts) {
    const record = firingAlertRecord(a.accountId, x, at);
    if (x.pending) record.pendingSince = at;
    alerts[x.rule] = record;
  }
  return {
    ...emptyState(a.accountId),
    profile: { name: a.name, tier: a.tier, owner: a.owner, region: a.region, timezone: "Asia/Shanghai", currency: a.currency ?? "CNY", locale: "en" },
    orders: [{ orderId: `${a.accountId}-o1`, placed: true, atMs: nowMs - 30 * 86_400_000, amountMicros: String(BigInt(a.revenue) * 1_000_000n), currency: a.currency ?? "CNY", cancelled: false, eventId: "e1" }],
    alerts,
  };
}

export async function seedAccounts(redis: Redis, signalKeyPrefix: string, accounts: SeedAccount[], nowMs: number): Promise<void> {
  for (const a of accounts) {
    await redis.hset(`${signalKeyPrefix}account:${a.accountId}`, "s", JSON.stringify(accountState(a, nowMs)));
    await redis.sadd(`${signalKeyPrefix}accounts`, a.accountId);
  }
}
