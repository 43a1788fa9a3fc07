import type { ChurnEvent, EventOf } from "@churnwatch/contracts";
import { applyInteraction } from "./contact.ts";
import { parseAmount } from "./money.ts";
import { upsertSorted, withProps, without } from "./records.ts";
import {
  findComplaint,
  findInvoice,
  findOrder,
  type AccountState,
  type ComplaintRecord,
  type InvoiceRecord,
  type OrderRecord,
} from "./state.ts";
import { calendarDaysBetween, parseInstant, parseNewInstant, toIso } from "./time.ts";

const orderKey = (o: OrderRecord): [number, string] => [o.atMs, o.orderId];
const invoiceKey = (i: InvoiceRecord): [number, string] => [i.issuedAtMs, i.invoiceId];
const complaintKey = (c: ComplaintRecord): [number, string] => [c.atMs, c.complaintId];

/**
 * Applies one event to the account's history, copy-on-write: the input state and its records are
 * never mutated. Every handler is idempotent on the producer's id (orderId, invoiceId, complaintId,
 * interactionId, and the payment's eventId), and tolerates arriving before the event it refers to.
 */
export function applyEvent(state: AccountState, event: ChurnEvent): AccountState {
  if (event.accountId !== state.accountId) {
    throw new Error(`event ${event.eventId} is for account ${event.accountId}, not ${state.accountId}`);
  }
  const atMs = parseNewInstant(event.occurredAt);
  const at = toIso(atMs);
  const next: AccountState = {
    ...state,
    firstEventAt: state.firstEventAt === undefined || at < state.firstEventAt ? at : state.firstEventAt,
    lastEventAt: state.lastEventAt === undefined || at > state.lastEventAt ? at : state.lastEventAt,
  };
  switch (event.type) {
    case "account.upserted":
      return applyProfile(next, event, atMs);
    case "order.placed":
      return applyOrderPlaced(next, event, atMs);
    case "order.cancelled":
      return applyOrderCancelled(next, event, atMs);
    case "invoice.issued":
      return applyInvoiceIssued(next, event, atMs);
    case "payment.received":
      return applyPayment(next, event, atMs);
    case "complaint.opened":
      return applyComplaintOpened(next, event, atMs);
    case "complaint.resolved":
      return applyComplaintResolved(next, event, atMs);
    case "interaction.logged":
      return applyContact(next, event, atMs);
  }
}

function applyProfile(state: AccountState, event: EventOf<"account.upserted">, atMs: number): AccountState {
  // Last writer by event time wins; an older upsert arriving late is ignored.
  if (state.profileAt !== undefined && atMs < parseInstant(state.profileAt)) return state;
  const next = { ...state, profile: event.data, profileAt: toIso(atMs) };
  const tz = event.data.timezone;
  if (tz === state.profile?.timezone) return next;
  // Days late are calendar days in the account's timezone: recompute them once it is known.
  return { ...next, invoices: state.invoices.map((inv) => settle(inv, tz)) };
}

function noteCurrency(state: AccountState, currency: string): AccountState {
  return state.firstCurrency === undefined ? { ...state, firstCurrency: currency } : state;
}

function applyOrderPlaced(state: AccountState, event: EventOf<"order.placed">, atMs: number): AccountState {
  const { orderId, amount, currency, grossMargin, categories } = event.data;
  const existing = findOrder(state, orderId);
  if (existing?.placed) return state;
  const record: OrderRecord = {
    orderId,
    placed: true,
    atMs,
    amountMicros: parseAmount(amount).toString(),
    currency,
    cancelled: existing?.cancelled ?? false,
    eventId: event.eventId,
  };
  if (categories !== undefined) record.categories = categories;
  if (grossMargin !== undefined) record.grossMargin = grossMargin;
  if (existing?.cancelEventId !== undefined) record.cancelEventId = existing.cancelEventId;
  const at = toIso(atMs);
  const firstOrderAt = state.firstOrderAt === undefined || at < state.firstOrderAt ? at : state.firstOrderAt;
  const orders = upsertSorted(state.orders, existing, record, orderKey);
  return noteCurrency({ ...state, firstOrderAt, orders }, currency);
}

function applyOrderCancelled(state: AccountState, event: EventOf<"order.cancelled">, atMs: number): AccountState {
  const { orderId } = event.data;
  const existing = findOrder(state, orderId);
  if (existing?.cancelled) return state;
  const record: OrderRecord = existing
    ? withProps(existing, { cancelled: true, cancelEventId: event.eventId })
    : {
        orderId,
        placed: false,
        atMs,
        amountMicros: "0",
        currency: undefined,
        cancelled: true,
        eventId: undefined,
        cancelEventId: event.eventId,
      };
  return { ...state, orders: upsertSorted(state.orders, existing, record, orderKey) };
}

