import type { Redis } from "ioredis";
import type { RuleId } from "@churnwatch/contracts";

/**
 * What people told Churnwatch about outcomes: an alert was not a risk, or an account did defect. Exported as
 * the replay's labels file so the next backtest learns from its misses and its false alarms.
 */
export interface LabelStore {
  notARisk(l: { accountId: string; rule: RuleId; alertId: string; reason: string; by: string; at: string }): Promise<void>;
  defected(l: { accountId: string; churnedAt: string; by: string; at: string; note?: string | undefined }): Promise<void>;
  /** `accountId,churnedAt,label`: confirmed defections, then accounts only ever marked "not a risk". */
  csv(): Promise<string>;
}

/** CSV-safe: the replay reads plain comma-separated fields, so an id with a comma, quote or newline is left out. */
const plain = (s: string) => !/[",\r\n]/.test(s);

export function createRedisLabels(redis: Redis, key: string): LabelStore {
  return {
    async notARisk(l) {
      await redis.hset(key, `not-a-risk|${l.accountId}|${l.rule}|${l.alertId}`, JSON.stringify(l));
    },
    async defected(l) {
      await redis.hset(key, `churned|${l.accountId}`, JSON.stringify(l));
    },
    async csv() {
      const all = Object.values(await redis.hgetall(key)).map((v) => JSON.parse(v) as { accountId: string; churnedAt?: string });
      const churned = new Map(all.filter((l) => l.churnedAt).map((l) => [l.accountId, l.churnedAt as string]));
      const notARisk = new Set(all.filter((l) => !l.churnedAt && !churned.has(l.accountId)).map((l) => l.accountId));
      const rows = [
        ...[...churned].sort().map(([id, at]) => `${id},${at},confirmed`),
        ...[...notARisk].sort().map((id) => `${id},,not-a-risk`),
      ].filter((row) => plain(row.split(",")[0] ?? ""));
      return `accountId,churnedAt,label\n${rows.map((r) => `${r}\n`).join("")}`;
    },
  };
}
