import { describe, expect, it } from "vitest";
import { SCHEMA_VERSION, type ChurnEvent } from "@churnwatch/contracts";
import { evaluateCut } from "./cutEvaluate.ts";
import { beforeCutOnly, LookAheadError, splitAtCut, type PredictorInput } from "./cutInput.ts";
import { defaultPredictors, enginePredictors, noRecentOrderPredictor, recencyPredictor, repeatSummaries, type Predictor } from "./cutPredictors.ts";

const DAY = 86_400_000;
const C = Date.parse("2011-06-10T00:00:00Z");

function profile(accountId: string, at: string, tier: "strategic" | "partner" | "ordinary" = "ordinary"): ChurnEvent {
  return {
    eventId: `p-${accountId}`,
    type: "account.upserted",
    accountId,
    occurredAt: at,
    schemaVersion: SCHEMA_VERSION,
    data: { name: accountId, tier, owner: { name: "o", email: "o@churnwatch.example" }, region: "UK", timezone: "Europe/London", currency: "GBP", locale: "en" },
  };
}
function order(accountId: string, ms: number, amount = "100"): ChurnEvent {
  const at = new Date(ms).toISOString();
  return { eventId: `o-${accountId}-${ms}`, type: "order.placed", accountId, occurredAt: at, schemaVersion: SCHEMA_VERSION, data: { orderId: `${accountId}-${ms}`, amount, currency: "GBP" } };
}

/**
 * Weekly buyers from a year before the cut: "steady" keeps buying after it, "stopped" stops 100 days before
 * it (and defects), "late" stops at the cut; "big" is steady with 10× the value, "new" began a month ago.
 */
function world(): ChurnEvent[] {
  const start = C - 400 * DAY;
  const events: ChurnEvent[] = [];
  for (const id of ["steady", "stopped", "late", "big"]) events.push(profile(id, new Date(start).toISOString(), "strategic"));
  events.push(profile("new", new Date(C - 30 * DAY).toISOString()));
  for (let ms = start + 3_600_000; ms < C + 180 * DAY; ms += 7 * DAY) {
    events.push(order("steady", ms));
    events.push(order("big", ms + 60_000, "1000"));
    if (ms < C - 100 * DAY) events.push(order("stopped", ms + 120_000));
    if (ms < C) events.push(order("late", ms + 180_000));
    if (ms > C - 30 * DAY) events.push(order("new", ms + 240_000));
  }
  return events.sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
}

describe("splitAtCut", () => {
  const events = world();
  const { input, labels, accountsSeen } = splitAtCut(events, C, { horizonMonths: 6 });

  it("hands predictors only the events before the cut", () => {
    expect(input.history.length).toBeGreaterThan(0);
    expect(input.history.every((e) => Date.parse(e.occurredAt) < C)).toBe(true);
    expect(events.some((e) => Date.parse(e.occurredAt) >= C)).toBe(true);
    for (const orders of input.ordersBefore.values()) expect(orders.every((ms) => ms < C)).toBe(true);
  });

  it("labels from the orders on both sides, and scores the eligible accounts only", () => {
    expect(accountsSeen).toBe(5);
    expect(input.accounts).toEqual(["big", "late", "steady", "stopped"]); // "new" has 2 months
    expect(labels.get("stopped")?.defected).toBe(true);
    expect(labels.get("late")?.defected).toBe(true);
    expect(labels.get("steady")?.defected).toBe(false);
  });

  it("re-ranks tiers on revenue before the cut unless told not to", () => {
    const tierOf = (history: readonly ChurnEvent[], id: string) => history.find((e) => e.type === "account.upserted" && e.accountId === id);
    // Five accounts: round(0.25) = 0 strategic, round(1.25) = 1 partner: "big".
    const retiered = tierOf(input.history, "steady");
    expect(retiered?.type === "account.upserted" && retiered.data.tier).toBe("ordinary");
    const big = tierOf(input.history, "big");
    expect(big?.type === "account.upserted" && big.data.tier).toBe("partner");
    const kept = tierOf(splitAtCut(events, C, { horizonMonths: 6, retier: false }).input.history, "steady");
    expect(kept?.type === "account.upserted" && kept.data.tier).toBe("strategic");
  });

  it("summarises repeat buying for a BG/NBD fit", () => {
    const s = repeatSummaries(input).get("new");
    expect(s?.x).toBe(4); // 5 weekly buying days, the first not a repeat
    expect(s?.tx).toBeCloseTo(4); // the last buying day 4 weeks after the first
    expect(s?.T).toBeGreaterThan(4);
    expect(s?.T).toBeLessThan(30 / 7);
  });
});

describe("the look-ahead guard", () => {
  it("throws on an event at or after the cut", () => {
    const events = world();
    expect(() => [...beforeCutOnly(events, C)]).toThrow(LookAheadError);
    expect([...beforeCutOnly(events.filter((e) => Date.parse(e.occurredAt) < C), C)].length).toBeGreaterThan(0);
  });

  it("keeps the engine's replay from seeing anything after the cut", async () => {
    const { input } = splitAtCut(world(), C, { horizonMonths: 6 });
    const leaky: PredictorInput = { ...input, history: [...input.history, order("steady", C)] };
    const [engine] = enginePredictors();
    await expect((engine as Predictor).score(leaky)).rejects.toThrow(LookAheadError);
  });
});

describe("evaluateCut", () => {
  it("runs every predictor on the same accounts, each seeing only pre-cut events", async () => {
    let latest = -Infinity;
    const spy: Predictor = {
      name: "spy",
      kind: "score",
      score: async (input) => {
        for (const e of input.history) latest = Math.max(latest, Date.parse(e.occurredAt));
        return new Map(input.accounts.map((id) => [id, 0]));
      },
    };
    const result = await evaluateCut(world(), C, [...defaultPredictors(), spy]);
    expect(latest).toBeLessThan(C);
    expect(result).toMatchObject({ eligible: 4, defected: 2, baseRate: 0.5, horizonMonths: 6 });
    const by = Object.fromEntries(result.predictors.map((p) => [p.name, p]));
    // "stopped" is 100 days silent and ranks above both stayers; "late" bought minutes after them, below both.
    expect(by[recencyPredictor.name]?.auc).toBe(0.5);
    expect(by[noRecentOrderPredictor.name]?.flag).toMatchObject({ flagged: 1, truePositives: 1, precision: 1, recall: 0.5, lift: 2 });
    expect(by.spy?.auc).toBe(0.5);
    // 100 days without an order after a year of weekly buying: the engine's silence alert is open at the cut.
    const flag = by["engine level ≥ medium at C"]?.flag;
    expect(flag?.truePositives).toBe(1);
    expect(flag?.flagged).toBe(1);
  });
});
