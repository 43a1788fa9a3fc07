import type { ChurnEvent, Evidence, Tier } from "@churnwatch/contracts";
import { defaultConfig, emptyState, parseAmount, step, thresholdsFor, type AccountState, type AlertChange } from "@churnwatch/engine";
import { explainEvidence } from "@churnwatch/explain";
import { simulate } from "@churnwatch/simulator";
import { describe, expect, it } from "vitest";

// Every alert carries its proof (the words): the numbers an explanation states must be the ones the
// history gives. Over a simulated world, each alert change is checked against figures recomputed here from the
// raw events the account had sent by then, with none of the engine's code: window sums and counts, changes
// against baselines, the sentences a manager reads, and the ids of the events that moved it.

const DAY_MS = 86_400_000;

interface Judged {
  change: AlertChange;
  /** The account's events applied when the change was made, in the order they were applied. */
  seen: readonly ChurnEvent[];
  currency: string | undefined;
  timezone: string | undefined;
  tier: Tier | undefined;
}

/** The world's accounts replayed one by one through `step`, ticking at every UTC midnight between events. */
function judgeWorld(): Judged[] {
  const byAccount = new Map<string, ChurnEvent[]>();
  const endMs = Date.parse("2026-11-01T00:00:00Z");
  for (const e of simulate({ seed: 4, accounts: 80, months: 24, end: new Date(endMs).toISOString() })) {
    // The simulator's customers mostly pay early, which would leave the usual lateness at zero throughout: every
    // fourth account here pays each invoice 12 days later than simulated, a habit of its own to measure against.
    const late = e.type === "payment.received" && Number(e.accountId.replace(/\D/g, "")) % 4 === 0;
    const event = late ? { ...e, occurredAt: new Date(Math.min(endMs, Date.parse(e.occurredAt) + 12 * DAY_MS)).toISOString() } : e;
    const list = byAccount.get(e.accountId) ?? [];
    list.push(event);
    byAccount.set(e.accountId, list);
  }
  for (const list of byAccount.values()) list.sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
  const judged: Judged[] = [];
  for (const [accountId, events] of byAccount) {
    let state: AccountState = emptyState(accountId);
    const seen: ChurnEvent[] = [];
    const run = (input: Parameters<typeof step>[1]) => {
      const out = step(state, input, defaultConfig);
      state = out.state;
      for (const change of out.changes) judged.push({ change, seen: [...seen], currency: state.profile?.currency, timezone: state.profile?.timezone, tier: state.profile?.tier });
    };
    let nextTick = Math.ceil(Date.parse(events[0]?.occurredAt ?? "") / DAY_MS) * DAY_MS;
    for (const event of events) {
      for (; nextTick <= Date.parse(event.occurredAt); nextTick += DAY_MS) run({ kind: "tick", at: new Date(nextTick).toISOString() });
      seen.push(event);
      run({ kind: "event", event });
    }
  }
  return judged;
}


