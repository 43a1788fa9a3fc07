import type { ChurnEvent } from "@churnwatch/contracts";
import { describe, expect, it } from "vitest";
import { applyEvent } from "./apply.ts";
import { defaultConfig } from "./config.ts";
import { step } from "./engine.ts";
import { emptyState, findComplaint, findInvoice, findOrder, type AccountState } from "./state.ts";
import { History, dayIso, dayMs } from "./testkit/history.ts";

const applyAll = (events: readonly ChurnEvent[], state: AccountState = emptyState("acct-1")) =>
  events.reduce((s, e) => applyEvent(s, e), state);

describe("applyEvent", () => {
  it("counts an order once however often it is delivered or re-sent with a new eventId", () => {
    const h = new History();
    h.order(1, "1000.00", "o-1");
    h.order(2, "1000.00", "o-1"); // re-sent by the producer under a new eventId
    const once = applyAll(h.events.slice(0, 1));
    const twice = applyAll([...h.events, ...h.events]);
    expect(twice.orders.map((o) => o.orderId)).toEqual(["o-1"]);
    expect(twice.orders).toEqual(once.orders);
    expect(findOrder(twice, "o-1")?.amountMicros).toBe("1000000000");
  });

  it("removes a cancelled order's value, in either arrival order", () => {
    const h = new History();
    h.order(1, "500.00", "o-1");
    h.cancel(3, "o-1");
    const inOrder = applyAll(h.events);
    const reversed = applyAll([...h.events].reverse());
    for (const s of [inOrder, reversed]) {
      expect(findOrder(s, "o-1")).toMatchObject({ placed: true, cancelled: true, atMs: dayMs(1), amountMicros: "500000000" });
      expect(findOrder(s, "o-1")?.cancelEventId).toBe("ev-2");
    }
  });

  it("adds partial payments, settles when paid ≥ amount, and records calendar days late in the account timezone", () => {
    const h = new History();
    h.profile(0);
    const inv = h.invoice(0, "100.10", 30, "inv-1");
    h.payment(20, inv, 0.1);
    h.payment(31.7, inv, "100.00"); // day 31 + 16.8 h after 09:00 is 01:48 on day 32 in Shanghai
    const s = applyAll(h.events);
    const record = findInvoice(s, "inv-1");
    expect(record?.paidMicros).toBe("100100000");
    expect(record?.paidAtMs).toBe(dayMs(31.7));
    expect(record?.paidEventId).toBe("ev-4");
    expect(record?.daysLate).toBe(2);
    const partial = applyAll(h.events.slice(0, 3));
    expect(findInvoice(partial, "inv-1")?.paidAtMs).toBeUndefined();
    expect(findInvoice(partial, "inv-1")?.paidMicros).toBe("100000");
  });

  it("counts a re-delivered payment once but two payments of equal amount twice", () => {
    const h = new History();
    const inv = h.invoice(0, "200.00", 30, "inv-1");
    h.payment(10, inv, "100.00");
    h.payment(11, inv, "100.00");
    const first = h.events[1] as ChurnEvent;
    const s = applyAll([...h.events.slice(0, 2), first, first]);
    expect(findInvoice(s, "inv-1")?.paidMicros).toBe("100000000");
    expect(findInvoice(s, "inv-1")?.paidAtMs).toBeUndefined();
    const all = applyAll([...h.events, first]);
    expect(findInvoice(all, "inv-1")?.paidMicros).toBe("200000000");
    expect(findInvoice(all, "inv-1")?.paidAtMs).toBe(dayMs(11));
  });

  it("settles a payment that arrives before its invoice", () => {
    const h = new History();
    h.profile(0);
    const inv = h.invoice(0, "50.00", 10, "inv-1");
    h.payment(8, inv, "50.00");
    const [profile, issued, paid] = h.events as [ChurnEvent, ChurnEvent, ChurnEvent];
    const s = applyAll([profile, paid, issued]);
    expect(findInvoice(s, "inv-1")).toMatchObject({ issued: true, paidMicros: "50000000", paidAtMs: dayMs(8), daysLate: -2 });
  });

  it("keeps a complaint resolved before it was seen opened, and applies the duplicate open once", () => {
    const h = new History();
    const id = h.complaint(1, "high", "c-1");
    h.resolve(3, id, 2);
    const [opened, resolved] = h.events as [ChurnEvent, ChurnEvent];
    const s = applyAll([resolved, opened, opened]);
    expect(findComplaint(s, "c-1")).toEqual({
      complaintId: "c-1",
      opened: true,
      atMs: dayMs(1),
      severity: "high",
      category: "delivery",
      eventId: "ev-1",
      resolvedAtMs: dayMs(3),
      resolveEventId: "ev-2",
      satisfaction: 2,
    });
  });

  it("keeps the newest profile by event time, even when an older upsert arrives last", () => {
    const h = new History();
    h.profile(5, { name: "New name" });
    h.profile(1, { name: "Old name" });
    const s = applyAll(h.events);
    expect(s.profile?.name).toBe("New name");
    expect(s.profileAt).toBe(dayIso(5));
  });

  it("recomputes days late when the timezone arrives after the payments", () => {
    const h = new History();
    const inv = h.invoice(0, "10.00", 10, "inv-1");
    // Due 09:00 Shanghai (01:00 UTC); paid 17 h later: 02:00 next day in Shanghai, same day in UTC.
    h.payment(10 + 17 / 24, inv, "10.00");
    const utc = applyAll(h.events);
    expect(findInvoice(utc, "inv-1")?.daysLate).toBe(0);
    h.profile(20);
    expect(findInvoice(applyAll(h.events), "inv-1")?.daysLate).toBe(1);
  });

  it("keeps orders sorted by time whatever the arrival order, with odd producer ids intact", () => {
    const h = new History();
    h.order(3, "10.00", "__proto__");
    h.order(1, "20.00", "constructor");
    h.cancel(2, "toString");
    h.order(2, "30.00", "o-2");
    const s = applyAll(h.events);
    expect(s.orders.map((o) => [o.orderId, o.atMs])).toEqual([
      ["constructor", dayMs(1)],
      ["o-2", dayMs(2)],
      ["toString", dayMs(2)],
      ["__proto__", dayMs(3)],
    ]);
    const roundTripped = JSON.parse(JSON.stringify(s)) as AccountState;
    expect(roundTripped).toEqual(s);
    expect(applyAll(h.events, roundTripped)).toEqual(s);
  });

  it("refuses an event for another account", () => {
    const h = new History("acct-2");
    h.order(1, "1.00");
    expect(() => applyEvent(emptyState("acct-1"), h.events[0] as ChurnEvent)).toThrow(/acct-2/);
  });

  it("stores money as integer micro-unit strings and state as plain JSON", () => {
    const h = new History();
    h.profile(0);
    h.order(1, 0.1, "o-1");
    h.invoice(1, 1e15, 31, "inv-1");
    const { state } = h.sorted().reduce(
      (acc, event) => step(acc.state, { kind: "event", event }, defaultConfig),
      { state: emptyState("acct-1"), changes: [] } as ReturnType<typeof step>,
    );
    expect(findOrder(state, "o-1")?.amountMicros).toBe("100000");
    expect(findInvoice(state, "inv-1")?.amountMicros).toBe("1000000000000000000000");
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});
