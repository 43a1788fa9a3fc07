import type { ChurnEvent } from "@churnwatch/contracts";
import { describe, expect, it } from "vitest";
import { applyEvent } from "./apply.ts";
import { KEPT_INTERACTIONS, unansweredInRow, usualContactGapDays } from "./contact.ts";
import { emptyState, type AccountState } from "./state.ts";
import { History, dayMs, rng } from "./testkit/history.ts";

const applyAll = (events: readonly ChurnEvent[], state: AccountState = emptyState("acct-1")) => events.reduce((s, e) => applyEvent(s, e), state);

describe("applyEvent: interaction.logged", () => {
  it("creates the state of an account it has never seen, and keeps neither the person nor the note", () => {
    const h = new History();
    h.interaction(1, { kind: "call", answered: true });
    const event = h.last();
    if (event.type !== "interaction.logged") throw new Error("not an interaction");
    const withPerson = { ...event, data: { ...event.data, contact: { name: "Chen Jing", role: "buyer" }, note: "asked about Q2" } };
    const s = applyEvent(emptyState("acct-1"), withPerson);
    expect(s.contact?.recent).toEqual([{ interactionId: "i-1", atMs: dayMs(1), inbound: false, answered: true, eventId: "ev-1" }]);
    expect(s.contact?.lastReachedMs).toBe(dayMs(1));
    expect(s.contact?.lastInboundMs).toBeUndefined();
    expect(JSON.stringify(s)).not.toMatch(/Chen Jing|buyer|Q2/);
  });

  it("counts an interaction once however often it is delivered or re-sent under a new eventId", () => {
    const h = new History();
    h.interaction(1, { interactionId: "call-1", answered: false });
    h.interaction(2, { interactionId: "call-1", answered: false }); // the producer's retry, a new eventId
    const once = applyAll(h.events.slice(0, 1));
    const again = applyAll([...h.events, ...h.events], once);
    expect(again.contact).toBe(once.contact);
    expect(again.contact?.recent.map((i) => i.interactionId)).toEqual(["call-1"]);
  });

  it("keeps the latest interactions only, in time order whatever the arrival order", () => {
    const h = new History();
    for (let day = 0; day < 30; day++) h.interaction(day, { direction: day % 5 === 0 ? "inbound" : "outbound" });
    const sorted = applyAll(h.events);
    expect(sorted.contact?.recent).toHaveLength(KEPT_INTERACTIONS);
    expect(sorted.contact?.recent.map((i) => i.atMs)).toEqual(Array.from({ length: KEPT_INTERACTIONS }, (_, k) => dayMs(30 - KEPT_INTERACTIONS + k)));
    expect(sorted.contact?.lastInboundMs).toBe(dayMs(25));
    const r = rng(3);
    for (let round = 0; round < 5; round++) {
      const shuffled = [...h.events, ...h.events.filter(() => r() < 0.3)].sort(() => r() - 0.5);
      expect(applyAll(shuffled)).toEqual(sorted);
    }
  });

  it("counts the unanswered outbound contacts since the customer last responded", () => {
    const h = new History();
    h.interaction(1, { kind: "call", answered: false });
    h.interaction(2, { direction: "inbound", kind: "email" });
    h.interaction(3, { kind: "call", answered: false });
    h.interaction(4, { kind: "email", answered: false });
    const s = applyAll(h.events);
    expect(unansweredInRow(s.contact ?? { recent: [] })).toBe(2);
    // A late-arriving answered call between the two resets the run where it happened.
    const late = new History("acct-1", "late");
    late.interaction(3.5, { kind: "call", answered: true, interactionId: "late-call" });
    expect(unansweredInRow(applyAll(late.events, s).contact ?? { recent: [] })).toBe(1);
    // A visit that says nothing of an answer took place: it ends the run too.
    const visit = new History("acct-1", "visit");
    visit.interaction(5, { kind: "visit", interactionId: "visit-5" });
    expect(unansweredInRow(applyAll(visit.events, s).contact ?? { recent: [] })).toBe(0);
  });

  it("takes the usual gap between contacts that reached the customer", () => {
    const h = new History();
    for (const day of [0, 10, 20, 35]) h.interaction(day);
    h.interaction(37, { kind: "call", answered: false }); // an attempt, not a contact
    const s = applyAll(h.events);
    expect(usualContactGapDays(s.contact ?? { recent: [] })).toBe(10);
    expect(s.contact?.lastReachedMs).toBe(dayMs(35));
  });

  it("leaves the state of an account without contacts as it was (no contact key at all)", () => {
    const h = new History();
    h.profile(0);
    h.order(1, "100.00");
    expect(Object.keys(applyAll(h.events))).not.toContain("contact");
  });
});
