/**
 * Accounts-receivable rows → wire events (pure): `invoice.issued` on InvoiceDate (due DueDate) and
 * `payment.received` on SettledDate, in full. The sample has days, not times, so each gets an hour in the
 * account's zone: issued at 09:00, due and settled at 17:00 — an invoice settled the day it is issued is paid
 * after it was issued, and one settled on its due day is on time (DaysLate 0 in the sample). Decisions:
 * - **Zone.** The country codes (391, 406, 770, 818, 897) match no published list, so every account is in
 *   America/New_York (the amounts are USD); region is "country <code>".
 * - **Disputed = Yes**: by default nothing is emitted (the real dispute date is unknown). With
 *   `disputes: "complaint"`, a `complaint.opened` of low severity at the due date, category
 *   "billing-dispute", its text saying the date is approximated; never resolved (no date for that either).
 * - **Tier** from invoiced value before `tierCutMs` (top 5% strategic, next 20% partner), else the whole file.
 * The sample has no orders, so the engine's purchase rules never see these accounts; use it for payment logic.
 */
import { DateTime } from "luxon";
import type { ChurnEvent, Tier } from "@churnwatch/contracts";
import { SCHEMA_VERSION } from "@churnwatch/contracts";
import { parseAmount } from "@churnwatch/engine";
import { decimalFromFloatText, placeholderOwner, sortByOccurredAt } from "../datasetWire.ts";
import { tierCounts, tiersByRevenue } from "./cutTiers.ts";
import type { CalendarDay, ReceivablesRow } from "./receivablesRows.ts";

export const RECEIVABLES_ZONE = "America/New_York";
const ISSUE_HOUR = 9;
const DUE_HOUR = 17;
export const DISPUTE_TEXT =
  "Approximated from the sample's Disputed = Yes flag: the invoice was disputed at some unknown date; placed at its due date.";

export interface ReceivablesOptions {
  tierCutMs?: number;
  disputes?: "skip" | "complaint";
}

export interface ReceivablesSummary {
  rows: number;
  accounts: number;
  invoices: number;
  payments: number;
  unsettled: number;
  disputed: number;
  disputeComplaints: number;
  badAmounts: number;
  tiers: Record<Tier, number>;
  tierBasis: string;
}

export const receivablesAccountId = (customerId: string) => `ar-${customerId}`;

/** A calendar day at an hour in the zone, as an instant with its offset. */
export function dayAt(day: CalendarDay, hour: number, zone: string): string {
  return DateTime.fromObject({ ...day, hour }, { zone }).toISO({ suppressMilliseconds: true }) as string;
}

export function convertReceivables(rows: readonly ReceivablesRow[], opts: ReceivablesOptions = {}): { events: ChurnEvent[]; summary: ReceivablesSummary } {
  const zone = RECEIVABLES_ZONE;
  const body: ChurnEvent[] = [];
  const firstAt = new Map<string, { ms: number; at: string; country: string }>();
  const revenue = new Map<string, bigint>();
  let payments = 0;
  let unsettled = 0;
  let disputed = 0;
  let disputeComplaints = 0;
  let badAmounts = 0;
  let invoices = 0;
  for (const row of rows) {
    const amount = decimalFromFloatText(row.amountText, 2);
    if (amount === null) {
      badAmounts++;
      continue;
    }
    const accountId = receivablesAccountId(row.customerId);
    const issuedAt = dayAt(row.invoiceDay, ISSUE_HOUR, zone);
    const dueAt = dayAt(row.dueDay, DUE_HOUR, zone);
    const issuedMs = Date.parse(issuedAt);
    const seen = firstAt.get(row.customerId);
    if (!seen || issuedMs < seen.ms) firstAt.set(row.customerId, { ms: issuedMs, at: issuedAt, country: row.countryCode });
    if (opts.tierCutMs === undefined || issuedMs < opts.tierCutMs) revenue.set(row.customerId, (revenue.get(row.customerId) ?? 0n) + parseAmount(amount));
    else if (!revenue.has(row.customerId)) revenue.set(row.customerId, 0n);
    const invoiceId = `ar-inv-${row.invoiceNumber}`;
    invoices++;
    body.push({ eventId: `ar-issued-${row.invoiceNumber}`, type: "invoice.issued", accountId, occurredAt: issuedAt, schemaVersion: SCHEMA_VERSION, data: { invoiceId, amount, currency: "USD", dueAt } });
    if (row.settledDay) {
      payments++;
      body.push({ eventId: `ar-paid-${row.invoiceNumber}`, type: "payment.received", accountId, occurredAt: dayAt(row.settledDay, DUE_HOUR, zone), schemaVersion: SCHEMA_VERSION, data: { invoiceId, amount } });
    } else unsettled++;
    if (row.disputed) {
      disputed++;
      if (opts.disputes === "complaint") {
        disputeComplaints++;
        body.push({
          eventId: `ar-dispute-${row.invoiceNumber}`,
          type: "complaint.opened",
          accountId,
          occurredAt: dueAt,
          schemaVersion: SCHEMA_VERSION,
          data: { complaintId: `ar-dispute-${row.invoiceNumber}`, severity: "low", category: "billing-dispute", text: DISPUTE_TEXT },
        });
      }
    }
  }
  const tiers = tiersByRevenue(revenue);
  const owner = placeholderOwner("ar-sample");
  const profiles: ChurnEvent[] = [...firstAt.entries()].map(([customerId, f]) => ({
    eventId: `ar-account-${customerId}`,
    type: "account.upserted",
    accountId: receivablesAccountId(customerId),
    occurredAt: f.at,
    schemaVersion: SCHEMA_VERSION,
    data: {
      name: `Receivables sample customer ${customerId}`,
      tier: tiers.get(customerId) ?? "ordinary",
      owner,
      region: `country ${f.country}`,
      timezone: zone,
      currency: "USD",
      locale: "en",
    },
  }));
  return {
    // Profiles first, so the stable sort keeps each before its account's first invoice at the same instant.
    events: sortByOccurredAt([...profiles, ...body]),
    summary: {
      rows: rows.length,
      accounts: firstAt.size,
      invoices,
      payments,
      unsettled,
      disputed,
      disputeComplaints,
      badAmounts,
      tiers: tierCounts(tiers.values()),
      tierBasis: opts.tierCutMs === undefined ? "invoiced value over the whole file (looks ahead)" : `invoiced value before ${new Date(opts.tierCutMs).toISOString()}`,
    },
  };
}
