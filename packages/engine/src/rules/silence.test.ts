import { describe, expect, it } from "vitest";
import { pinnedConfig as defaultConfig } from "../testkit/config.ts";
import { step } from "../engine.ts";
import { median } from "../stats.ts";
import { History, accountYear, dayIso, dayMs } from "../testkit/history.ts";
import { changesFor, lifecycle, replay } from "../testkit/replay.ts";
import { DAY_MS } from "../time.ts";

const RULE = "purchases.silence";

describe("purchases.silence", () => {
  const h = accountYear(new History(), { ordersUntil: 300 });
  const events = h.sorted();
  const orderTimes = events.filter((e) => e.type === "order.placed").map((e) => Date.parse(e.occurredAt));
  const lastOrder = orderTimes.at(-1) ?? 0;
  const gaps = orderTimes.slice(1).map((t, i) => (t - (orderTimes[i] ?? 0)) / DAY_MS);
  const usualGap = median(gaps) ?? 0;
  const r = replay(events, { untilMs: dayMs(365) });

  it("fires from ticks alone once the silence passes 3× the usual gap, and escalates at 5× and 8×", () => {
    expect(usualGap).toBeGreaterThan(14 / 3);
    const changes = changesFor(r.changes, RULE);
    expect(changes.every((c) => r.tickChanges.includes(c))).toBe(true);
    expect(lifecycle(r.changes, RULE)).toEqual(["fired:medium", "escalated:high", "escalated:critical"]);
    const firstTickPast = (multiple: number) => {
      const ticks = Math.floor((lastOrder - dayMs(0)) / DAY_MS);
      for (let day = ticks; ; day++) if ((dayMs(day) - lastOrder) / DAY_MS > multiple * usualGap) return dayIso(day);
    };
    const [fired, high, critical] = changes.filter((c) => c.type !== "updated");
    expect(fired?.at).toBe(firstTickPast(3));
    expect(high?.at).toBe(firstTickPast(5));
    expect(critical?.at).toBe(firstTickPast(8));
    expect(fired?.alert.evidence[0]).toMatchObject({
      signal: "orders.daysSinceLast",
      unit: "days",
      value: String((Date.parse(fired?.at ?? "") - lastOrder) / DAY_MS),
      baseline: String(usualGap),
      threshold: String(3 * usualGap),
    });
    // Just past three usual gaps: an account ordering as usual is this quiet a little under e^−3 = 5% of the time.
    const days = (Date.parse(fired?.at ?? "") - lastOrder) / DAY_MS;
    expect(fired?.alert.evidence[1]).toEqual({ signal: "orders.quietChance", unit: "percent", value: String(Math.round(1000 * Math.exp(-days / usualGap)) / 10) });
    expect(Number(fired?.alert.evidence[1]?.value)).toBeLessThanOrEqual(5);
    const lastOrderEvent = events.filter((e) => e.type === "order.placed").at(-1);
    expect(fired?.alert.eventIds).toEqual([lastOrderEvent?.eventId]);
  });

  it("resolves on a new order", () => {
    const next = new History("acct-1", "late");
    next.order(366, "9000.00", "o-back");
    const out = step(r.state, { kind: "event", event: next.last() }, defaultConfig);
    expect(out.changes.filter((c) => c.alert.rule === RULE).map((c) => c.type)).toEqual(["resolved"]);
    expect(out.state.alerts[RULE]).toBeUndefined();
  });

  it("counts an order placed and then cancelled as the customer still ordering", () => {
    // Weekly orders to day 300, then three more that are each cancelled two days later.
    const h2 = accountYear(new History(), { ordersUntil: 300 });
    for (const day of [307, 314, 321]) h2.cancel(day + 2, h2.order(day, "10000.00"));
    const changes = changesFor(replay(h2.sorted(), { untilMs: dayMs(365) }).changes, RULE);
    // Day 335 is 5 weeks after the last order kept, past 3 usual gaps, but 2 weeks after the last placed:
    // the alert fires only 3 usual gaps after that one.
    expect(changes[0]?.type).toBe("fired");
    expect(Date.parse(changes[0]?.at ?? "")).toBeGreaterThan(dayMs(321) + 3 * usualGap * DAY_MS);
    expect(Date.parse(changes[0]?.at ?? "")).toBeGreaterThan(dayMs(335));
  });

  it("stays quiet on a healthy account with normal gaps", () => {
    const healthy = replay(accountYear(new History()).sorted(), { untilMs: dayMs(365) });
    expect(changesFor(healthy.changes, RULE)).toEqual([]);
  });

  it("needs four orders before it may fire, and uses a 14-day floor for frequent buyers", () => {
    const three = new History();
    three.profile(0);
    [0, 1, 2].forEach((d) => three.order(d, "100.00"));
    expect(changesFor(replay(three.sorted(), { untilMs: dayMs(120) }).changes, RULE)).toEqual([]);

    const four = new History();
    four.profile(0);
    [0, 1, 2, 3].forEach((d) => four.order(d, "100.00"));
    const fired = changesFor(replay(four.sorted(), { untilMs: dayMs(120) }).changes, RULE)[0];
    // Daily buyer: 3 × 1 day is under the floor, so the alert waits for more than 14 days.
    expect(fired?.type).toBe("fired");
    expect(fired?.at).toBe(dayIso(18));
    expect(fired?.alert.evidence[0]?.threshold).toBe("14");
  });

  it("counts invoices minutes apart on one day as one buying occasion, not a one-minute rhythm", () => {
    // Every Monday a buyer sends three invoices within ten minutes (as UCI Online Retail II's buyers do).
    const h = new History();
    h.profile(0);
    for (let week = 0; week < 20; week++) for (const minutes of [0, 4, 9]) h.order(week * 7 + minutes / 1440, "1000.00");
    const changes = changesFor(replay(h.sorted(), { untilMs: dayMs(200) }).changes, RULE);
    const fired = changes.find((c) => c.type === "fired");
    // The usual gap is a week, so the alert waits for three of them (the old median of all gaps was 4 minutes).
    expect(fired?.alert.evidence[0]).toMatchObject({ signal: "orders.daysSinceLast", baseline: "7" });
    expect(Date.parse(fired?.at ?? "")).toBeGreaterThan(dayMs(19 * 7 + 21));
  });

  it("keeps firing for an account silent for longer than the retention, its rhythm kept", () => {
    const h = accountYear(new History(), { ordersUntil: 300 });
    const long = replay(h.sorted(), { untilMs: dayMs(300 + defaultConfig.retentionDays + 60) });
    const lifecycleOf = lifecycle(long.changes, RULE);
    expect(lifecycleOf).toEqual(["fired:medium", "escalated:high", "escalated:critical"]);
    expect(long.state.alerts[RULE]?.level).toBe("critical");
    // Every order is older than the retention; the latest few are kept, and the occasions dropped are counted.
    expect(long.state.orders.length).toBeGreaterThan(0);
    expect(long.state.prunedOccasions).toBeGreaterThan(20);
  });
});
