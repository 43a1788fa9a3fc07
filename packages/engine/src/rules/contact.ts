import type { Evidence, Level } from "@churnwatch/contracts";
import type { ContactThresholds } from "../config.ts";
import { unansweredInRow, usualContactGapDays, type ContactState } from "../contact.ts";
import { levelFor, maxLevel, scoreFor, type Bands } from "../score.ts";
import { changePct, num, optionalPct } from "../stats.ts";
import { DAY_MS } from "../time.ts";
import { BOUND_SLACK_MS, NONE, type RuleContext, type RuleOutcome } from "./types.ts";

/**
 * contact.silence ("no contact, no response", 失去联系, domain brief §3): the account has been out of touch
 * longer than both three of its own usual gaps between contacts and its tier's visiting routine, or it has
 * left several outbound contacts in a row unanswered. Silence counts from the latest contact that reached the
 * customer: an unanswered call is an attempt, which the second condition counts. Judged only on accounts that
 * log contacts (at least `minInteractions`): one that sends none is not silent, its CRM is just not connected.
 */
export function contactSilence(ctx: RuleContext): RuleOutcome {
  const { state, asOfMs, thresholds, onlyIfFiring } = ctx;
  const contact = state.contact;
  if (contact === undefined) return NONE;
  const t = thresholds["contact.silence"];
  const eligible = contact.recent.length >= t.minInteractions;
  const unanswered = unansweredInRow(contact);
  const silence = silenceOf(contact, t);
  const ratio = silence === undefined ? 0 : (asOfMs - silence.lastMs) / DAY_MS / silence.unit;
  const silent = ratio > t.medium;
  const ignored = unanswered >= t.unansweredMedium;
  if (onlyIfFiring && !(eligible && (silent || ignored))) return NONE;
  const bands: Bands = { resolve: t.resolve, medium: t.medium, high: t.high, critical: t.critical };
  const callBands: Bands = { resolve: 1, medium: t.unansweredMedium, high: t.unansweredHigh, critical: t.unansweredCritical };
  const silenceLevel: Level = levelFor(ratio, bands, false);
  const callLevel: Level = levelFor(unanswered, callBands, true);
  // The worse of the two signs sets the level; a sign that does not fire adds nothing to it.
  const level = silent && ignored ? maxLevel(silenceLevel, callLevel) : silent ? silenceLevel : callLevel;
  const score = Math.max(scoreFor(ratio, bands, silent ? silenceLevel : "medium"), scoreFor(unanswered, callBands, ignored ? callLevel : "medium"));
  const evidence: Evidence[] = [];
  if (silence !== undefined) {
    const days = (asOfMs - silence.lastMs) / DAY_MS;
    evidence.push({
      signal: "contact.daysSinceLast",
      unit: "days",
      value: num(days),
      ...(silence.usualGap === undefined ? {} : { baseline: num(silence.usualGap), ...optionalPct(changePct(days, silence.usualGap)) }),
      threshold: num(silence.unit * t.medium),
    });
  }
  evidence.push({ signal: "contact.unanswered", unit: "count", value: String(unanswered), threshold: String(t.unansweredMedium) });
  if (contact.lastInboundMs !== undefined) {
    evidence.push({ signal: "contact.daysSinceInbound", unit: "days", value: num((asOfMs - contact.lastInboundMs) / DAY_MS) });
  }
  return {
    kind: "measured",
    eligible,
    fires: silent || ignored,
    recovered: ratio < t.resolve && !ignored,
    level,
    score,
    evidence,
    // The unanswered run and the contact before it: what the account manager would look up.
    eventIds: contact.recent.slice(-Math.min(unanswered + 1, ctx.maxEventIds)).map((i) => i.eventId),
  };
}

/**
 * Where silence counts from and its unit in days: the usual gap between contacts, floored at the routine's
 * share of the medium multiple, so the medium threshold is never under the tier's visiting routine. Undefined
 * when no contact ever reached the customer (then only the unanswered run speaks).
 */
function silenceOf(contact: ContactState, t: ContactThresholds): { lastMs: number; usualGap: number | undefined; unit: number } | undefined {
  if (contact.lastReachedMs === undefined) return undefined;
  const usualGap = usualContactGapDays(contact);
  return { lastMs: contact.lastReachedMs, usualGap, unit: Math.max(usualGap ?? 0, t.routineDays / t.medium) };
}

/**
 * The unanswered run moves only with events; silence fires at a fixed instant, `medium` units after the latest
 * contact that reached the customer. Neither moves before the account has logged enough contacts.
 */
export function contactQuietUntil(ctx: RuleContext): number {
  const contact = ctx.state.contact;
  const t = ctx.thresholds["contact.silence"];
  if (contact === undefined || contact.recent.length < t.minInteractions) return Number.POSITIVE_INFINITY;
  if (unansweredInRow(contact) >= t.unansweredMedium) return ctx.asOfMs;
  const silence = silenceOf(contact, t);
  if (silence === undefined) return Number.POSITIVE_INFINITY;
  return silence.lastMs + t.medium * silence.unit * DAY_MS - BOUND_SLACK_MS;
}
