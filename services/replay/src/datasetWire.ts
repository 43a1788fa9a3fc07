/**
 * What the real-data converters share when they build wire events (pure): the placeholder people the contract
 * requires, exact decimal amounts, and the sort into event time.
 */
import type { ChurnEvent } from "@churnwatch/contracts";

/**
 * The data sets name no account managers, but `account.upserted` needs an owner. One made-up person, on a
 * reserved domain (RFC 2606) so nothing can ever be sent to it, and the same in every run.
 */
export function placeholderOwner(dataset: string): { name: string; email: string } {
  return { name: `${dataset} placeholder owner`, email: `owner+${dataset}@churnwatch.example` };
}

/**
 * A money figure from a CSV written by a float formatter ("15.299999999999999") as an exact decimal string
 * rounded to `places` (at least as many places as the source really has). Negative or malformed figures
 * return null: the caller decides whether that skips the row.
 */
export function decimalFromFloatText(text: string, places: number): string | null {
  const x = Number(text.trim());
  if (text.trim() === "" || !Number.isFinite(x) || x < 0) return null;
  const scale = 10 ** places;
  const units = Math.round(x * scale);
  if (!Number.isSafeInteger(units)) return null;
  const whole = Math.floor(units / scale);
  const frac = (units % scale).toString().padStart(places, "0").replace(/0+$/, "");
  return frac === "" ? String(whole) : `${whole}.${frac}`;
}

/**
 * Events in event time. Stable, so an account's profile placed before its first order at the same instant stays
 * first (the engine needs the profile's tier and currency when the order arrives).
 */
export function sortByOccurredAt(events: ChurnEvent[]): ChurnEvent[] {
  const keyed = events.map((event, i) => ({ event, ms: Date.parse(event.occurredAt), i }));
  keyed.sort((a, b) => a.ms - b.ms || a.i - b.i);
  return keyed.map((k) => k.event);
}

/** Exact micro-units as the contract's decimal string, trailing zeros dropped ("1250.5", "0"). */
export function microsToDecimal(micros: bigint): string {
  const whole = micros / 1_000_000n;
  const frac = (micros % 1_000_000n).toString().padStart(6, "0").replace(/0+$/, "");
  return frac === "" ? whole.toString() : `${whole}.${frac}`;
}
