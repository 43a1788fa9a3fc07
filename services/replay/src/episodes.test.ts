import { describe, expect, it } from "vitest";
import type { AlertChange, AlertRecord } from "@churnwatch/engine";
import { EpisodeTracker } from "./episodes.ts";

const base: AlertRecord = {
  alertId: "acme:purchases.decline:1767225600000",
  rule: "purchases.decline",
  level: "medium",
  score: 45,
  firedAt: "2026-01-01T00:00:00.000Z",
  lastEvaluatedAt: "2026-01-01T00:00:00.000Z",
  evidence: [
    { signal: "orders.value", unit: "money", value: "3158.38", baseline: "14888.19", threshold: "8932.91", windowDays: 90, changePct: -78.8 },
  ],
  eventIds: ["e1"],
};

const change = (type: AlertChange["type"], at: string, patch: Partial<AlertRecord>): AlertChange => ({
  type,
  at,
  alert: { ...base, ...patch, lastEvaluatedAt: at },
});

describe("EpisodeTracker", () => {
  it("folds fired → escalated → updated → resolved into one episode at its peak", () => {
    const t = new EpisodeTracker("v1", "en");
    t.apply(change("fired", base.firedAt, {}), "acme", "partner");
    t.apply(change("escalated", "2026-01-05T00:00:00.000Z", { level: "high", score: 70, eventIds: ["e1", "e2"] }), "acme", "partner");
    t.apply(change("updated", "2026-01-09T00:00:00.000Z", { level: "medium", score: 50 }), "acme", "partner");
    t.apply(change("resolved", "2026-01-20T00:00:00.000Z", { score: 8 }), "acme", "partner");
    const episodes = t.episodes();
    expect(episodes).toHaveLength(1);
    const [e] = episodes;
    expect(e).toMatchObject({
      alertId: base.alertId,
      accountId: "acme",
      rule: "purchases.decline",
      level: "high",
      score: 70,
      firedAt: "2026-01-01T00:00:00.000Z",
      resolvedAt: "2026-01-20T00:00:00.000Z",
      tier: "partner",
    });
    expect(e?.explanation.eventIds).toEqual(["e1", "e2"]);
    expect(e?.explanation.configVersion).toBe("v1");
    expect(e?.explanation.signals[0]?.sentence).toBe("Order value in the last 90 days: 3,158.38 vs 14,888.19 baseline (threshold 8,932.91), \u221278.8%");
  });

  it("keeps an episode that never resolved open, and a re-fire is a new episode", () => {
    const t = new EpisodeTracker("v1", "zh-CN");
    t.apply(change("fired", base.firedAt, {}), "acme", undefined);
    t.apply(change("resolved", "2026-01-10T00:00:00.000Z", {}), "acme", undefined);
    const again = { alertId: "acme:purchases.decline:1769904000000", firedAt: "2026-02-01T00:00:00.000Z" };
    t.apply(change("fired", again.firedAt, again), "acme", "ordinary");
    const episodes = t.episodes();
    expect(episodes.map((e) => [e.alertId, e.resolvedAt, e.tier])).toEqual([
      [base.alertId, "2026-01-10T00:00:00.000Z", null],
      [again.alertId, null, "ordinary"],
    ]);
    expect(episodes[1]?.explanation.signals[0]?.sentence).toBe("近90天订单金额：3,158.38，基线 14,888.19，阈值 8,932.91，下降78.8%");
  });
});
