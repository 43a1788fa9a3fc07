import type { ChurnEvent } from "@churnwatch/contracts";
import { describe, expect, it } from "vitest";
import { formatMoney, parseAmount } from "../money.ts";
import { median } from "../stats.ts";
import { History, accountYear, dayIso, dayMs } from "../testkit/history.ts";
import { changesFor, lifecycle, replay } from "../testkit/replay.ts";
import { DAY_MS } from "../time.ts";

const RULE = "payments.overdue";

/** Median days late of fully paid invoices, from the events (all at 09:00 local, so whole days). */
function usualLateness(events: readonly ChurnEvent[]): number {
  const invoices = new Map<string, { due: number; amount: bigint; paid: bigint; paidAt?: number }>();
  for (const e of events) {
    if (e.type === "invoice.issued") {
      invoices.set(e.data.invoiceId, { due: Date.parse(e.data.dueAt), amount: parseAmount(e.data.amount), paid: 0n });
    } else if (e.type === "payment.received") {
      const inv = invoices.get(e.data.invoiceId);
      if (!inv) continue;
      inv.paid += parseAmount(e.data.amount);
      if (inv.paid >= inv.amount) inv.paidAt ??= Date.parse(e.occurredAt);
    }
  }
  const late = [...invoices.values()].flatMap((i) => (i.paidAt === undefined ? [] : [(i.paidAt - i.due) / DAY_MS]));
  return Math.max(0, median(late) ?? 0);
}

describe("payments.overdue", () => {
  it("fires when an invoice is past due by more than the usual lateness + 30 days, escalates, and resolves when paid", () => {
    const h = accountYear(new History(), { days: 430, lateness: (k, rnd) => (k === 10 ? undefined : Math.floor(rnd() * 5)) });
    h.payment(335, "inv-10", "10000.00");
    const issued = h.events.find((e) => e.type === "invoice.issued" && e.data.invoiceId === "inv-10");
    h.payment(422, "inv-10", issued?.type === "invoice.issued" ? (Number(issued.data.amount) - 10_000).toFixed(2) : "0");
    const events = h.sorted();
    const usualAt = (day: number) => usualLateness(events.filter((e) => Date.parse(e.occurredAt) <= dayMs(day)));
    const dueDay = 330;
    const firstDayPast = (grace: number) => {
      for (let day = dueDay; ; day++) if (day - dueDay - usualAt(day) > grace) return day;
    };
    const r = replay(events, { untilMs: dayMs(430) });

    expect(lifecycle(r.changes, RULE)).toEqual(["fired:medium", "escalated:high", "resolved:high"]);
    const [fired, high, resolved] = changesFor(r.changes, RULE).filter((c) => c.type !== "updated");
    const firedDay = firstDayPast(30);
    const usual = usualAt(firedDay);
    expect(fired?.at).toBe(dayIso(firedDay));
    expect(high?.at).toBe(dayIso(firstDayPast(60)));
    expect(resolved?.at).toBe(dayIso(422));
    const open = parseAmount(issued?.type === "invoice.issued" ? issued.data.amount : "0") - parseAmount("10000.00");
    expect(fired?.alert.evidence).toEqual([
      { signal: "invoices.daysPastDue", unit: "days", value: String(firedDay - dueDay), baseline: String(usual), threshold: String(usual + 30) },
      { signal: "invoices.usualDaysLate", unit: "days", value: String(usual) },
      { signal: "invoices.openOverdueAmount", unit: "money", value: formatMoney(open) },
      { signal: "invoices.openOverdueCount", unit: "count", value: "1" },
      // 10,000 of it was paid on day 335: the rest stays open.
      { signal: "invoices.partPaidCount", unit: "count", value: "1" },
    ]);
    const paymentIds = events.filter((e) => e.type === "payment.received" && e.data.invoiceId === "inv-10").map((e) => e.eventId);
    expect(fired?.alert.eventIds).toEqual([issued?.eventId, paymentIds[0]].sort());
  });

  it("stays quiet when one invoice is paid 11 days late", () => {
    const r = replay(accountYear(new History()).sorted(), { untilMs: dayMs(365) });
    expect(changesFor(r.changes, RULE)).toEqual([]);
  });

  it("judges lateness against the account's own habit", () => {
    // This account always pays ~20 days late: 45 days past due is 25 beyond its habit (under the 30-day
    // threshold), but 45 beyond a punctual one's.
    const slow = accountYear(new History(), { lateness: (k) => (k === 11 ? undefined : 20) });
    const punctual = accountYear(new History(), { lateness: (k) => (k === 11 ? undefined : 0) });
    const until = dayMs(360 + 45);
    expect(changesFor(replay(slow.sorted(), { untilMs: until }).changes, RULE)).toEqual([]);
    const fired = changesFor(replay(punctual.sorted(), { untilMs: until }).changes, RULE);
    expect(lifecycle(fired, RULE)).toEqual(["fired:medium"]);
    // Nothing was paid on the overdue invoice: no part payment to report.
    expect(fired[0]?.alert.evidence.map((e) => e.signal)).not.toContain("invoices.partPaidCount");
  });

  it("needs paid invoices to know the habit before it may fire", () => {
    const h = new History();
    h.profile(0);
    h.invoice(0, "5000.00", 10, "inv-1");
    const r = replay(h.sorted(), { untilMs: dayMs(200) });
    expect(changesFor(r.changes, RULE)).toEqual([]);
  });
});
