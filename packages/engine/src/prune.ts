import { firstAtOrAfter } from "./records.ts";
import type { AccountState, ComplaintRecord, InvoiceRecord, OrderRecord } from "./state.ts";
import { DAY_MS, localDay } from "./time.ts";

/**
 * The latest orders are kept whatever their age: an account silent for longer than the retention is still
 * one that used to order, at its own rhythm, and must not look new (or healthy) once its history ages out.
 */
export const KEPT_ORDERS = 3;

/**
 * Drops history older than the retention horizon so state stays bounded. Open invoices are kept
 * whatever their age: an unpaid invoice is still a live signal. Arrays are only copied when
 * something is actually dropped.
 */
export function prune(state: AccountState, asOfMs: number, retentionDays: number): AccountState {
  const horizon = asOfMs - retentionDays * DAY_MS;
  const cut = Math.min(firstAtOrAfter(state.orders, horizon, (o) => o.atMs), Math.max(0, state.orders.length - KEPT_ORDERS));
  const orders = cut === 0 ? state.orders : state.orders.slice(cut);
  const prunedOccasions = cut === 0 ? state.prunedOccasions : (state.prunedOccasions ?? 0) + droppedOccasions(state.orders, cut, state.profile?.timezone);
  const invoices =
    earliestExpiry(invoiceExpiries, state.invoices, invoiceExpiry) < horizon ? state.invoices.filter((i) => !(invoiceExpiry(i) < horizon)) : state.invoices;
  const complaints =
    earliestExpiry(complaintExpiries, state.complaints, complaintExpiry) < horizon
      ? state.complaints.filter((c) => !(complaintExpiry(c) < horizon))
      : state.complaints;
  if (orders === state.orders && invoices === state.invoices && complaints === state.complaints) return state;
  return prunedOccasions === undefined ? { ...state, orders, invoices, complaints } : { ...state, prunedOccasions, orders, invoices, complaints };
}

/**
 * Distinct local days of the orders before `cut` (placed, not cancelled), less a day that a kept order
 * shares: orders are sorted, so only the last dropped day can be shared.
 */
function droppedOccasions(orders: readonly OrderRecord[], cut: number, timezone: string | undefined): number {
  const dropped = new Set<number>();
  for (let i = 0; i < cut; i++) {
    const o = orders[i] as OrderRecord;
    if (o.placed && !o.cancelled) dropped.add(localDay(o.atMs, timezone));
  }
  const lastDropped = Math.max(...dropped);
  for (let i = cut; i < orders.length; i++) {
    const o = orders[i] as OrderRecord;
    const day = localDay(o.atMs, timezone);
    if (day > lastDropped) break;
    if (o.placed && !o.cancelled) return dropped.size - 1;
  }
  return dropped.size;
}

/**
 * The latest instant at which `prune` still keeps every record of the state: past it, one goes, and the
 * rules see a different history. Infinity when no record ever goes (none, or only open invoices).
 */
export function nextPruneMs(state: AccountState, retentionDays: number): number {
  const earliest = Math.min(
    state.orders.length > KEPT_ORDERS ? (state.orders[0] as OrderRecord).atMs : Number.POSITIVE_INFINITY,
    earliestExpiry(invoiceExpiries, state.invoices, invoiceExpiry),
    earliestExpiry(complaintExpiries, state.complaints, complaintExpiry),
  );
  return earliest + retentionDays * DAY_MS;
}

/**
 * The instant from which a record may be pruned: it is dropped once that instant is older than the
 * horizon. Infinity for a record kept whatever its age (an open invoice).
 */
function invoiceExpiry(invoice: InvoiceRecord): number {
  if (invoice.issued) return invoice.paidAtMs ?? Number.POSITIVE_INFINITY;
  // A payment-only placeholder expires with its latest payment.
  return invoice.payments.at(-1)?.atMs ?? invoice.issuedAtMs;
}

function complaintExpiry(c: ComplaintRecord): number {
  return Math.max(c.atMs, c.resolvedAtMs ?? c.atMs);
}

// Record arrays are immutable and shared between steps, so the earliest expiry of each is computed once
// per array: most steps then skip the scan. A pure cache: a miss computes the same value.
const invoiceExpiries = new WeakMap<readonly InvoiceRecord[], number>();
const complaintExpiries = new WeakMap<readonly ComplaintRecord[], number>();

function earliestExpiry<T extends object>(earliest: WeakMap<readonly T[], number>, items: readonly T[], expiry: (item: T) => number): number {
  let min = earliest.get(items);
  if (min === undefined) {
    min = Number.POSITIVE_INFINITY;
    for (const item of items) {
      const e = expiry(item);
      if (e < min) min = e;
    }
    earliest.set(items, min);
  }
  return min;
}