/** The orders placed in (from, to] and not cancelled by then, in the account's currency: sum and count. */
function ordersIn(seen: readonly ChurnEvent[], fromMs: number, toMs: number, currency: string | undefined) {
  const cancelled = new Set(seen.flatMap((e) => (e.type === "order.cancelled" ? [e.data.orderId] : [])));
  let sum = 0n;
  let count = 0;
  for (const e of seen) {
    if (e.type !== "order.placed" || cancelled.has(e.data.orderId)) continue;
    const at = Date.parse(e.occurredAt);
    if (at <= fromMs || at > toMs) continue;
    count++;
    if (currency === undefined || e.data.currency === currency) sum += parseAmount(e.data.amount);
  }
  return { sum, count };
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (days since the epoch) of an instant in a zone, by the platform's own time-zone data. */
function calendarDay(ms: number, timezone: string | undefined): number {
  const zone = timezone ?? "UTC";
  let format = dayFormats.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" });
    dayFormats.set(zone, format);
  }
  return Date.parse(`${format.format(ms)}T00:00:00Z`) / DAY_MS;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The invoices issued by `atMs`: those still open (payments short of the amount) and, for those paid within the
 * retention (older ones are forgotten), the calendar days from due to the payment that completed them.
 */
function invoicesAt(seen: readonly ChurnEvent[], atMs: number, timezone: string | undefined) {
  const issued = new Map<string, { dueMs: number; amount: bigint }>();
  const payments = new Map<string, Array<{ atMs: number; eventId: string; amount: bigint }>>();
  for (const e of seen) {
    if (e.type === "invoice.issued") issued.set(e.data.invoiceId, { dueMs: Date.parse(e.data.dueAt), amount: parseAmount(e.data.amount) });
    if (e.type === "payment.received") {
      const list = payments.get(e.data.invoiceId) ?? [];
      list.push({ atMs: Date.parse(e.occurredAt), eventId: e.eventId, amount: parseAmount(e.data.amount) });
      payments.set(e.data.invoiceId, list);
    }
  }
  const open: Array<{ dueMs: number }> = [];
  const daysLate: number[] = [];
  for (const [id, inv] of issued) {
    let paid = 0n;
    let paidAtMs: number | undefined;
    const list = (payments.get(id) ?? []).sort((a, b) => a.atMs - b.atMs || (a.eventId < b.eventId ? -1 : 1));
    for (const p of list) {
      paid += p.amount;
      if (paidAtMs === undefined && paid >= inv.amount) paidAtMs = p.atMs;
    }
    if (paidAtMs === undefined) open.push(inv);
    else if (paidAtMs >= atMs - defaultConfig.retentionDays * DAY_MS) daysLate.push(calendarDay(paidAtMs, timezone) - calendarDay(inv.dueMs, timezone));
  }
  return { open, daysLate };
}

/** Half a unit of the last decimal written: the most a rounded figure can be off by. */
function halfUlp(text: string): number {
  const decimals = text.split(".")[1]?.length ?? 0;
  return 0.5 * 10 ** -decimals;
}

const evidenceOf = (j: Judged, signal: Evidence["signal"]) => j.change.alert.evidence.find((e) => e.signal === signal);

describe("explanations match the numbers", () => {
  const judged = judgeWorld();
  const shown = judged.filter((j) => j.change.type !== "resolved");

  it("covers every rule, firing and updated alike", () => {
    expect(new Set(judged.map((j) => j.change.alert.rule)).size).toBe(6);
    expect(shown.filter((j) => j.change.type === "fired").length).toBeGreaterThan(10);
  });

  /** The shown alerts stating `signal` over a window, with the window's bounds (from, at]. */
  function windowed(signal: Evidence["signal"]) {
    const out: Array<{ j: Judged; e: Evidence; fromMs: number; atMs: number }> = [];
    for (const j of shown) {
      const e = evidenceOf(j, signal);
      if (e?.windowDays === undefined) continue;
      const atMs = Date.parse(j.change.alert.lastEvaluatedAt);
      out.push({ j, e, fromMs: atMs - e.windowDays * DAY_MS, atMs });
    }
    expect(out.length, signal).toBeGreaterThan(5);
    return out;
  }

  it("orders in the window: the value and count stated are the sum and count of the orders placed then", () => {
    for (const { j, e, fromMs, atMs } of windowed("orders.value")) {
      const actual = ordersIn(j.seen, fromMs, atMs, j.currency);
      // Money is stated in cents: within half a cent of the exact sum.
      expect(Math.abs(Number(e.value) - Number(actual.sum) / 1e6), `${j.change.alert.alertId} at ${j.change.alert.lastEvaluatedAt}`).toBeLessThanOrEqual(0.005);
      expect(Number(evidenceOf(j, "orders.count")?.value), j.change.alert.alertId).toBe(actual.count);
    }
  });

  it("complaints in the window: the count and the severity-weighted points stated are those of the complaints opened then", () => {
    for (const { j, e, fromMs, atMs } of windowed("complaints.count")) {
      const opened = j.seen.flatMap((x) => (x.type === "complaint.opened" && Date.parse(x.occurredAt) > fromMs && Date.parse(x.occurredAt) <= atMs ? [x] : []));
      expect(Number(e.value), j.change.alert.alertId).toBe(opened.length);
      const { weights } = thresholdsFor(defaultConfig, j.tier, j.change.alert.alertId.split(":")[0] as string)["complaints.spike"];
      const points = opened.reduce((sum, x) => sum + weights[x.data.severity], 0);
      expect(Number(evidenceOf(j, "complaints.weighted")?.value), j.change.alert.alertId).toBe(points);
    }
  });

  it("payments: the days past due and the usual lateness stated are those of the invoices open and paid then", () => {
    let checked = 0;
    for (const j of shown) {
      const pastDue = evidenceOf(j, "invoices.daysPastDue");
      const usual = evidenceOf(j, "invoices.usualDaysLate");
      if (pastDue === undefined || usual === undefined) continue;
      const atMs = Date.parse(j.change.alert.lastEvaluatedAt);
      const { open, daysLate } = invoicesAt(j.seen, atMs, j.timezone);
      const worst = Math.max(...open.filter((i) => i.dueMs < atMs).map((i) => calendarDay(atMs, j.timezone) - calendarDay(i.dueMs, j.timezone)));
      expect(Number(pastDue.value), j.change.alert.alertId).toBe(worst);
      expect(Number(usual.value), j.change.alert.alertId).toBe(Math.round(Math.max(0, median(daysLate)) * 10) / 10);
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it("silence: the days since the latest order and the usual gap stated are those of the orders placed then", () => {
    let checked = 0;
    for (const j of shown) {
      const quiet = evidenceOf(j, "orders.daysSinceLast");
      if (quiet === undefined) continue;
      const atMs = Date.parse(j.change.alert.lastEvaluatedAt);
      const cancelled = new Set(j.seen.flatMap((e) => (e.type === "order.cancelled" ? [e.data.orderId] : [])));
      // Orders kept: placed within the retention. Silence counts from the latest placement, cancelled or not;
      // the usual gap is between the orders that stood.
      const placed = j.seen.flatMap((e) => (e.type === "order.placed" && Date.parse(e.occurredAt) >= atMs - defaultConfig.retentionDays * DAY_MS ? [e] : []));
      const latest = Math.max(...placed.map((e) => Date.parse(e.occurredAt)));
      const times = placed.filter((e) => !cancelled.has(e.data.orderId)).map((e) => Date.parse(e.occurredAt)).sort((a, b) => a - b);
      const gaps = times.slice(1).map((t, i) => (t - (times[i] as number)) / DAY_MS);
      const tenth = (x: number) => Math.round(x * 10) / 10;
      expect(Number(quiet.value), j.change.alert.alertId).toBe(tenth((atMs - latest) / DAY_MS));
      expect(Number(quiet.baseline), j.change.alert.alertId).toBe(tenth(median(gaps)));
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it("every change against a baseline is the change from the baseline to the value, to the precision they are written in", () => {
    let checked = 0;
    for (const j of shown) {
      for (const e of j.change.alert.evidence) {
        if (e.changePct === undefined || e.baseline === undefined) continue;
        const value = Number(e.value);
        const baseline = Number(e.baseline);
        if (!Number.isFinite(value) || !Number.isFinite(baseline) || baseline === 0) continue;
        const exact = ((value - baseline) / baseline) * 100;
        // The stated value and baseline are rounded, and so is the change (to 0.1): allow exactly that much.
        const slack = 0.05 + 100 * (halfUlp(e.value) / Math.abs(baseline) + (Math.abs(value) * halfUlp(e.baseline)) / (baseline * baseline)) + 1e-9;
        expect(Math.abs(e.changePct - exact), `${j.change.alert.alertId} ${e.signal}: ${e.value} vs ${e.baseline}, ${e.changePct}%`).toBeLessThanOrEqual(slack);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it("the sentence a manager reads states the same value, baseline and threshold, in English and in Chinese", () => {
    const digits = (s: string) => s.replace(/[,\s]/g, "");
    // A figure as the sentence writes it: money to cents, other figures as stated (trailing zeros aside).
    const written = (e: Evidence, figure: string) => (e.unit === "money" ? Number(figure).toFixed(2) : String(Number(figure)));
    for (const j of shown) {
      for (const e of j.change.alert.evidence) {
        for (const locale of ["en", "zh-CN"] as const) {
          const sentence = digits(explainEvidence(e, locale, j.currency).sentence);
          for (const figure of [e.value, e.baseline, e.threshold]) {
            if (figure === undefined || !Number.isFinite(Number(figure))) continue;
            expect(sentence, `${j.change.alert.alertId} ${e.signal} (${locale})`).toContain(written(e, figure).replace(/^-/, ""));
          }
        }
      }
    }
  });

  it("the ids of the events that moved it are the account's own, sent by then", () => {
    for (const j of judged) {
      const sent = new Set(j.seen.map((e) => e.eventId));
      expect(j.change.alert.eventIds.length).toBeGreaterThan(0);
      for (const id of j.change.alert.eventIds) expect(sent.has(id), `${j.change.alert.alertId}: ${id}`).toBe(true);
    }
  });
});
