import type { AccountProfile, ChurnEvent, EventOf, Severity } from "@churnwatch/contracts";
import { seededRandom } from "../model/simulate.ts";
import { DAY_MS } from "../time.ts";

/** Day 0 of every synthetic history: a Monday, 09:00 in Shanghai. */
export const START_MS = Date.parse("2025-01-06T09:00:00+08:00");
export const dayMs = (day: number): number => START_MS + Math.round(day * DAY_MS);
export const dayIso = (day: number): string => new Date(dayMs(day)).toISOString();

/** Deterministic PRNG (mulberry32, the simulation's own), so "noise" is the same on every run. */
export const rng: (seed: number) => () => number = seededRandom;

export const defaultProfile: AccountProfile = {
  name: "Acme Trading Co.",
  tier: "ordinary",
  owner: { name: "Li Wei", email: "li.wei@example.com" },
  region: "East China",
  timezone: "Asia/Shanghai",
  currency: "CNY",
  locale: "zh-CN",
};

/** Builds a history of contract-valid events; ids are sequential so runs are reproducible. */
export class History {
  readonly events: ChurnEvent[] = [];
  private seq = 0;

  constructor(
    readonly accountId = "acct-1",
    private readonly prefix = "ev",
  ) {}

  private push<E extends ChurnEvent>(event: Omit<E, "eventId" | "accountId" | "schemaVersion">): E {
    const full = { ...event, eventId: `${this.prefix}-${++this.seq}`, accountId: this.accountId, schemaVersion: 1 } as E;
    this.events.push(full);
    return full;
  }

  profile(day: number, data: Partial<AccountProfile> = {}): this {
    this.push({ type: "account.upserted", occurredAt: dayIso(day), data: { ...defaultProfile, ...data } });
    return this;
  }

  order(day: number, amount: number | string, orderId = `o-${this.seq + 1}`, currency = "CNY"): string {
    this.push({ type: "order.placed", occurredAt: dayIso(day), data: { orderId, amount, currency } });
    return orderId;
  }

  cancel(day: number, orderId: string): this {
    this.push({ type: "order.cancelled", occurredAt: dayIso(day), data: { orderId } });
    return this;
  }

  invoice(day: number, amount: number | string, dueDay: number, invoiceId = `inv-${this.seq + 1}`): string {
    this.push({
      type: "invoice.issued",
      occurredAt: dayIso(day),
      data: { invoiceId, amount, currency: "CNY", dueAt: dayIso(dueDay) },
    });
    return invoiceId;
  }

  payment(day: number, invoiceId: string, amount: number | string): this {
    this.push({ type: "payment.received", occurredAt: dayIso(day), data: { invoiceId, amount } });
    return this;
  }

  complaint(day: number, severity: Severity, complaintId = `c-${this.seq + 1}`, category = "delivery"): string {
    this.push({
      type: "complaint.opened",
      occurredAt: dayIso(day),
      data: { complaintId, severity, category, text: `A ${category} problem.` },
    });
    return complaintId;
  }

  resolve(day: number, complaintId: string, satisfaction?: number): this {
    const data = satisfaction === undefined ? { complaintId } : { complaintId, satisfaction };
    this.push({ type: "complaint.resolved", occurredAt: dayIso(day), data });
    return this;
  }

  /** A logged contact; `answered` only on outbound ones (the contract refuses it on inbound). */
  interaction(
    day: number,
    opts: { direction?: "outbound" | "inbound"; kind?: "visit" | "call" | "meeting" | "email"; answered?: boolean; interactionId?: string } = {},
  ): string {
    const interactionId = opts.interactionId ?? `i-${this.seq + 1}`;
    const data: EventOf<"interaction.logged">["data"] = { interactionId, kind: opts.kind ?? "visit", direction: opts.direction ?? "outbound" };
    if (opts.answered !== undefined) data.answered = opts.answered;
    this.push({ type: "interaction.logged", occurredAt: dayIso(day), data });
    return interactionId;
  }

  /** The last event added. */
  last(): ChurnEvent {
    const event = this.events.at(-1);
    if (!event) throw new Error("no events yet");
    return event;
  }

  /** Events in time order (stable for equal instants). */
  sorted(): ChurnEvent[] {
    return this.events
      .map((e, i) => ({ e, i, t: Date.parse(e.occurredAt) }))
      .sort((a, b) => a.t - b.t || a.i - b.i)
      .map((x) => x.e);
  }
}

export interface YearOptions {
  days?: number;
  seed?: number;
  /** Multiplier on order value by day (seasonality, drift). */
  orderFactor?: (day: number) => number;
  /** Last day with orders. */
  ordersUntil?: number;
  /** Days late for the k-th monthly invoice (k from 1). */
  lateness?: (k: number, random: () => number) => number | undefined;
  /** Last day on which invoices are issued. */
  invoicesUntil?: number;
  complaints?: boolean;
  tier?: AccountProfile["tier"];
}

/**
 * A realistic year of a healthy key account: weekly orders of ~10,000 (±15%, day jitter), monthly
 * invoices on net-30 terms usually paid 0–4 days late (one split into two partial payments), a low or
 * medium complaint every ~2 months resolved within days. Options bend it into a drifting account.
 */
export function accountYear(h: History, opts: YearOptions = {}): History {
  const days = opts.days ?? 365;
  const random = rng(opts.seed ?? 7);
  const factor = opts.orderFactor ?? (() => 1);
  const lateness = opts.lateness ?? ((k, r) => (k === 6 ? 11 : Math.floor(r() * 5)));
  h.profile(0, opts.tier ? { tier: opts.tier } : {});
  const ordersUntil = Math.min(opts.ordersUntil ?? days, days);
  for (let week = 0; week * 7 <= ordersUntil; week++) {
    const day = week * 7 + Math.floor(random() * 3);
    if (day > ordersUntil) break;
    const amount = Math.round(10_000 * (0.85 + random() * 0.3) * factor(day) * 100) / 100;
    h.order(day, amount.toFixed(2));
  }
  const invoicesUntil = Math.min(opts.invoicesUntil ?? days, days);
  for (let k = 1; k * 30 <= invoicesUntil; k++) {
    const issued = k * 30;
    const amount = (40_000 + Math.floor(random() * 4000)).toFixed(2);
    const id = h.invoice(issued, amount, issued + 30, `inv-${k}`);
    const late = lateness(k, random);
    if (late === undefined || issued + 30 + late > days) continue;
    if (k === 3) {
      h.payment(issued + 20, id, "15000.00");
      h.payment(issued + 30 + late, id, (Number(amount) - 15_000).toFixed(2));
    } else {
      h.payment(issued + 30 + late, id, amount);
    }
  }
  if (opts.complaints ?? true) {
    for (let day = 25; day <= days; day += 55 + Math.floor(random() * 10)) {
      const id = h.complaint(day, random() < 0.5 ? "low" : "medium");
      if (day + 4 <= days) h.resolve(day + 4, id, 4);
    }
  }
  return h;
}
