import { describe, expect, it } from "vitest";
import { defaultConfig } from "./config.ts";
import { parseAmount } from "./money.ts";
import { emptyState, type AlertRecord } from "./state.ts";
import { History, dayMs } from "./testkit/history.ts";
import { replay } from "./testkit/replay.ts";
import { accountRisk, accountValue, classifyAccounts, rankByRevenueAtRisk, type AccountValue } from "./value.ts";

const M = (major: number) => parseAmount(major);
const value = (accountId: string, revenue: number, extra: Partial<AccountValue> = {}): AccountValue => ({
  accountId,
  tier: "ordinary",
  revenueMicros: M(revenue),
  orders: 12,
  activeMonths: 12,
  meanDaysLate: 0,
  meanMargin: 0.3,
  risk: 0,
  level: undefined,
  ...extra,
});
const alert = (score: number, level: AlertRecord["level"], rule: AlertRecord["rule"] = "purchases.decline"): AlertRecord => ({
  alertId: `a-${score}`,
  rule,
  level,
  score,
  firedAt: "2026-01-01T00:00:00.000Z",
  lastEvaluatedAt: "2026-01-01T00:00:00.000Z",
  evidence: [],
  eventIds: [],
});

describe("ABC classification", () => {
  it("puts the accounts bringing the first 80% of revenue in A, the next 15% in B, the rest in C", () => {
    const revenues = [500, 200, 100, 80, 50, 30, 20, 10, 5, 5];
    const out = classifyAccounts(revenues.map((r, i) => value(`acc-${i}`, r)));
    expect(out.map((a) => `${a.accountId}:${a.abc}`)).toEqual([
      "acc-0:A", "acc-1:A", "acc-2:A", "acc-3:B", "acc-4:B", "acc-5:B", "acc-6:C", "acc-7:C", "acc-8:C", "acc-9:C",
    ]);
  });

  it("does not treat a one-off bulk buyer as a key account, however big", () => {
    const [bulk, steady] = classifyAccounts([value("bulk", 900, { activeMonths: 1 }), value("steady", 100)]);
    expect(bulk).toMatchObject({ accountId: "bulk", abc: "A", key: false });
    expect(steady).toMatchObject({ accountId: "steady", key: true });
  });

  it("scores payment collection and gross margin out of 20 each", () => {
    const out = classifyAccounts([
      value("punctual", 10, { meanDaysLate: -2, meanMargin: 0.35 }),
      value("mid", 10, { meanDaysLate: 15, meanMargin: 0.15 }),
      value("late", 10, { meanDaysLate: 45, meanMargin: -0.1 }),
    ]);
    const by = Object.fromEntries(out.map((a) => [a.accountId, [a.collectionScore, a.marginScore]]));
    expect(by).toEqual({ punctual: [20, 20], mid: [10, 10], late: [0, 0] });
  });
});

describe("risk and revenue at risk", () => {
  it("is the one score: payment and complaint signs add to the purchase chance, a firing level sets its floor", () => {
    const at = dayMs(0);
    const levels = defaultConfig.model.levels;
    // No orders: no purchase chance. Two independent 50% signs make 75%; the purchase rules add nothing of their own.
    const two = { ...emptyState("a"), alerts: { "payments.overdue": alert(50, "medium", "payments.overdue"), "complaints.spike": alert(50, "medium", "complaints.spike") } };
    expect(accountRisk(two, at, defaultConfig)).toEqual({ risk: 75, level: "critical" });
    // A purchase alert's score is not added again (the model reads the orders), but its level is the floor.
    const purchase = { ...emptyState("c"), alerts: { "purchases.decline": alert(90, "high") } };
    expect(accountRisk(purchase, at, defaultConfig)).toEqual({ risk: levels.high, level: "high" });
    const critical = { ...emptyState("d"), alerts: { "complaints.spike": alert(10, "critical", "complaints.spike") } };
    expect(accountRisk(critical, at, defaultConfig)).toEqual({ risk: levels.critical, level: "critical" });
    expect(accountRisk(emptyState("b"), at, defaultConfig)).toEqual({ risk: 0, level: undefined });
  });

  it("weights trailing revenue by risk and ranks by it", () => {
    const ranked = rankByRevenueAtRisk(classifyAccounts([value("big-safe", 1000, { risk: 10 }), value("small-risky", 300, { risk: 80 })]));
    expect(ranked.map((a) => [a.accountId, a.revenueAtRiskMicros])).toEqual([
      ["small-risky", M(240)],
      ["big-safe", M(100)],
    ]);
  });

  it("counts trailing-twelve-month revenue exactly, without cancelled orders or older ones", () => {
    const h = new History();
    h.profile(0);
    h.order(10, "999.99"); // older than a year at day 400
    h.order(100, "0.10");
    h.order(200, "0.20");
    h.cancel(201, h.order(200, "5000.00"));
    h.order(390, "1000.00");
    const { state } = replay(h.sorted(), { untilMs: dayMs(400), config: defaultConfig });
    const v = accountValue(state, dayMs(400), defaultConfig);
    expect(v.revenueMicros).toBe(M(1000.3));
    expect(v.orders).toBe(3);
  });
});
