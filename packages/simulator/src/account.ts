/**
 * One account's history as a lazy, time-ordered stream. "Primary" happenings (orders, complaints,
 * profile updates, scares) are drawn in time order; each schedules its consequences (cancellation,
 * invoice, payments, resolution) into a small per-account heap. A pending event is safe to emit once
 * no primary is due before it, because consequences never precede their cause.
 */
import { SCHEMA_VERSION, type ChurnEvent, type EventOf, type EventType } from "@churnwatch/contracts";
import { Rng } from "./prng.ts";
import { MinHeap } from "./heap.ts";
import type { AccountPlan } from "./plan.ts";
import { complaintCategories, type ComplaintCategory } from "./pools.ts";
import { complaintsPerMonth, effectsAt, hasStoppedOrdering, peakComplaintsPerMonth } from "./demand.ts";
import { drawComplaint, drawOrder, drawPayments, drawScareComplaint, splitOccasion, type ComplaintDraw, type OrderDraw } from "./behaviour.ts";
import { contactGap, drawContact } from "./contacts.ts";
import { DAY, endOfLocalDay, isoInZone, officeHours, toSecond } from "./time.ts";

type Draft = { [T in EventType]: { type: T; data: EventOf<T>["data"] } }[EventType];
interface Pending {
  ms: number;
  n: number;
  draft: Draft;
}
interface OneOff {
  ms: number;
  run: () => void;
}

const byTime = (a: Pending, b: Pending): boolean => a.ms < b.ms || (a.ms === b.ms && a.n < b.n);
const money = (cents: number): number => cents / 100;

export class AccountStream {
  /** Instant of `head`, for the cross-account merge. */
  headMs = Infinity;
  head: ChurnEvent | undefined;

  private readonly pending = new MinHeap<Pending>(byTime);
  private readonly oneOffs: OneOff[] = [];
  private readonly orderRng: Rng;
  private readonly billRng: Rng;
  private readonly complaintRng: Rng;
  /** Only when contacts are simulated: the other streams never see it, so their draws stay the same. */
  private readonly contactRng: Rng | undefined;
  /** Only in a world that splits occasions into several orders, for the same reason. */
  private readonly splitRng: Rng | undefined;
  private readonly contactGapDays: number;
  private readonly zone: string;
  private readonly peakComplaints: number;
  private readonly repeatCategory: ComplaintCategory;
  private nextOrderMs: number;
  private nextComplaintMs: number;
  private nextContactMs = Infinity;
  private contacts = 0;
  private lateScareArmed = false;
  private inserted = 0;
  private seq = 0;
  private orders = 0;
  private invoices = 0;
  private complaints = 0;
  private done = false;

  constructor(
    readonly plan: AccountPlan,
    seed: string,
    private readonly untilMs: number,
    withContacts = false,
  ) {
    const i = plan.index;
    this.orderRng = Rng.derive(seed, "orders", i);
    this.billRng = Rng.derive(seed, "billing", i);
    this.complaintRng = Rng.derive(seed, "complaints", i);
    this.zone = plan.profile.timezone;
    this.peakComplaints = peakComplaintsPerMonth(plan);
    this.repeatCategory = this.complaintRng.pick(complaintCategories.slice(0, 4));
    this.nextOrderMs = this.officeHours(plan.upsertMs + this.orderRng.float(0.2, 1) * plan.gapDays * DAY, this.orderRng);
    this.nextComplaintMs = this.nextComplaintCandidate(plan.upsertMs);
    this.contactRng = withContacts ? Rng.derive(seed, "contacts", i) : undefined;
    this.splitRng = plan.splitChance > 0 ? Rng.derive(seed, "split", i) : undefined;
    this.contactGapDays = this.contactRng ? contactGap(this.contactRng, plan) : Infinity;
    if (this.contactRng) this.nextContactMs = this.officeHours(plan.upsertMs + this.contactRng.float(0.1, 1) * this.contactGapDays * DAY, this.contactRng);
    this.planOneOffs();
    this.advance();
  }

