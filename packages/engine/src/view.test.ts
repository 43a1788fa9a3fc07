import { describe, expect, it } from "vitest";
import type { ChurnEvent } from "@churnwatch/contracts";
import { applyEvent } from "./apply.ts";
import { prune } from "./prune.ts";
import { orderSeries } from "./series.ts";
import { emptyState, type AccountState } from "./state.ts";
import { History, rng } from "./testkit/history.ts";
import { buildView } from "./view.ts";

// A state read back from JSON shares no array or record with the one given, so no memo knows it: its view
// and series are built from scratch, as the live worker does after reading a state from Redis.
const fresh = (state: AccountState): AccountState => JSON.parse(JSON.stringify(state)) as AccountState;

/** Random histories: mostly in order, some late or on the same instant, cancellations and payments either side of what they refer to. */
function randomHistory(seed: number): History {
  const rand = rng(seed);
  const h = new History();
  const orders: string[] = [];
  const invoices: string[] = [];
  let day = 0;
  const pick = (ids: string[], ahead: string): string => (ids.length > 0 && rand() < 0.8 ? (ids[Math.floor(rand() * ids.length)] as string) : ahead);
  for (let i = 0; i < 120; i++) {
    const r = rand();
    // Same instant as the last event, later, or up to a month late.
    const at = r < 0.15 ? day : r < 0.3 ? Math.max(0, day - rand() * 30) : (day += rand() * 6);
    const kind = rand();
    const amount = rand() < 0.05 ? "0" : (1 + rand() * 900).toFixed(2);
    if (kind < 0.45) orders.push(h.order(at, amount, `o-${i}`, rand() < 0.1 ? "USD" : "CNY"));
    else if (kind < 0.55) h.cancel(at, pick(orders, `o-${i + 3}`));
    else if (kind < 0.75) invoices.push(h.invoice(at, amount, at + 30, `inv-${i}`));
    else if (kind < 0.95) h.payment(at, pick(invoices, `inv-${i + 2}`), (rand() * 600).toFixed(2));
    else h.profile(at, { currency: rand() < 0.5 ? "CNY" : "USD", timezone: rand() < 0.5 ? "Asia/Shanghai" : "UTC" });
  }
  return h;
}

describe("buildView, memoised event by event", () => {
  // The projections are memoised per record and per list (view.ts, series.ts): a step reuses what the one
  // before it built. Whatever was reused, the result must be what a state read back from JSON gives.
  it("equals the view and order series built from scratch, after every event and prune", () => {
    for (let seed = 1; seed <= 60; seed++) {
      let state = emptyState("acct-1");
      for (const event of randomHistory(seed).events) {
        state = applyEvent(state, event);
        // Now and then a short retention, so that the lists also lose their oldest records.
        if (seed % 3 === 0) state = prune(state, Date.parse(event.occurredAt), 60);
        const view = buildView(state);
        const scratch = buildView(fresh(state));
        expect(view).toEqual(scratch);
        expect(orderSeries(view.orders)).toEqual(orderSeries(scratch.orders));
      }
    }
  });
});

describe("buying occasions", () => {
  // Several invoices minutes apart are one purchase (the hard simulated world, and UCI before conversion):
  // the rules must see one occasion, not parts each with a few of its lines.
  const withLines = (h: History, lines: Record<string, string[]>): ChurnEvent[] =>
    h.events.map((e) => (e.type === "order.placed" && lines[e.data.orderId] ? { ...e, data: { ...e.data, categories: lines[e.data.orderId] } } : e));

  it("merges one local day's orders: money added, lines joined, every event id kept in time order", () => {
    const h = new History().profile(0);
    h.order(10, "100.00", "o-a");
    h.order(10.01, "50.00", "o-b");
    h.order(10.6, "25.00", "o-c"); // 23:24 in Shanghai: the same local day
    h.order(10.7, "5.00", "o-d"); // 01:48 the next day there
    const events = withLines(h, { "o-a": ["x"], "o-b": ["y", "x"], "o-d": ["z"] });
    const state = events.reduce(applyEvent, emptyState("acct-1"));
    const { orders } = buildView(state);
    expect(orders.map((o) => o.micros)).toEqual([175_000_000n, 5_000_000n]);
    expect(orders[0]?.categories).toEqual(["x", "y"]);
    expect(orders[0]?.eventIds).toEqual(["ev-2", "ev-3", "ev-4"]);
    expect(orders[0]?.eventId).toBe("ev-4");
    expect(orders[1]?.eventIds).toBeUndefined();
    expect(buildView(fresh(state)).orders).toEqual(orders);
  });

  it("follows the account's time zone: the same instants in UTC fall on other days", () => {
    const h = new History().profile(0, { timezone: "UTC" });
    h.order(10, "100.00", "o-a"); // 01:00 UTC
    h.order(10.6, "25.00", "o-c"); // 15:24 UTC, same day
    h.order(10.7, "5.00", "o-d"); // 17:48 UTC, same day
    const state = h.events.reduce(applyEvent, emptyState("acct-1"));
    expect(buildView(state).orders.map((o) => o.micros)).toEqual([130_000_000n]);
  });
});
