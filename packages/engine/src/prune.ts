import { firstAtOrAfter } from "./records.ts";
import type { AccountState, ComplaintRecord, InvoiceRecord } from "./state.ts";
import { DAY_MS } from "./time.ts";

/**
 * Drops history older than the retention horizon so state stays bounded. Open invoices are kept
 * whatever their age: an unpaid invoice is still a live signal. Arrays are only copied when
 * something is actually dropped.
 */
export function prune(state: AccountState, asOfMs: number, retentionDays: number): AccountState {
  const horizon = asOfMs - retentionDays * DAY_MS;
  const cut = firstAtOrAfter(state.orders, horizon, (o) => o.atMs);
  const orders = cut === 0 ? state.orders : state.orders.slice(cut);
  const invoices = dropWhere(state.invoices, (i) => invoiceExpired(i, horizon));
  const complaints = dropWhere(state.complaints, (c: ComplaintRecord) => Math.max(c.atMs, c.resolvedAtMs ?? c.atMs) < horizon);
  if (orders === state.orders && invoices === state.invoices && complaints === state.complaints) return state;
  return { ...state, orders, invoices, complaints };
}

function invoiceExpired(invoice: InvoiceRecord, horizon: number): boolean {
  if (invoice.issued) return invoice.paidAtMs !== undefined && invoice.paidAtMs < horizon;
  // A payment-only placeholder expires with its latest payment.
  return (invoice.payments.at(-1)?.atMs ?? invoice.issuedAtMs) < horizon;
}

function dropWhere<T>(items: T[], expired: (item: T) => boolean): T[] {
  return items.some(expired) ? items.filter((item) => !expired(item)) : items;
}
