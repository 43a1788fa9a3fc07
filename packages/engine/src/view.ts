import { localDay } from "./time.ts";
import { accountCurrency, inAccountCurrency, type AccountState, type ComplaintRecord, type InvoiceRecord, type OrderRecord } from "./state.ts";

/**
 * One buying occasion: the account's orders of one local day, merged. Several invoices minutes apart are
 * one purchase (UCI Online Retail II has thousands; the hard simulated world splits a third of them), so
 * the rules judge occasions: otherwise the latest "orders" are the parts of one purchase, each small and
 * with a few of its lines, and the decline and narrowing rules fire on healthy accounts.
 */
export interface OrderView {
  /** The occasion's first order. */
  atMs: number;
  /** 0n when the order is in another currency than the account's: it counts, but adds no money. */
  micros: bigint;
  /** Product categories on the order, when the producer sent them. */
  categories: readonly string[] | undefined;
  /** Gross margin (a fraction), when the producer sent it. */
  grossMargin: number | undefined;
  /** The occasion's last order's event. */
  eventId: string | undefined;
  /** Every order event of an occasion of several orders, in time order; absent for a single order. */
  eventIds?: readonly string[];
}

/** The event ids behind an order view, for evidence. */
export function orderEventIds(o: OrderView): readonly string[] {
  return o.eventIds ?? (o.eventId === undefined ? [] : [o.eventId]);
}

export interface CancellationView {
  atMs: number;
  eventId: string | undefined;
}

export interface PaidInvoiceView {
  paidAtMs: number;
  daysLate: number;
  eventId: string | undefined;
  paidEventId: string | undefined;
}

export interface OpenInvoiceView {
  dueAtMs: number;
  openMicros: bigint;
  /** Whether some payment has been made on it: the open rest of a payment plan, not an ignored bill. */
  partPaid: boolean;
  eventIds: string[];
}

/**
 * The history projected for the rules, so they share one pass. Its arrays are memoised per record array
 * (records are immutable and shared between steps, and a tick changes none of them), so they are shared
 * between steps too: read-only.
 */
export interface View {
  /** Placed, not cancelled, sorted by time (state keeps orders sorted). */
  readonly orders: readonly OrderView[];
  /** Cancelled orders at their placement time, sorted: they moved the purchase signal too. */
  readonly cancellations: readonly CancellationView[];
  readonly paid: readonly PaidInvoiceView[];
  readonly open: readonly OpenInvoiceView[];
  readonly complaints: readonly ComplaintRecord[];
}

// Records are immutable and shared between steps, so an amount is parsed once per record while the
// state stays in memory (replay). Purely a memo: results never depend on it.
const microsOf = new WeakMap<OrderRecord, bigint>();

function orderMicros(order: OrderRecord): bigint {
  let micros = microsOf.get(order);
  if (micros === undefined) {
    micros = BigInt(order.amountMicros);
    microsOf.set(order, micros);
  }
  return micros;
}

/**
 * A memo of one projection per record array, for the account currency it was made in (the projection
 * depends on nothing else). Pure caches: a miss recomputes the same value, so results never depend on them.
 */
interface Projected<T> {
  currency: string | undefined;
  timezone?: string | undefined;
  value: T;
}

// Per record too (a record's projection depends on the record alone, in the account's currency): an event
// changes one record, so the projections of the others are reused, not allocated again.
const orderViewOf = new WeakMap<OrderRecord, OrderView>();
const paidViewOf = new WeakMap<InvoiceRecord, PaidInvoiceView>();
// An open invoice's view depends on whether its currency is the account's too: [not, is].
const openViewOf = new WeakMap<InvoiceRecord, [OpenInvoiceView | undefined, OpenInvoiceView | undefined]>();

const ordersProjected = new WeakMap<readonly OrderRecord[], Projected<Pick<View, "orders" | "cancellations">>>();
const invoicesProjected = new WeakMap<readonly InvoiceRecord[], Projected<Pick<View, "paid" | "open">>>();
const complaintsProjected = new WeakMap<readonly ComplaintRecord[], readonly ComplaintRecord[]>();

function projectOrders(state: AccountState): Pick<View, "orders" | "cancellations"> {
  const currency = accountCurrency(state);
  const timezone = state.profile?.timezone;
  const hit = ordersProjected.get(state.orders);
  if (hit && hit.currency === currency && hit.timezone === timezone) return hit.value;
  const orders: OrderView[] = [];
  let lastDay = Number.NaN;
  const cancellations: CancellationView[] = [];
  for (const o of state.orders) {
    if (!o.placed) continue;
    if (o.cancelled) {
      cancellations.push({ atMs: o.atMs, eventId: o.cancelEventId });
      continue;
    }
    const inCurrency = inAccountCurrency(state, o.currency);
    let view = inCurrency ? orderViewOf.get(o) : undefined;
    if (view === undefined) {
      view = { atMs: o.atMs, micros: inCurrency ? orderMicros(o) : 0n, categories: o.categories, grossMargin: o.grossMargin, eventId: o.eventId };
      if (inCurrency) orderViewOf.set(o, view);
    }
    const day = localDay(o.atMs, timezone);
    const previous = orders[orders.length - 1];
    if (previous !== undefined && day === lastDay) orders[orders.length - 1] = mergeOccasion(previous, view);
    else orders.push(view);
    lastDay = day;
  }
  const value = { orders, cancellations };
  ordersProjected.set(state.orders, { currency, timezone, value });
  return value;
}

