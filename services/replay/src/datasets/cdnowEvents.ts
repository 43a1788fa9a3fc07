/**
 * CDNOW rows as the project's wire events: one `account.upserted` per customer, then one `order.placed` per
 * row. CDNOW gives dates only, so an order is placed at local noon in New York (CDNOW's home), plus one minute
 * per earlier order of the same customer that day: a day never spills into the next in any nearby zone, and
 * two orders of one day keep their file order.
 */
import type { ChurnEvent, EventOf } from "@churnwatch/contracts";
import { DateTime } from "luxon";
import type { CdnowRow } from "./cdnow.ts";

export const CDNOW_TIMEZONE = "America/New_York";

// Only ~550 distinct dates and a few minute offsets recur across 70,000 rows: memoised, as zone maths is slow.
const localTimes = new Map<string, string>();

/** `date` at local midnight in New York plus `minutes`, as ISO with the offset of that instant. */
function localTime(date: string, minutes: number): string {
  const key = `${date}|${minutes}`;
  const hit = localTimes.get(key);
  if (hit !== undefined) return hit;
  const midnight = DateTime.fromObject(
    { year: Number(date.slice(0, 4)), month: Number(date.slice(4, 6)), day: Number(date.slice(6, 8)) },
    { zone: CDNOW_TIMEZONE },
  );
  const iso = midnight.plus({ minutes }).toISO({ suppressMilliseconds: true });
  if (!midnight.isValid || iso === null) throw new RangeError(`cannot place ${date} in ${CDNOW_TIMEZONE}`);
  localTimes.set(key, iso);
  return iso;
}

const NOON = 12 * 60;

/**
 * The events of all rows, each customer's account first (at the start of their first day), then their
 * orders; sorted by instant (stable), as a replay reads them. Ids are deterministic: `cdnow-<customer>` for
 * the account, `cdnow-<customer>-<date>-<n>` (n = 1, 2, … within the day) for an order and its event.
 */
export function cdnowEvents(rows: Iterable<CdnowRow>): ChurnEvent[] {
  const list = [...rows];
  // YYYYMMDD strings compare as dates. The account goes at the start of the customer's earliest day, so it
  // precedes all their orders even if the file were not sorted by date.
  const firstDate = new Map<string, string>();
  for (const row of list) {
    const seen = firstDate.get(row.customerId);
    if (seen === undefined || row.date < seen) firstDate.set(row.customerId, row.date);
  }
  const events: { at: number; event: ChurnEvent }[] = [];
  const seenCustomers = new Set<string>();
  const perDay = new Map<string, number>();
  for (const row of list) {
    const accountId = `cdnow-${row.customerId}`;
    if (!seenCustomers.has(accountId)) {
      seenCustomers.add(accountId);
      const occurredAt = localTime(firstDate.get(row.customerId) ?? row.date, 0);
      const account: EventOf<"account.upserted"> = {
        eventId: `${accountId}-account`,
        type: "account.upserted",
        accountId,
        occurredAt,
        schemaVersion: 1,
        data: {
          name: `CDNOW customer ${row.customerId}`,
          tier: "ordinary",
          owner: { name: "Unassigned", email: "unassigned@example.com" },
          region: "US",
          timezone: CDNOW_TIMEZONE,
          currency: "USD",
          locale: "en",
        },
      };
      events.push({ at: Date.parse(occurredAt), event: account });
    }
    const dayKey = `${accountId}-${row.date}`;
    const n = (perDay.get(dayKey) ?? 0) + 1;
    perDay.set(dayKey, n);
    const orderId = `${dayKey}-${n}`;
    const occurredAt = localTime(row.date, NOON + n - 1);
    const order: EventOf<"order.placed"> = {
      eventId: orderId,
      type: "order.placed",
      accountId,
      occurredAt,
      schemaVersion: 1,
      data: { orderId, amount: row.dollars, currency: "USD" },
    };
    events.push({ at: Date.parse(occurredAt), event: order });
  }
  // Stable: an account (midnight) and orders of one instant keep their order.
  events.sort((u, v) => u.at - v.at);
  return events.map((e) => e.event);
}