  /** Returns the current head and moves to the next event. */
  take(): ChurnEvent | undefined {
    const event = this.head;
    this.advance();
    return event;
  }

  private planOneOffs(): void {
    const { plan } = this;
    this.oneOffs.push({ ms: plan.upsertMs, run: () => this.add(plan.upsertMs, { type: "account.upserted", data: plan.profile }) });
    const change = plan.ownerChange;
    if (change) {
      const data = { ...plan.profile, owner: change.owner };
      this.oneOffs.push({ ms: change.atMs, run: () => this.add(change.atMs, { type: "account.upserted", data }) });
    }
    for (const scare of plan.scares) {
      if (scare.kind === "late-invoice") this.oneOffs.push({ ms: scare.atMs, run: () => (this.lateScareArmed = true) });
      if (scare.kind === "high-complaint") {
        const at = toSecond(scare.atMs);
        this.oneOffs.push({ ms: at, run: () => this.addComplaint(at, drawScareComplaint(this.complaintRng, plan, this.refs())) });
      }
    }
    this.oneOffs.sort((a, b) => b.ms - a.ms); // popped from the end
  }

  private advance(): void {
    this.head = undefined;
    this.headMs = Infinity;
    while (!this.done) {
      const nextOneOff = this.oneOffs[this.oneOffs.length - 1];
      const primaryMs = Math.min(this.nextOrderMs, this.nextComplaintMs, this.nextContactMs, nextOneOff?.ms ?? Infinity);
      const top = this.pending.peek();
      if (top && top.ms <= primaryMs) {
        this.pending.pop();
        if (top.ms > this.untilMs) break;
        this.head = this.build(top);
        this.headMs = top.ms;
        return;
      }
      if (primaryMs > this.untilMs) break;
      if (nextOneOff && nextOneOff.ms === primaryMs) {
        this.oneOffs.pop();
        nextOneOff.run();
      } else if (this.nextOrderMs === primaryMs) this.placeOrder(primaryMs);
      else if (this.nextComplaintMs === primaryMs) this.openComplaint(primaryMs);
      else this.logContact(primaryMs);
    }
    this.done = true;
  }

  private build(p: Pending): ChurnEvent {
    const { plan } = this;
    return {
      eventId: `${plan.accountId}-${this.seq++}`,
      type: p.draft.type,
      accountId: plan.accountId,
      occurredAt: isoInZone(p.ms, this.zone),
      schemaVersion: SCHEMA_VERSION,
      data: p.draft.data,
    } as ChurnEvent;
  }

  private add(ms: number, draft: Draft): void {
    this.pending.push({ ms: toSecond(ms), n: this.inserted++, draft });
  }

  private officeHours(ms: number, rng: Rng): number {
    return toSecond(officeHours(ms, this.zone, rng));
  }

  private refs(): { po: string; inv: string; repeatCategory: ComplaintCategory } {
    const id = this.plan.accountId;
    return { po: `${id}-o${Math.max(1, this.orders)}`, inv: `${id}-i${Math.max(1, this.invoices)}`, repeatCategory: this.repeatCategory };
  }

  private placeOrder(ms: number): void {
    const { plan, orderRng: rng } = this;
    if (hasStoppedOrdering(plan, ms)) {
      this.nextOrderMs = Infinity;
      return;
    }
    const e = effectsAt(plan, ms);
    const order = drawOrder(rng, plan, e);
    const parts = this.splitRng?.chance(plan.splitChance) ? splitOccasion(this.splitRng, ms, order) : [{ ms, order }];
    for (const part of parts) this.emitOrder(part.ms, part.order);
    const gapDays = (plan.gapDays * rng.float(0.75, 1.25)) / e.freq;
    this.nextOrderMs = this.officeHours(ms + gapDays * DAY, rng);
  }

