import { inAccountCurrency, type AccountState, type ComplaintRecord, type OrderRecord } from "./state.ts";

export interface OrderView {
  atMs: number;
  /** 0n when the order is in another currency than the account's: it counts, but adds no money. */
  micros: bigint;
  eventId: string | undefined;
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
  eventIds: string[];
}

/** The history projected once per evaluation, so the rules share one pass. */
export interface View {
  /** Placed, not cancelled, sorted by time (state keeps orders sorted). */
  orders: OrderView[];
  /** Cancelled orders at their placement time, sorted: they moved the purchase signal too. */
  cancellations: CancellationView[];
  paid: PaidInvoiceView[];
  open: OpenInvoiceView[];
  complaints: ComplaintRecord[];
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

export function buildView(state: AccountState): View {
  const orders: OrderView[] = [];
  const cancellations: CancellationView[] = [];
  for (const o of state.orders) {
    if (!o.placed) continue;
    if (o.cancelled) {
      cancellations.push({ atMs: o.atMs, eventId: o.cancelEventId });
      continue;
    }
    const micros = inAccountCurrency(state, o.currency) ? orderMicros(o) : 0n;
    orders.push({ atMs: o.atMs, micros, eventId: o.eventId });
  }

  const paid: PaidInvoiceView[] = [];
  const open: OpenInvoiceView[] = [];
  for (const inv of state.invoices) {
    if (!inv.issued) continue;
    if (inv.paidAtMs !== undefined) {
      paid.push({ paidAtMs: inv.paidAtMs, daysLate: inv.daysLate ?? 0, eventId: inv.eventId, paidEventId: inv.paidEventId });
      continue;
    }
    const remaining = BigInt(inv.amountMicros) - BigInt(inv.paidMicros);
    const eventIds = [inv.eventId, ...inv.payments.map((p) => p.eventId)].filter((id): id is string => id !== undefined);
    open.push({ dueAtMs: inv.dueAtMs, openMicros: inAccountCurrency(state, inv.currency) ? remaining : 0n, eventIds });
  }

  const complaints = state.complaints.filter((c) => c.opened);
  return { orders, cancellations, paid, open, complaints };
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