function applyInvoiceIssued(state: AccountState, event: EventOf<"invoice.issued">, atMs: number): AccountState {
  const { invoiceId, amount, currency, dueAt } = event.data;
  const existing = findInvoice(state, invoiceId);
  if (existing?.issued) return state;
  const record: InvoiceRecord = {
    invoiceId,
    issued: true,
    issuedAtMs: atMs,
    dueAtMs: parseNewInstant(dueAt),
    amountMicros: parseAmount(amount).toString(),
    currency,
    eventId: event.eventId,
    payments: existing?.payments ?? [],
    paidMicros: existing?.paidMicros ?? "0",
  };
  const invoices = upsertSorted(state.invoices, existing, settle(record, state.profile?.timezone), invoiceKey);
  return noteCurrency({ ...state, invoices }, currency);
}

function applyPayment(state: AccountState, event: EventOf<"payment.received">, atMs: number): AccountState {
  const { invoiceId, amount } = event.data;
  const existing = findInvoice(state, invoiceId);
  if (existing?.payments.some((p) => p.eventId === event.eventId)) return state;
  const base: InvoiceRecord = existing ?? {
    invoiceId,
    issued: false,
    issuedAtMs: atMs,
    dueAtMs: atMs,
    amountMicros: "0",
    currency: undefined,
    eventId: undefined,
    payments: [],
    paidMicros: "0",
  };
  const payment = { eventId: event.eventId, atMs, amountMicros: parseAmount(amount).toString() };
  const payments = upsertSorted(base.payments, undefined, payment, (p) => [p.atMs, p.eventId]);
  const record = settle(withProps(base, { payments }), state.profile?.timezone);
  return { ...state, invoices: upsertSorted(state.invoices, existing, record, invoiceKey) };
}

/**
 * Recomputes the paid amount, the instant cumulative payments first covered the invoice, and days
 * late. Payments are kept sorted by time, and are few per invoice.
 */
const SETTLED = ["paidAtMs", "paidEventId", "daysLate"] as const;

export function settle(invoice: InvoiceRecord, timezone: string | undefined): InvoiceRecord {
  const amount = BigInt(invoice.amountMicros);
  let paid = 0n;
  let paidAtMs: number | undefined;
  let paidEventId: string | undefined;
  if (invoice.issued && amount === 0n) paidAtMs = invoice.issuedAtMs;
  for (const p of invoice.payments) {
    paid += BigInt(p.amountMicros);
    if (invoice.issued && paidAtMs === undefined && paid >= amount) {
      paidAtMs = p.atMs;
      paidEventId = p.eventId;
    }
  }
  const next = without(invoice, SETTLED) as InvoiceRecord;
  next.paidMicros = paid.toString();
  if (paidAtMs !== undefined) {
    next.paidAtMs = paidAtMs;
    if (paidEventId !== undefined) next.paidEventId = paidEventId;
    next.daysLate = calendarDaysBetween(invoice.dueAtMs, paidAtMs, timezone);
  }
  return next;
}

function applyComplaintOpened(state: AccountState, event: EventOf<"complaint.opened">, atMs: number): AccountState {
  const { complaintId, severity, category } = event.data;
  const existing = findComplaint(state, complaintId);
  if (existing?.opened) return state;
  // The complaint text stays out of state: it is large and the engine does not read it.
  const record: ComplaintRecord = { complaintId, opened: true, atMs, severity, category, eventId: event.eventId };
  if (existing?.resolvedAtMs !== undefined) record.resolvedAtMs = existing.resolvedAtMs;
  if (existing?.resolveEventId !== undefined) record.resolveEventId = existing.resolveEventId;
  if (existing?.satisfaction !== undefined) record.satisfaction = existing.satisfaction;
  return { ...state, complaints: upsertSorted(state.complaints, existing, record, complaintKey) };
}

function applyComplaintResolved(state: AccountState, event: EventOf<"complaint.resolved">, atMs: number): AccountState {
  const { complaintId, satisfaction } = event.data;
  const existing = findComplaint(state, complaintId);
  if (existing?.resolvedAtMs !== undefined) return state;
  const base: ComplaintRecord = existing ?? {
    complaintId,
    opened: false,
    atMs,
    severity: "low",
    category: "",
    eventId: undefined,
  };
  const record: ComplaintRecord = withProps(base, { resolvedAtMs: atMs, resolveEventId: event.eventId });
  if (satisfaction !== undefined) record.satisfaction = satisfaction;
  return { ...state, complaints: upsertSorted(state.complaints, existing, record, complaintKey) };
}

function applyContact(state: AccountState, event: EventOf<"interaction.logged">, atMs: number): AccountState {
  const contact = applyInteraction(state.contact, event, atMs);
  return contact === state.contact || contact === undefined ? state : { ...state, contact };
}
