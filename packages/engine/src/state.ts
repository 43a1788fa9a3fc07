import type { AccountProfile, Evidence, Level, RuleId, Severity } from "@churnwatch/contracts";
import type { ContactState } from "./contact.ts";

/**
 * Per-account engine state. Plain JSON: the live worker keeps it in Redis and the replay tool in
 * memory. Record times are epoch millis (`*Ms`, hot path); top-level instants are normalised UTC ISO.
 * Money is integer micro-units as decimal strings (`*Micros`). History lives in arrays sorted by time
 * and carrying the producer's ids (lookups by id make re-delivered events idempotent): copying and
 * pruning an array is far cheaper per step than an object with thousands of keys.
 */
export interface AccountState {
  accountId: string;
  /** The store's compare-and-set version lives beside the state, never inside it. */
  version?: never;
  profile: AccountProfile | undefined;
  /** occurredAt of the profile applied, so an older upsert arriving late does not win. */
  profileAt: string | undefined;
  /** Currency of the first money event, used while no profile has arrived. */
  firstCurrency: string | undefined;
  /** Max instant seen (events and ticks): the evaluation clock. */
  clock: string | undefined;
  firstEventAt: string | undefined;
  lastEventAt: string | undefined;
  /** Earliest order ever seen; survives pruning so baselines know how long the history is. */
  firstOrderAt: string | undefined;
  /**
   * Buying occasions (local days with an order) pruned from `orders`: the purchase model counts every
   * occasion since the first, so an old account's frequency survives the retention. Absent while none is.
   */
  prunedOccasions?: number;
  /** Sorted by (atMs, orderId). */
  orders: OrderRecord[];
  /** Sorted by (issuedAtMs, invoiceId). */
  invoices: InvoiceRecord[];
  /** Sorted by (atMs, complaintId). */
  complaints: ComplaintRecord[];
  /**
   * Logged contacts (interaction.logged), as a few bounded facts (contact.ts). Absent until the first one:
   * most accounts log none, and their state must stay byte for byte what it was.
   */
  contact?: ContactState;
  alerts: Partial<Record<RuleId, AlertRecord>>;
}

export interface OrderRecord {
  orderId: string;
  /** false while only the cancellation has been seen (events can arrive out of order). */
  placed: boolean;
  /** Placement time, or the cancellation time for a cancellation-only placeholder. */
  atMs: number;
  amountMicros: string;
  currency: string | undefined;
  cancelled: boolean;
  categories?: string[];
  grossMargin?: number;
  eventId: string | undefined;
  cancelEventId?: string;
}

export interface PaymentRecord {
  /** The payment event's id: partial payments add up, re-deliveries do not. */
  eventId: string;
  atMs: number;
  amountMicros: string;
}

export interface InvoiceRecord {
  invoiceId: string;
  /** false while only payments have been seen. */
  issued: boolean;
  issuedAtMs: number;
  dueAtMs: number;
  amountMicros: string;
  currency: string | undefined;
  eventId: string | undefined;
  payments: PaymentRecord[];
  paidMicros: string;
  /** When cumulative payments first reached the amount. */
  paidAtMs?: number;
  paidEventId?: string;
  /** Calendar days from due to paid in the account's timezone; negative when early. */
  daysLate?: number;
}

export interface ComplaintRecord {
  complaintId: string;
  /** false while only the resolution has been seen. */
  opened: boolean;
  atMs: number;
  severity: Severity;
  category: string;
  eventId: string | undefined;
  resolvedAtMs?: number;
  resolveEventId?: string;
  satisfaction?: number;
}

export interface AlertRecord {
  alertId: string;
  rule: RuleId;
  level: Level;
  score: number;
  firedAt: string;
  lastEvaluatedAt: string;
  evidence: Evidence[];
  eventIds: string[];
  announcedLevel?: Level;
  /** Set while the signal is past its fire threshold but the pending period has not run out. */
  pendingSince?: string;
  /** Set while the signal has recovered but keep-firing holds the alert open. */
  recoveringSince?: string;
}

export interface AlertChange {
  type: "fired" | "escalated" | "updated" | "resolved";
  alert: AlertRecord;
  at: string;
}

export function emptyState(accountId: string): AccountState {
  return {
    accountId,
    profile: undefined,
    profileAt: undefined,
    firstCurrency: undefined,
    clock: undefined,
    firstEventAt: undefined,
    lastEventAt: undefined,
    firstOrderAt: undefined,
    orders: [],
    invoices: [],
    complaints: [],
    alerts: {},
  };
}

/** The currency money sums are made in: the profile's, else the first one seen. */
export function accountCurrency(state: AccountState): string | undefined {
  return state.profile?.currency ?? state.firstCurrency;
}

/** Whether a record's money may be added to the account's sums (unknown currencies are assumed to match). */
export function inAccountCurrency(state: AccountState, currency: string | undefined): boolean {
  const own = accountCurrency(state);
  return own === undefined || currency === undefined || currency === own;
}

export function findOrder(state: AccountState, orderId: string): OrderRecord | undefined {
  return findLast(state.orders, (o) => o.orderId === orderId);
}

export function findInvoice(state: AccountState, invoiceId: string): InvoiceRecord | undefined {
  return findLast(state.invoices, (i) => i.invoiceId === invoiceId);
}

export function findComplaint(state: AccountState, complaintId: string): ComplaintRecord | undefined {
  return findLast(state.complaints, (c) => c.complaintId === complaintId);
}

// Late events mostly refer to recent records, so search from the end.
function findLast<T>(items: readonly T[], match: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as T;
    if (match(item)) return item;
  }
  return undefined;
}