  /** One order with its consequences: a cancellation, or an invoice and the payments it will get. */
  private emitOrder(ms: number, order: OrderDraw): void {
    const { plan, orderRng: rng } = this;
    const orderId = `${plan.accountId}-o${++this.orders}`;
    const currency = plan.profile.currency;
    const amount = money(order.cents);
    this.add(ms, {
      type: "order.placed",
      data: { orderId, amount, currency, grossMargin: order.grossMargin, categories: order.categories },
    });
    if (rng.chance(plan.cancelChance)) {
      this.add(this.officeHours(ms + rng.float(1, 3) * DAY, rng), { type: "order.cancelled", data: { orderId } });
    } else {
      // Invoiced on delivery; a cancelled order never gets one.
      const invoiceMs = this.officeHours(ms + rng.float(4, 7) * DAY, rng);
      const dueMs = endOfLocalDay(invoiceMs, this.zone, plan.termsDays);
      const invoiceId = `${plan.accountId}-i${++this.invoices}`;
      this.add(invoiceMs, {
        type: "invoice.issued",
        data: { invoiceId, amount, currency, dueAt: isoInZone(dueMs, this.zone) },
      });
      const extraLate = this.lateScareArmed ? this.billRng.float(20, 35) : 0;
      this.lateScareArmed = false;
      const invoice = { ms: invoiceMs, dueMs, cents: order.cents };
      // A customer decides how late to pay when the invoice falls due, in the mood it is in then: one that
      // is drifting away holds back every invoice coming due, including those issued before the drift.
      const atDue = effectsAt(plan, dueMs);
      for (const pay of drawPayments(this.billRng, plan, atDue, invoice, extraLate)) {
        this.add(pay.ms, { type: "payment.received", data: { invoiceId, amount: money(pay.cents) } });
      }
    }
  }

  private logContact(ms: number): void {
    const rng = this.contactRng;
    const draw = rng && drawContact(rng, this.plan, this.contactGapDays, ms);
    if (!rng || !draw) {
      this.nextContactMs = Infinity;
      return;
    }
    this.add(ms, { type: "interaction.logged", data: { interactionId: `${this.plan.accountId}-x${++this.contacts}`, ...draw.data } });
    this.nextContactMs = this.officeHours(ms + draw.nextGapDays * DAY, rng);
  }

  /** Candidates arrive at the account's peak rate and are thinned to the rate at that instant. */
  private nextComplaintCandidate(fromMs: number): number {
    const gapDays = this.complaintRng.exponential(30 / this.peakComplaints);
    return this.officeHours(fromMs + Math.max(1, gapDays) * DAY, this.complaintRng);
  }

  private openComplaint(ms: number): void {
    const { plan, complaintRng: rng } = this;
    const churn = plan.defection?.churnMs;
    // A departed account stops talking to its seller soon after leaving.
    if (churn !== undefined && ms > churn + 14 * DAY) {
      this.nextComplaintMs = Infinity;
      return;
    }
    const e = effectsAt(plan, ms);
    if (rng.chance(complaintsPerMonth(plan, e) / this.peakComplaints)) this.addComplaint(ms, drawComplaint(rng, plan, e, this.refs()));
    this.nextComplaintMs = this.nextComplaintCandidate(ms);
  }

  private addComplaint(ms: number, c: ComplaintDraw): void {
    const complaintId = `${this.plan.accountId}-c${++this.complaints}`;
    this.add(ms, { type: "complaint.opened", data: { complaintId, severity: c.severity, category: c.category, text: c.text } });
    if (!c.resolution) return;
    const { afterMs, satisfaction } = c.resolution;
    const data = satisfaction === undefined ? { complaintId } : { complaintId, satisfaction };
    const resolvedMs = this.officeHours(ms + Math.max(DAY, afterMs), this.complaintRng);
    this.add(resolvedMs, { type: "complaint.resolved", data });
  }
}
