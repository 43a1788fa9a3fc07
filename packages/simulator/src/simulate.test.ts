import { describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { churnEventSchema, type ChurnEvent } from "@churnwatch/contracts";
import { labelsToCsv, simulate, type SimulateOptions } from "./simulate.ts";

const base: SimulateOptions = { seed: 42, accounts: 60, months: 18, end: "2026-11-01T00:00:00Z" };
const ndjson = (events: Iterable<ChurnEvent>): string => [...events].map((e) => JSON.stringify(e)).join("\n");
const events = [...simulate(base)];

describe("simulate: the wire format", () => {
  it("emits only events that validate against the contract", () => {
    expect(events.length).toBeGreaterThan(5_000);
    for (const e of events) {
      const parsed = churnEventSchema.safeParse(e);
      if (!parsed.success) throw new Error(`${e.eventId}: ${parsed.error.message}`);
    }
    expect(new Set(events.map((e) => e.type)).size).toBe(7);
  });

  it("orders events by instant, each account starting with account.upserted", () => {
    let last = -Infinity;
    const seen = new Set<string>();
    for (const e of events) {
      const ms = Date.parse(e.occurredAt);
      expect(ms).toBeGreaterThanOrEqual(last);
      last = ms;
      if (!seen.has(e.accountId)) expect(e.type).toBe("account.upserted");
      seen.add(e.accountId);
    }
    expect(seen.size).toBe(60);
    expect(Date.parse(events[0]?.occurredAt ?? "")).toBeGreaterThanOrEqual(Date.parse("2025-05-01T00:00:00Z"));
    expect(last).toBeLessThanOrEqual(Date.parse(base.end));
  });

  it("gives unique, per-account sequential event ids", () => {
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    const next = new Map<string, number>();
    for (const e of events) {
      const seq = next.get(e.accountId) ?? 0;
      expect(e.eventId).toBe(`${e.accountId}-${seq}`);
      next.set(e.accountId, seq + 1);
    }
  });

  it("prints times in the account's own zone, amounts with at most two decimals", () => {
    const zones = new Map<string, string>();
    for (const e of events) {
      if (e.type === "account.upserted") zones.set(e.accountId, e.data.timezone);
      const zone = zones.get(e.accountId) ?? "";
      const local = DateTime.fromISO(e.occurredAt).setZone(zone).toISO({ suppressMilliseconds: true });
      expect(e.occurredAt).toBe(local);
      if ("amount" in e.data) expect(String(e.data.amount)).toMatch(/^\d+(\.\d{1,2})?$/);
      if (e.type === "invoice.issued") expect(DateTime.fromISO(e.data.dueAt).setZone(zone).toISO()).toMatch(/T23:59:59/);
      if (e.type === "account.upserted") expect(e.data.owner.email).toMatch(/@seller\.example$/);
    }
  });

  it("keeps the money consistent: cancelled orders are not invoiced, payments never exceed the invoice", () => {
    const orders = new Map<string, number>();
    const cancelled = new Set<string>();
    const invoices = new Map<string, { cents: number; ms: number; paid: number }>();
    for (const e of events) {
      const ms = Date.parse(e.occurredAt);
      if (e.type === "order.placed") orders.set(e.data.orderId, ms);
      if (e.type === "order.cancelled") {
        expect(orders.get(e.data.orderId)).toBeLessThan(ms);
        cancelled.add(e.data.orderId);
      }
      if (e.type === "invoice.issued") invoices.set(e.data.invoiceId, { cents: Math.round(Number(e.data.amount) * 100), ms, paid: 0 });
      if (e.type === "payment.received") {
        const inv = invoices.get(e.data.invoiceId);
        if (!inv) throw new Error(`payment for unknown invoice ${e.data.invoiceId}`);
        expect(ms).toBeGreaterThan(inv.ms);
        inv.paid += Math.round(Number(e.data.amount) * 100);
        expect(inv.paid).toBeLessThanOrEqual(inv.cents);
      }
    }
    const cancelRate = cancelled.size / orders.size;
    expect(cancelRate).toBeGreaterThan(0.005);
    expect(cancelRate).toBeLessThan(0.05);
    expect(invoices.size).toBeLessThanOrEqual(orders.size - cancelled.size);
  });

  it("opens complaints with untrusted-looking text and resolves them later with a 1-5 score", () => {
    const opened = new Map<string, number>();
    let resolved = 0;
    for (const e of events) {
      if (e.type === "complaint.opened") opened.set(e.data.complaintId, Date.parse(e.occurredAt));
      if (e.type === "complaint.resolved") {
        expect(Date.parse(e.occurredAt)).toBeGreaterThan(opened.get(e.data.complaintId) ?? Infinity);
        resolved++;
      }
    }
    const texts = events.flatMap((e) => (e.type === "complaint.opened" ? [e.data.text] : []));
    expect(texts.some((t) => /[<&"]/.test(t))).toBe(true);
    expect(texts.some((t) => /[\u4e00-\u9fff]/.test(t))).toBe(true);
    expect(resolved).toBeGreaterThan(opened.size * 0.6);
  });
});

describe("simulate: determinism and slicing", () => {
  it("repeats byte for byte for the same seed (number or string) and differs for another", () => {
    const once = ndjson(events);
    expect(ndjson(simulate(base))).toBe(once);
    expect(ndjson(simulate({ ...base, seed: "42" }).events())).toBe(once);
    expect(ndjson(simulate({ ...base, seed: 43 }))).not.toBe(once);
  });

  it("continues the same history past end with until, and resumes with after", () => {
    const until = "2027-01-01T00:00:00Z";
    const live = simulate({ ...base, until });
    const all = [...live];
    const endMs = Date.parse(base.end);
    expect(ndjson(all.filter((e) => Date.parse(e.occurredAt) <= endMs))).toBe(ndjson(events));
    expect(all.length).toBeGreaterThan(events.length);
    expect(ndjson(simulate({ ...base, until, after: base.end }))).toBe(ndjson(all.slice(events.length)));
    expect(live.labels).toEqual(simulate(base).labels);
  });

  it("shards by startAccountIndex without changing any account", () => {
    const byAccount = (es: Iterable<ChurnEvent>): string[] => [...es].map((e) => JSON.stringify(e)).sort();
    const a = simulate({ ...base, accounts: 25 });
    const b = simulate({ ...base, accounts: 35, startAccountIndex: 25 });
    expect([...byAccount(a), ...byAccount(b)].sort()).toEqual(byAccount(events));
    expect([...a.labels, ...b.labels]).toEqual(simulate(base).labels);
  });

  it("writes labels as CSV with a header", () => {
    const csv = labelsToCsv(simulate(base).labels);
    const [header, first] = csv.split("\n");
    expect(header).toBe("accountId,churnedAt,pattern");
    expect(first).toMatch(/^sim-\d{5},\d{4}-\d\d-\d\dT[^,]+,[a-z-]+$/);
  });

  it.each([
    [{ months: 0 }, /months must be an integer/],
    [{ accounts: -1 }, /accounts must be an integer/],
    [{ accounts: 1.5 }, /accounts must be an integer/],
    [{ end: "yesterday" }, /end must be an ISO 8601 instant/],
    [{ defectorShare: 2 }, /defectorShare must be a number from 0 to 1/],
    [{ until: "2026-01-01T00:00:00Z" }, /until .* must not be before end/],
    [{ seed: "" }, /seed must be/],
  ] as const)("rejects %j", (patch, message) => {
    expect(() => simulate({ ...base, ...patch })).toThrow(message);
  });
});
