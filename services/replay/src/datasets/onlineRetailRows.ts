/**
 * UCI Online Retail II rows (the shared data's invoices_even_customers file) from CSV text, and its UK local
 * times as instants (pure).
 */
import { DateTime } from "luxon";
import { csvRecords } from "../csv.ts";

export const UK_ZONE = "Europe/London";
export const ONLINE_RETAIL_COLUMNS = ["ts", "customer_id", "event_type", "invoice_no", "amount", "lines", "units", "country"] as const;

export interface OnlineRetailRow {
  /** As in the file: UK local wall-clock time, "YYYY-MM-DD HH:mm:ss". */
  localTs: string;
  /** The instant, ISO 8601 with the UK offset of that day (+00:00 or +01:00). */
  occurredAt: string;
  customerId: string;
  kind: "order" | "credit";
  invoiceNo: string;
  /** As written (a float formatter's text: "15.299999999999999"); negative for credit notes. */
  amountText: string;
  country: string;
}

export interface RejectedRow {
  record: number;
  reason: string;
}

/**
 * A UK wall-clock time as an instant with its offset. In the spring gap (01:00–02:00 on the last Sunday of
 * March, which does not exist) luxon moves the time forward by the hour; in the autumn overlap (01:00–02:00
 * twice) it takes the second, winter-time (+00:00), reading. The shop's invoices fall in office hours, so neither
 * happens in the data; they are defined here so no row is ever dropped for it.
 */
export function ukLocalToInstant(localTs: string): string {
  const dt = DateTime.fromFormat(localTs.trim(), localTs.trim().length === 16 ? "yyyy-MM-dd HH:mm" : "yyyy-MM-dd HH:mm:ss", { zone: UK_ZONE });
  if (!dt.isValid) throw new RangeError(`not a "YYYY-MM-DD HH:mm:ss" time: ${JSON.stringify(localTs)} (${dt.invalidExplanation ?? dt.invalidReason ?? "invalid"})`);
  return dt.toISO({ suppressMilliseconds: true }) as string;
}

const EVENT_KINDS: Record<string, OnlineRetailRow["kind"]> = { order_placed: "order", credit_note_return: "credit" };

/** Parses the file's text; rows that cannot be read are returned as rejected (with why), never silently lost. */
export function parseOnlineRetail(text: string): { rows: OnlineRetailRow[]; rejected: RejectedRow[] } {
  const rows: OnlineRetailRow[] = [];
  const rejected: RejectedRow[] = [];
  csvRecords(text, ONLINE_RETAIL_COLUMNS).forEach((r, i) => {
    const record = i + 1;
    const kind = EVENT_KINDS[r.event_type.trim()];
    const customerId = r.customer_id.trim();
    if (kind === undefined) return rejected.push({ record, reason: `unknown event_type ${JSON.stringify(r.event_type)}` });
    // The account id is built from it: digits only, as in the data set, so nothing else leaks into ids.
    if (!/^\d+$/.test(customerId)) return rejected.push({ record, reason: `customer_id ${JSON.stringify(r.customer_id)} is not numeric` });
    if (r.invoice_no.trim() === "") return rejected.push({ record, reason: "invoice_no is empty" });
    let occurredAt: string;
    try {
      occurredAt = ukLocalToInstant(r.ts);
    } catch (err) {
      return rejected.push({ record, reason: (err as Error).message });
    }
    rows.push({ localTs: r.ts.trim(), occurredAt, customerId, kind, invoiceNo: r.invoice_no.trim(), amountText: r.amount.trim(), country: r.country.trim() });
    return undefined;
  });
  return { rows, rejected };
}
