import { describe, expect, it } from "vitest";
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
