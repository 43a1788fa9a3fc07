/**
 * The defection label at a cut, computed from the orders themselves (pure; the README of the shared data):
 * at cut C an account is **eligible** if it ordered in ≥ 4 distinct calendar months before C and at least
 * once in the 6 months before C; it **defected** if eligible and it placed no order in (C, C + H], H = 6
 * months by default. Months are calendar months in the account's zone (its profile's; UTC without one).
 */
import { DateTime } from "luxon";

export const ELIGIBLE_MIN_MONTHS = 4;
export const RECENT_MONTHS = 6;
export const DEFAULT_HORIZON_MONTHS = 6;

export interface LabelOptions {
  zone?: string;
  horizonMonths?: number;
}

export interface AccountLabel {
  eligible: boolean;
  /** Only eligible accounts can defect. */
  defected: boolean;
  /** Distinct calendar months with an order before C. */
  monthsBefore: number;
  /** An order in [C − 6 months, C). */
  recent: boolean;
  /** Orders in (C, C + H]. */
  ordersAfter: number;
}

/** `orderMs`: the account's order instants, any order, before and after the cut alike. */
export function labelAt(orderMs: readonly number[], cutMs: number, opts: LabelOptions = {}): AccountLabel {
  const zone = opts.zone ?? "UTC";
  const cut = DateTime.fromMillis(cutMs, { zone });
  const recentFrom = cut.minus({ months: RECENT_MONTHS }).toMillis();
  const horizonEnd = cut.plus({ months: opts.horizonMonths ?? DEFAULT_HORIZON_MONTHS }).toMillis();
  const months = new Set<string>();
  let recent = false;
  let ordersAfter = 0;
  for (const ms of orderMs) {
    if (ms < cutMs) {
      months.add(DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM"));
      if (ms >= recentFrom) recent = true;
    } else if (ms > cutMs && ms <= horizonEnd) ordersAfter++;
  }
  const eligible = months.size >= ELIGIBLE_MIN_MONTHS && recent;
  return { eligible, defected: eligible && ordersAfter === 0, monthsBefore: months.size, recent, ordersAfter };
}

/**
 * A cut from the command line: an ISO instant with an offset, or a bare date meaning 00:00 UTC that day (for
 * the UK data that is midnight or 01:00 local; the shop sells in office hours, so it changes no label).
 */
export function parseCut(text: string): number {
  const t = text.trim();
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(t) ? Date.parse(`${t}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T.+(Z|[+-]\d{2}:?\d{2})$/.test(t) ? Date.parse(t) : NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`a cut is a date (2011-06-10) or an ISO instant with an offset (got ${JSON.stringify(text)})`);
  return ms;
}
