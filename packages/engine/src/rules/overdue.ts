import { formatMoney } from "../money.ts";
import { levelFor, scoreFor } from "../score.ts";
import { medianDaysLate } from "../series.ts";
import { num } from "../stats.ts";
import { DAY_MS, localDay } from "../time.ts";
import { NONE, type RuleContext, type RuleOutcome } from "./types.ts";

// No time zone is ahead of UTC by more than 14 hours (Kiribati); one more hour of margin.
const MAX_ZONE_LEAD_MS = 15 * 3_600_000;

/**
 * payments.overdue: the worst open invoice's calendar days past due (account timezone) beyond the
 * account's usual lateness (median days late of its paid invoices, never below zero).
 */
export function paymentsOverdue({ state, view, asOfMs, thresholds, maxEventIds, onlyIfFiring }: RuleContext): RuleOutcome {
  const t = thresholds["payments.overdue"];
  if (onlyIfFiring && !(view.paid.length >= t.minPaidInvoices)) return NONE;
  const tz = state.profile?.timezone;
  const usual = Math.max(0, medianDaysLate(view.paid) ?? 0);

  let worstDays: number | undefined;
  let overdueMicros = 0n;
  let overdueCount = 0;
  let partPaid = 0;
  let serious = 0;
  const ids: string[] = [];
  let today: number | undefined;
  for (const inv of view.open) {
    if (inv.dueAtMs >= asOfMs) continue;
    today ??= localDay(asOfMs, tz);
    const days = today - localDay(inv.dueAtMs, tz); // calendarDaysBetween(dueAtMs, asOfMs, tz)
    if (worstDays === undefined || days > worstDays) worstDays = days;
    // The second invoice counts past the medium threshold, or past the resolve band when nothing at all
    // has been paid on it: the open rest of a part-paid invoice is a payment plan, not an ignored bill.
    if (days - usual > t.medium || (!inv.partPaid && days - usual > t.resolve)) serious++;
    if (days - usual <= t.resolve) continue;
    overdueMicros += inv.openMicros;
    overdueCount++;
    if (inv.partPaid) partPaid++;
    ids.push(...inv.eventIds);
  }
  if (worstDays === undefined) return NONE;
  const excess = worstDays - usual;
  // One invoice paid a few weeks late is routine (a lost document, a holiday): medium needs a second one
  // (see above); a single one fires only once it is past the high threshold.
  const fires = excess > t.medium && (serious >= t.minOverdueInvoices || excess > t.high);
  if (onlyIfFiring && !fires) return NONE;
  const bands = { resolve: t.resolve, medium: t.medium, high: t.high, critical: t.critical };
  const level = levelFor(excess, bands, false);
  return {
    kind: "measured",
    eligible: view.paid.length >= t.minPaidInvoices,
    fires,
    recovered: excess <= t.resolve,
    level,
    score: scoreFor(excess, bands, level),
    evidence: [
      {
        signal: "invoices.daysPastDue",
        unit: "days",
        value: String(worstDays),
        baseline: num(usual),
        threshold: num(usual + t.medium),
      },
      { signal: "invoices.usualDaysLate", unit: "days", value: num(usual) },
      { signal: "invoices.openOverdueAmount", unit: "money", value: formatMoney(overdueMicros) },
      { signal: "invoices.openOverdueCount", unit: "count", value: String(overdueCount) },
      // Paid in part: the customer pays what it chooses to, a slip the amount alone does not show.
      ...(partPaid > 0 ? [{ signal: "invoices.partPaidCount", unit: "count", value: String(partPaid) } as const] : []),
    ],
    eventIds: [...new Set(ids)].sort().slice(0, maxEventIds),
  };
}

/**
 * Whether the rule fires depends only on which open invoices are past each of resolve, medium and high days
 * beyond the usual lateness, and more of them past only makes it likelier: so it cannot fire before one more
 * of those crossings. Calendar days are the account's; the bound takes the earliest zone on Earth.
 */
export function overdueQuietUntil({ state, view, asOfMs, thresholds }: RuleContext): number {
  const t = thresholds["payments.overdue"];
  if (!(view.paid.length >= t.minPaidInvoices)) return Number.POSITIVE_INFINITY;
  const tz = state.profile?.timezone;
  const usual = Math.max(0, medianDaysLate(view.paid) ?? 0);
  const today = localDay(asOfMs, tz);
  let until = Number.POSITIVE_INFINITY;
  for (const inv of view.open) {
    const dueDay = localDay(inv.dueAtMs, tz);
    for (const band of [t.resolve, t.medium, t.high]) {
      // Past the band once its whole calendar days exceed usual + band.
      const firstDay = dueDay + Math.floor(usual + band) + 1;
      if (inv.dueAtMs < asOfMs && today >= firstDay) continue; // past it already: it does not make the rule fire
      until = Math.min(until, firstDay * DAY_MS - MAX_ZONE_LEAD_MS);
    }
  }
  return until;
}
