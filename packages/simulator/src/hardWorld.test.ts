import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { resolveOptions, simulate } from "./simulate.ts";
import { planAccount } from "./plan.ts";
import { DAY } from "./time.ts";

const opts = { seed: 21, accounts: 120, months: 30, end: "2026-11-01T00:00:00Z" } as const;
const hard = simulate({ ...opts, world: "hard" });
const { ctx } = resolveOptions({ ...opts, world: "hard" });
const plans = Array.from({ length: opts.accounts }, (_, i) => planAccount(ctx, i));

interface Order {
  ms: number;
  amount: number;
}
function ordersByAccount(sim: ReturnType<typeof simulate>): Map<string, Order[]> {
  const out = new Map<string, Order[]>();
  for (const e of sim.events()) {
    if (e.type !== "order.placed") continue;
    const list = out.get(e.accountId) ?? [];
    list.push({ ms: Date.parse(e.occurredAt), amount: Number(e.data.amount) });
    out.set(e.accountId, list);
  }
  return out;
}
const hardOrders = ordersByAccount(hard);
const digest = (sim: ReturnType<typeof simulate>): string => {
  const h = createHash("sha256");
  for (const e of sim.events()) h.update(JSON.stringify(e));
  return h.digest("hex");
};

describe("the hard world (issue 14, item 8)", () => {
  it("leaves the standard world byte for byte as it was", () => {
    const standard = { ...opts, accounts: 30 };
    expect(digest(simulate({ ...standard, world: "standard" }))).toBe(digest(simulate(standard)));
    expect(digest(simulate({ ...standard, world: "hard" }))).not.toBe(digest(simulate(standard)));
  });

  it("refuses an unknown world with the choices", () => {
    expect(() => simulate({ ...opts, world: "odd" as never })).toThrow(/world must be one of standard, hard/);
  });

  it("has seasonal buyers whose off-season orders come several times further apart", () => {
    const seasonal = plans.filter((p) => p.seasonAmp >= 0.6);
    expect(seasonal.length / plans.length).toBeGreaterThan(0.15);
    expect(seasonal.length / plans.length).toBeLessThan(0.45);
  });

  it("places one-off bulk orders many times an account's median order", () => {
    let bulky = 0;
    for (const list of hardOrders.values()) {
      const sorted = list.map((o) => o.amount).sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
      if (sorted.some((a) => a > 6 * median)) bulky++;
    }
    expect(bulky / hardOrders.size).toBeGreaterThan(0.3);
  });

  it("splits buying occasions into several orders minutes apart", () => {
    let split = 0;
    let occasions = 0;
    for (const list of hardOrders.values()) {
      for (let i = 1; i < list.length; i++) {
        const gap = (list[i] as Order).ms - (list[i - 1] as Order).ms;
        if (gap < DAY / 8) split++;
        else occasions++;
      }
    }
    expect(split / (split + occasions)).toBeGreaterThan(0.15);
  });

  it("with --months 30, keeps histories longer than the engine's 460-day retention", () => {
    const spans = [...hardOrders.values()].map((l) => ((l.at(-1)?.ms ?? 0) - (l[0]?.ms ?? 0)) / DAY);
    expect(spans.filter((d) => d > 460).length / spans.length).toBeGreaterThan(0.5);
  });
});