/** An occasion with one more order of the same day: money added, lines joined, margin weighted by money. */
function mergeOccasion(a: OrderView, b: OrderView): OrderView {
  const micros = a.micros + b.micros;
  const categories = a.categories === undefined && b.categories === undefined ? undefined : [...new Set([...(a.categories ?? []), ...(b.categories ?? [])])];
  const grossMargin =
    a.grossMargin === undefined || b.grossMargin === undefined || micros === 0n
      ? (a.grossMargin ?? b.grossMargin)
      : (a.grossMargin * Number(a.micros) + b.grossMargin * Number(b.micros)) / Number(micros);
  const eventIds = [...orderEventIds(a), ...orderEventIds(b)];
  return { atMs: a.atMs, micros, categories, grossMargin, eventId: b.eventId ?? a.eventId, eventIds };
}

function projectInvoices(state: AccountState): Pick<View, "paid" | "open"> {
  const currency = accountCurrency(state);
  const hit = invoicesProjected.get(state.invoices);
  if (hit && hit.currency === currency) return hit.value;
  const paid: PaidInvoiceView[] = [];
  const open: OpenInvoiceView[] = [];
  for (const inv of state.invoices) {
    if (!inv.issued) continue;
    if (inv.paidAtMs !== undefined) {
      let view = paidViewOf.get(inv);
      if (view === undefined) {
        view = { paidAtMs: inv.paidAtMs, daysLate: inv.daysLate ?? 0, eventId: inv.eventId, paidEventId: inv.paidEventId };
        paidViewOf.set(inv, view);
      }
      paid.push(view);
      continue;
    }
    const inCurrency = inAccountCurrency(state, inv.currency);
    let view = openViewOf.get(inv)?.[inCurrency ? 1 : 0];
    if (view === undefined) {
      const remaining = BigInt(inv.amountMicros) - BigInt(inv.paidMicros);
      const eventIds = [inv.eventId, ...inv.payments.map((p) => p.eventId)].filter((id): id is string => id !== undefined);
      view = { dueAtMs: inv.dueAtMs, openMicros: inCurrency ? remaining : 0n, partPaid: inv.payments.length > 0, eventIds };
      const both = openViewOf.get(inv) ?? [undefined, undefined];
      both[inCurrency ? 1 : 0] = view;
      openViewOf.set(inv, both);
    }
    open.push(view);
  }
  const value = { paid: samePaid(paid), open };
  invoicesProjected.set(state.invoices, { currency, value });
  return value;
}

// The latest paid list per last element. An invoice issued or part-paid leaves the paid list as it was: the
// list built again is then swapped for the earlier one, the same views in the same order, so that what is
// memoised on it (the payment rules' series, medians and quiet bounds) is found again. A pure cache.
const paidEndingWith = new WeakMap<PaidInvoiceView, readonly PaidInvoiceView[]>();

function samePaid(paid: PaidInvoiceView[]): readonly PaidInvoiceView[] {
  const last = paid[paid.length - 1];
  if (last === undefined) return paid;
  const earlier = paidEndingWith.get(last);
  if (earlier !== undefined && earlier.length === paid.length && earlier.every((p, i) => p === paid[i])) return earlier;
  paidEndingWith.set(last, paid);
  return paid;
}

function projectComplaints(state: AccountState): readonly ComplaintRecord[] {
  let complaints = complaintsProjected.get(state.complaints);
  if (complaints === undefined) {
    complaints = state.complaints.filter((c) => c.opened);
    complaintsProjected.set(state.complaints, complaints);
  }
  return complaints;
}

export function buildView(state: AccountState): View {
  const { orders, cancellations } = projectOrders(state);
  const { paid, open } = projectInvoices(state);
  return { orders, cancellations, paid, open, complaints: projectComplaints(state) };
}

export function compareIds(a: string | undefined, b: string | undefined): number {
  const x = a ?? "";
  const y = b ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Ids of the latest `max` entries, oldest first, deduplicated; deterministic on ties. */
export function latestIds(entries: Array<{ atMs: number; id: string | undefined }>, max: number): string[] {
  const sorted = entries
    .filter((e): e is { atMs: number; id: string } => e.id !== undefined)
    .sort((a, b) => b.atMs - a.atMs || compareIds(a.id, b.id));
  const out: string[] = [];
  const seen = new Set<string>();
  for (const e of sorted) {
    if (out.length >= max) break;
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    out.push(e.id);
  }
  return out.reverse();
}
