/**
 * From order instants to the BG/NBD's buying occasions and a buyer's (x, tx, T) summary.
 */
import { DateTime, IANAZone } from "luxon";
import type { BuyerSummary } from "./bgnbd.ts";

const DAY_MS = 86_400_000;

/**
 * Turn timestamps into buying occasions: all orders on one local calendar day (IANA timezone) are one occasion.
 * Several orders minutes apart are one visit, not a burst of repeat buying, and counting them apart would
 * inflate x and shrink the fitted gaps.
 *
 * Returns **epoch day numbers** of the local calendar dates, ascending and without repeats: the local date
 * Y-M-D becomes Date.UTC(Y, M-1, D) / 86,400,000 (1970-01-01 is 0). They are a calendar, not instants, so
 * differences between them are whole days even across a daylight-saving change.
 */
export function buyingDays(instantsMs: readonly number[], timezone: string): number[] {
  if (!IANAZone.isValidZone(timezone)) throw new RangeError(`${JSON.stringify(timezone)} is not an IANA timezone`);
  const days = new Set<number>();
  for (const ms of instantsMs) {
    if (!Number.isFinite(ms)) throw new RangeError(`not an instant: ${ms}`);
    const local = DateTime.fromMillis(ms, { zone: timezone });
    days.add(Date.UTC(local.year, local.month - 1, local.day) / DAY_MS);
  }
  return [...days].sort((u, v) => u - v);
}

/**
 * The summary of a buyer whose occasions (ascending, e.g. from buyingDays) all fall before `now`, on the same
 * scale as `now` (epoch days from buyingDays, and then `now` is the epoch day that has just begun). `unit`
 * rescales the result: 7 gives weeks from days.
 */
export function summarizeOccasions(occasions: readonly number[], now: number, unit = 1): BuyerSummary {
  const first = occasions[0];
  const last = occasions[occasions.length - 1];
  if (first === undefined || last === undefined) throw new RangeError("a buyer needs at least one occasion");
  if (last > now) throw new RangeError(`occasion ${last} is after now (${now})`);
  for (let i = 1; i < occasions.length; i++) {
    if ((occasions[i] as number) <= (occasions[i - 1] as number)) throw new RangeError("occasions must be strictly ascending");
  }
  if (!(unit > 0)) throw new RangeError(`unit must be positive, got ${unit}`);
  return { x: occasions.length - 1, tx: (last - first) / unit, T: (now - first) / unit };
}
