import type { ChurnEvent } from "@churnwatch/contracts";
import { describe, expect, it } from "vitest";
import { formatMoney, parseAmount } from "../money.ts";
import { History, accountYear, dayMs } from "../testkit/history.ts";
import { changesFor, lifecycle, replay } from "../testkit/replay.ts";
import { DAY_MS } from "../time.ts";

const RULE = "purchases.decline";

/** Independent recomputation of the 90-day value and its baseline straight from the events. */
function expectedWindows(events: readonly ChurnEvent[], asOfMs: number) {
  const cancelled = new Set(events.flatMap((e) => (e.type === "order.cancelled" ? [e.data.orderId] : [])));
  const orders = events.flatMap((e) =>
    e.type === "order.placed" && !cancelled.has(e.data.orderId) ? [{ t: Date.parse(e.occurredAt), micros: parseAmount(e.data.amount) }] : [],
  );
  const first = Math.min(...events.flatMap((e) => (e.type === "order.placed" ? [Date.parse(e.occurredAt)] : [])));
  const windowStart = asOfMs - 90 * DAY_MS;
  const baseStart = Math.max(asOfMs - 360 * DAY_MS, first);
  const recent = orders.filter((o) => o.t > windowStart).reduce((a, o) => a + o.micros, 0n);
  const base = orders.filter((o) => o.t >= baseStart && o.t <= windowStart).reduce((a, o) => a + o.micros, 0n);
  const span = BigInt(windowStart - baseStart);
  const baseline = (base * BigInt(90 * DAY_MS) * 2n + span) / (span * 2n);
  return { recent: formatMoney(recent), baseline: formatMoney(baseline) };
}

describe("purchases.decline", () => {
  it("fires, then escalates, on an account whose orders shrink to a quarter", () => {
    const events = accountYear(new History(), { orderFactor: (d) => (d >= 270 ? 0.25 : 1) }).sorted();
    const r = replay(events, { untilMs: dayMs(365) });
    const steps = lifecycle(r.changes, RULE);
    expect(steps[0]).toBe("fired:medium");
    expect(steps.filter((s) => s.startsWith("fired"))).toHaveLength(1);
    expect(steps).toContain("escalated:high");
    expect(steps.some((s) => s.startsWith("resolved"))).toBe(false);

    const alert = r.state.alerts[RULE];
    expect(alert?.level).toBe("high");
    expect(alert?.alertId).toBe(`acct-1:${RULE}:${Date.parse(alert?.firedAt ?? "")}`);
    const [value, count] = alert?.evidence ?? [];
    const expected = expectedWindows(events, dayMs(365));
    expect(value).toMatchObject({ signal: "orders.value", unit: "money", windowDays: 90, value: expected.recent, baseline: expected.baseline });
    expect(value?.changePct).toBeLessThan(-60);
    expect(value?.changePct).toBeGreaterThan(-85);
    expect(count).toMatchObject({ signal: "orders.count", unit: "count", windowDays: 90 });
    const recentOrderIds = events
      .filter((e) => e.type === "order.placed" && Date.parse(e.occurredAt) > dayMs(275))
      .map((e) => e.eventId);
    expect(alert?.eventIds).toEqual(recentOrderIds);
  });

  it("stays quiet through a 20% seasonal dip", () => {
    const events = accountYear(new History(), { orderFactor: (d) => (d >= 200 && d < 260 ? 0.8 : 1) }).sorted();
    const r = replay(events, { untilMs: dayMs(365) });
    expect(changesFor(r.changes, RULE)).toEqual([]);
  });

  it("counts cancellations: cancelling most recent orders fires like not placing them", () => {
    const h = accountYear(new History());
    for (const e of [...h.events]) {
      if (e.type !== "order.placed") continue;
      const day = (Date.parse(e.occurredAt) - dayMs(0)) / DAY_MS;
      if (day >= 280 && Math.floor(day / 7) % 4 !== 0) h.cancel(day + 1, e.data.orderId);
    }
    const events = h.sorted();
    const r = replay(events, { untilMs: dayMs(365) });
    expect(lifecycle(r.changes, RULE)[0]).toBe("fired:medium");
    const value = r.state.alerts[RULE]?.evidence[0];
    expect(value?.value).toBe(expectedWindows(events, dayMs(365)).recent);
    expect(value?.changePct).toBeLessThan(-40);
    const cancelIds = events.filter((e) => e.type === "order.cancelled").map((e) => e.eventId);
    expect(r.state.alerts[RULE]?.eventIds.some((id) => cancelIds.includes(id))).toBe(true);
  });

  it("resolves only once the decline recovers below 25%", () => {
    const h = accountYear(new History(), { days: 450, orderFactor: (d) => (d >= 270 && d < 365 ? 0.3 : 1) });
    const r = replay(h.sorted(), { untilMs: dayMs(450) });
    const steps = lifecycle(r.changes, RULE);
    expect(steps.filter((s) => s.startsWith("fired"))).toEqual(["fired:medium"]);
    expect(steps.filter((s) => s.startsWith("resolved"))).toHaveLength(1);
    expect(steps.at(-1)?.startsWith("resolved")).toBe(true);
    expect(r.state.alerts[RULE]).toBeUndefined();
    const resolved = changesFor(r.changes, RULE).find((c) => c.type === "resolved");
    expect(resolved).toBeDefined();
    expect(resolved?.alert.evidence[0]?.changePct).toBeGreaterThan(-25);
    const lastUpdate = changesFor(r.changes, RULE).filter((c) => c.type !== "resolved").at(-1);
    expect(lastUpdate?.alert.evidence[0]?.changePct).toBeLessThanOrEqual(-25);
  });
});

describe("purchases.decline noise gate", () => {
  /** Orders every 10 days; `amountOn(day)` gives each order's value. */
  function buyer(amountOn: (day: number) => number) {
    const h = new History();
    h.profile(0);
    for (let day = 1; day <= 364; day += 10) h.order(day, amountOn(day).toFixed(2));
    return replay(h.sorted(), { untilMs: dayMs(365) });
  }

  it("fires on a steady buyer whose last 90 days fell 45%", () => {
    const r = buyer((day) => (day > 275 ? 5_500 : 10_000));
    expect(lifecycle(r.changes, RULE)[0]).toBe("fired:medium");
    expect(r.state.alerts[RULE]?.level).toBe("medium");
  });

  it("stays quiet on a lumpy buyer whose 90-day value routinely swings that much", () => {
    // Alternating quarters of big and small orders: a 45% lower quarter is this account's normal rhythm.
    // The last quarter is ~55% under the baseline average, past the 40% threshold, yet within two deviations.
    const r = buyer((day) => (day > 275 ? 6_000 : Math.floor(day / 90) % 2 === 0 ? 20_000 : 2_000));
    expect(r.state.alerts[RULE]).toBeUndefined();
  });
});
