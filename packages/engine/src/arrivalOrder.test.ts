import type { ChurnEvent } from "@churnwatch/contracts";
import { describe, expect, it } from "vitest";
import { record, step } from "./engine.ts";
import { emptyState, type AccountState } from "./state.ts";
import { pinnedConfig as config } from "./testkit/config.ts";
import { History, START_MS, accountYear, dayIso, rng } from "./testkit/history.ts";
import { DAY_MS } from "./time.ts";

/**
 * The property the replay and the live worker rest on: an account's state is a function of the set of events
 * it has seen, not of the order they came in or of how often. Kafka interleaves topics, producers retry, and a
 * backfill meets payments before their invoices; a test per handler covers one such case each (apply.test.ts),
 * this one shuffles whole histories and re-delivers a quarter of their events.
 *
 * Within the retention horizon: every history here spans less than `retentionDays`. An event older than the
 * horizon when it arrives is judged against what is still kept (engine.test.ts, "older than the retention
 * horizon"), which can depend on what arrived before it.
 */

const DAYS = 360; // < pinnedConfig.retentionDays (400)
const END = dayIso(DAYS + 1);

/** Histories that exercise every handler: late and partial payments, cancellations, complaints resolved with a
 * rating, a second profile that moves the account's timezone (days late are recomputed), contacts logged and
 * left unanswered, drift into alerts. */
function histories(): Array<[string, ChurnEvent[]]> {
  const out: Array<[string, ChurnEvent[]]> = [];
  for (const seed of [1, 2, 3]) {
    const healthy = accountYear(new History(`healthy-${seed}`), { seed, days: DAYS });
    out.push([`healthy, seed ${seed}`, healthy.events]);

    const drifting = accountYear(new History(`drifting-${seed}`), {
      seed,
      days: DAYS,
      orderFactor: (d) => (d > 240 ? 0.35 : 1),
      lateness: (k, r) => (k >= 8 ? 25 + Math.floor(r() * 20) : k === 10 ? undefined : Math.floor(r() * 4)),
    });
    // Every ninth order cancelled two days after it was placed.
    const placed = drifting.events.filter((e) => e.type === "order.placed");
    for (const [i, o] of placed.entries()) {
      if (i % 9 === 4) drifting.cancel(Math.min(DAYS, (Date.parse(o.occurredAt) - START_MS) / DAY_MS + 2), o.data.orderId);
    }
    // Paid late in the afternoon in Shanghai, which is the next morning's calendar day in New York: the days
    // late of this invoice depend on the zone, so the profile that moves it must win whatever arrives first.
    drifting.invoice(150, "30000.00", 170, "inv-zone");
    drifting.payment(180.6, "inv-zone", "30000.00");
    drifting.profile(200, { timezone: "America/New_York", tier: "strategic" });
    for (const day of [300, 305, 311, 318]) {
      const id = drifting.complaint(day, day === 311 ? "high" : "medium", undefined, "quality");
      if (day < 311) drifting.resolve(day + 9, id, 2);
    }
    drifting.invoice(330, "52000.00", 345, "inv-open"); // unpaid at the end
    // Contacts: a visit every ~3 weeks, some inbound, more than the state keeps (so late ones fall off the
    // ring), then calls the customer leaves unanswered until it goes silent.
    for (let day = 3, k = 0; day < 280; day += 18 + (k % 4) * 3, k++) {
      drifting.interaction(day, k % 3 === 1 ? { direction: "inbound", kind: "email" } : { kind: "visit", answered: k % 5 !== 4 });
    }
    for (const day of [290, 297, 304, 309]) drifting.interaction(day, { kind: "call", answered: false });
    out.push([`drifting, seed ${seed}`, drifting.events]);
  }
  return out;
}

function sortedByTime(events: readonly ChurnEvent[]): ChurnEvent[] {
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => Date.parse(a.e.occurredAt) - Date.parse(b.e.occurredAt) || a.i - b.i)
    .map((x) => x.e);
}

/** A random arrival order with about a quarter of the events delivered twice, the copy anywhere in the stream. */
function scrambled(events: readonly ChurnEvent[], seed: number): ChurnEvent[] {
  const r = rng(seed);
  const out = [...events];
  for (const e of events) if (r() < 0.25) out.push(structuredClone(e));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j] as ChurnEvent, out[i] as ChurnEvent];
  }
  return out;
}

/** Recorded (history, not judged), as the worker loads a backfill, then judged once at the end. */
function recorded(accountId: string, events: readonly ChurnEvent[], viaJsonEvery = 0): AccountState {
  let state = emptyState(accountId);
  events.forEach((event, i) => {
    state = record(state, event, config);
    // As in Redis: the state is stored as JSON between batches, which the memos must not notice.
    if (viaJsonEvery > 0 && i % viaJsonEvery === 0) state = JSON.parse(JSON.stringify(state)) as AccountState;
  });
  return step(state, { kind: "tick", at: END }, config).state;
}

/** Judged at every event, as the live worker and the replay do. */
function stepped(accountId: string, events: readonly ChurnEvent[]): AccountState {
  let state = emptyState(accountId);
  for (const event of events) state = step(state, { kind: "event", event }, config).state;
  return step(state, { kind: "tick", at: END }, config).state;
}

const withoutAlerts = ({ alerts: _alerts, ...rest }: AccountState) => rest;

describe("arrival order and re-delivery", () => {
  const cases = histories().map(([name, events]) => {
    const accountId = events[0]?.accountId ?? "";
    return { name, events, accountId, reference: recorded(accountId, sortedByTime(events)) };
  });

  for (const { name, events, accountId, reference } of cases) {
    it(`${name}: the same state in any order, with duplicates`, () => {
      for (const seed of [11, 12, 13, 14]) {
        const arrival = scrambled(events, seed + accountId.length);
        expect(recorded(accountId, arrival, 7), `arrival order ${seed}`).toEqual(reference);
      }
    });

    it(`${name}: judged at every event, the same history in any order, with duplicates`, () => {
      // Alerts are not compared here: when an alert fired and whether it held inside its hysteresis band depend
      // on what was seen when (by design); the records and the clock they are judged on do not.
      for (const seed of [21, 22]) {
        expect(withoutAlerts(stepped(accountId, scrambled(events, seed))), `arrival order ${seed}`).toEqual(withoutAlerts(reference));
      }
    });
  }

  it("the drifting histories end with alerts, so the comparison covers them", () => {
    const rules = cases.filter((c) => c.name.startsWith("drifting")).map((c) => Object.keys(c.reference.alerts).sort());
    expect(rules.every((r) => r.length > 0), JSON.stringify(rules)).toBe(true);
  });
});
