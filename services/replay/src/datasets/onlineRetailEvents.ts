/**
 * UCI Online Retail II rows → wire events (pure). One `account.upserted` per customer, just before its first
 * order, and one `order.placed` per buying occasion. Decisions, each counted in the summary:
 * - **Buying occasions.** A customer's invoices on one UK calendar day are one order (the README: invoices
 *   minutes apart are one occasion, not orders one minute apart, which would shrink every usual gap between
 *   orders to nothing). The order is at the day's first invoice, named after it, with the day's summed value.
 *   `mergeSameDay: false` keeps one order per invoice.
 * - **Credit notes** (C-invoices) are skipped: returns are not complaints (returners are the active buyers)
 *   and the contract has no return event. Negating them out of order value would also be wrong for an early
 *   warning: the return says nothing about the next order.
 * - **Zero-value invoices** (free samples, 4 of them) stay orders: they are still an occasion of buying.
 * - **Tier** from revenue before `tierCutMs` (top 5% strategic, next 20% partner); without it, on the whole
 *   file, which looks ahead — the cut evaluation re-ranks tiers before each cut in any case.
 */
import type { ChurnEvent, Tier } from "@churnwatch/contracts";
import { SCHEMA_VERSION } from "@churnwatch/contracts";
import { parseAmount } from "@churnwatch/engine";
import { decimalFromFloatText, microsToDecimal, placeholderOwner, sortByOccurredAt } from "../datasetWire.ts";
import { tierCounts, tiersByRevenue } from "./cutTiers.ts";
import { UK_ZONE, type OnlineRetailRow } from "./onlineRetailRows.ts";

/** Invoice values are quantity × unit price with prices to the tenth of a penny at most. */
const AMOUNT_PLACES = 3;

export interface OnlineRetailOptions {
  /** Rank tiers on revenue before this instant (ms); undefined: on the whole file. */
  tierCutMs?: number;
  /** One order per customer and UK day (default) or per invoice. */
  mergeSameDay?: boolean;
}

export interface OnlineRetailSummary {
  rows: number;
  accounts: number;
  orders: number;
  /** Invoices folded into an earlier invoice's order of the same day. */
  invoicesMerged: number;
  creditNotesSkipped: number;
  /** Customers with credit notes only: no order, so no account. */
  creditOnlyCustomers: number;
  zeroValueOrders: number;
  /** Order rows whose amount is negative or unreadable. */
  badAmounts: number;
  tiers: Record<Tier, number>;
  tierBasis: string;
}

/** The account id: the data set's own numeric id, nothing else about the customer. */
export const onlineRetailAccountId = (customerId: string) => `uci-${customerId}`;

export function convertOnlineRetail(rows: readonly OnlineRetailRow[], opts: OnlineRetailOptions = {}): { events: ChurnEvent[]; summary: OnlineRetailSummary } {
  const merge = opts.mergeSameDay ?? true;
  let creditNotesSkipped = 0;
  let badAmounts = 0;
  let zeroValueOrders = 0;
  let invoicesMerged = 0;
  const creditCustomers = new Set<string>();

  // Occasions keyed by customer and UK day (or invoice), in time order so the first invoice names the order.
  const sorted = [...rows].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || (a.invoiceNo < b.invoiceNo ? -1 : a.invoiceNo > b.invoiceNo ? 1 : 0));
  interface Occasion {
    row: OnlineRetailRow;
    micros: bigint;
  }
  const occasions = new Map<string, Occasion>();
  for (const row of sorted) {
    if (row.kind === "credit") {
      creditNotesSkipped++;
      creditCustomers.add(row.customerId);
      continue;
    }
    const amount = decimalFromFloatText(row.amountText, AMOUNT_PLACES);
    if (amount === null) {
      badAmounts++;
      continue;
    }
    const micros = parseAmount(amount);
    if (micros === 0n) zeroValueOrders++;
    const key = merge ? `${row.customerId} ${row.localTs.slice(0, 10)}` : `${row.customerId} ${row.invoiceNo}`;
    const seen = occasions.get(key);
    if (seen) {
      seen.micros += micros;
      invoicesMerged++;
    } else occasions.set(key, { row, micros });
  }

  // Profiles: region from the customer's first order, tier from revenue before the tier cut.
  const first = new Map<string, OnlineRetailRow>();
  const revenue = new Map<string, bigint>();
  for (const { row, micros } of occasions.values()) {
    if (!first.has(row.customerId)) first.set(row.customerId, row);
    const counts = opts.tierCutMs === undefined || Date.parse(row.occurredAt) < opts.tierCutMs;
    revenue.set(row.customerId, (revenue.get(row.customerId) ?? 0n) + (counts ? micros : 0n));
  }
  const tiers = tiersByRevenue(revenue);
  const owner = placeholderOwner("uci-online-retail");
  const events: ChurnEvent[] = [];
  for (const [customerId, row] of first) {
    events.push({
      eventId: `uci-account-${customerId}`,
      type: "account.upserted",
      accountId: onlineRetailAccountId(customerId),
      occurredAt: row.occurredAt,
      schemaVersion: SCHEMA_VERSION,
      data: {
        name: `UCI Online Retail customer ${customerId}`,
        tier: tiers.get(customerId) ?? "ordinary",
        owner,
        region: row.country === "" ? "unknown" : row.country,
        timezone: UK_ZONE,
        currency: "GBP",
        locale: "en",
      },
    });
  }
  for (const { row, micros } of occasions.values()) {
    events.push({
      eventId: `uci-order-${row.invoiceNo}`,
      type: "order.placed",
      accountId: onlineRetailAccountId(row.customerId),
      occurredAt: row.occurredAt,
      schemaVersion: SCHEMA_VERSION,
      data: { orderId: `uci-inv-${row.invoiceNo}`, amount: microsToDecimal(micros), currency: "GBP" },
    });
  }
  for (const id of first.keys()) creditCustomers.delete(id);
  return {
    events: sortByOccurredAt(events),
    summary: {
      rows: rows.length,
      accounts: first.size,
      orders: occasions.size,
      invoicesMerged,
      creditNotesSkipped,
      creditOnlyCustomers: creditCustomers.size,
      zeroValueOrders,
      badAmounts,
      tiers: tierCounts(tiers.values()),
      tierBasis: opts.tierCutMs === undefined ? "revenue over the whole file (looks ahead)" : `revenue before ${new Date(opts.tierCutMs).toISOString()}`,
    },
  };
}
