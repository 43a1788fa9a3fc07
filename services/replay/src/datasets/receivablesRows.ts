/**
 * The accounts-receivable sample (IBM "Finance Factoring: late payment histories") from CSV text (pure). Dates
 * are US style M/D/YYYY, days without a time.
 */
import { csvRecords } from "../csv.ts";
import type { RejectedRow } from "./onlineRetailRows.ts";

export const RECEIVABLES_COLUMNS = [
  "countryCode",
  "customerID",
  "invoiceNumber",
  "InvoiceDate",
  "DueDate",
  "InvoiceAmount",
  "Disputed",
  "SettledDate",
] as const;

/** A calendar day, as numbers (no instant until a zone and an hour are chosen). */
export interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

export interface ReceivablesRow {
  /** A numeric code in the sample (391, 406, …) that maps to no published country list. */
  countryCode: string;
  customerId: string;
  invoiceNumber: string;
  invoiceDay: CalendarDay;
  dueDay: CalendarDay;
  settledDay: CalendarDay | null;
  amountText: string;
  disputed: boolean;
}

/** "1/26/2013" → {2013, 1, 26}; null when it is not a real date. */
export function parseUsDate(text: string): CalendarDay | null {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  if (!m) return null;
  const [month, day, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return null;
  return { year, month, day };
}

export function parseReceivables(text: string): { rows: ReceivablesRow[]; rejected: RejectedRow[] } {
  const rows: ReceivablesRow[] = [];
  const rejected: RejectedRow[] = [];
  csvRecords(text, RECEIVABLES_COLUMNS).forEach((r, i) => {
    const record = i + 1;
    const invoiceDay = parseUsDate(r.InvoiceDate);
    const dueDay = parseUsDate(r.DueDate);
    const settledDay = r.SettledDate.trim() === "" ? null : parseUsDate(r.SettledDate);
    // Ids go into account and event ids: keep to the sample's own id alphabet.
    if (!/^[A-Za-z0-9-]+$/.test(r.customerID.trim())) return rejected.push({ record, reason: `customerID ${JSON.stringify(r.customerID)} is not an id` });
    if (!/^[A-Za-z0-9-]+$/.test(r.invoiceNumber.trim())) return rejected.push({ record, reason: `invoiceNumber ${JSON.stringify(r.invoiceNumber)} is not an id` });
    if (!invoiceDay || !dueDay) return rejected.push({ record, reason: `InvoiceDate ${r.InvoiceDate} / DueDate ${r.DueDate} not M/D/YYYY` });
    if (r.SettledDate.trim() !== "" && !settledDay) return rejected.push({ record, reason: `SettledDate ${r.SettledDate} not M/D/YYYY` });
    rows.push({
      countryCode: r.countryCode.trim(),
      customerId: r.customerID.trim(),
      invoiceNumber: r.invoiceNumber.trim(),
      invoiceDay,
      dueDay,
      settledDay,
      amountText: r.InvoiceAmount.trim(),
      disputed: /^yes$/i.test(r.Disputed.trim()),
    });
    return undefined;
  });
  return { rows, rejected };
}
