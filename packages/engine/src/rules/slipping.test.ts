import { describe, expect, it } from "vitest";
import { History, accountYear, dayMs } from "../testkit/history.ts";
import { changesFor, lifecycle, replay } from "../testkit/replay.ts";
import { DAY_MS } from "../time.ts";

const RULE = "payments.slipping";

describe("payments.slipping", () => {
  it("fires when recent invoices are paid ≥ 15 days later than the account's usual, and resolves below 7", () => {
    // Invoices 8–11 are paid 25–29 days late; from invoice 12 on the account is back to 0–4 days.
    const slipping = (k: number, rnd: () => number) => (k >= 8 && k <= 11 ? 25 + Math.floor(rnd() * 5) : Math.floor(rnd() * 5));
    const events = accountYear(new History(), { days: 600, lateness: slipping }).sorted();
    const r = replay(events, { untilMs: dayMs(600) });
    expect(lifecycle(r.changes, RULE).filter((s) => !s.startsWith("escalated"))).toEqual(["fired:medium", "resolved:medium"]);

    const [fired, resolved] = changesFor(r.changes, RULE).filter((c) => c.type === "fired" || c.type === "resolved");
    const [mean, delta, count] = fired?.alert.evidence ?? [];
    expect(mean).toMatchObject({ signal: "payments.meanDaysLate", unit: "days", windowDays: 120 });
    expect(Number(delta?.value)).toBeGreaterThanOrEqual(15);
    expect(Number(delta?.value)).toBeCloseTo(Number(mean?.value) - Number(mean?.baseline), 1);
    expect(Number(mean?.baseline)).toBeLessThanOrEqual(4);
    expect(Number(count?.value)).toBeGreaterThanOrEqual(2);
    // The settling payments of the slipping invoices are the evidence.
    const paymentIds = new Set(events.filter((e) => e.type === "payment.received").map((e) => e.eventId));
    expect(fired?.alert.eventIds.filter((id) => paymentIds.has(id)).length).toBe(Number(count?.value));

    const beforeResolve = changesFor(r.changes, RULE).filter((c) => c.type !== "resolved").at(-1);
    expect(Number(beforeResolve?.alert.evidence[1]?.value)).toBeGreaterThanOrEqual(7);
    expect(Number(resolved?.alert.evidence[1]?.value)).toBeLessThan(7);
    expect(Date.parse(resolved?.at ?? "") - Date.parse(fired?.at ?? "")).toBeGreaterThan(60 * DAY_MS);
  });

  it("stays quiet when one recent invoice is paid 11 days late", () => {
    const events = accountYear(new History(), { lateness: (k, rnd) => (k === 10 ? 11 : Math.floor(rnd() * 5)) }).sorted();
    expect(changesFor(replay(events, { untilMs: dayMs(365) }).changes, RULE)).toEqual([]);
  });

  it("needs three earlier paid invoices before it may fire", () => {
    const events = accountYear(new History(), { days: 160, lateness: (k) => (k <= 2 ? 0 : 30) }).sorted();
    expect(changesFor(replay(events, { untilMs: dayMs(160) }).changes, RULE)).toEqual([]);
  });
});
