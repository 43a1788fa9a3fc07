import type { EventOf } from "@churnwatch/contracts";
import { compareKey } from "./records.ts";
import { median } from "./stats.ts";
import { DAY_MS } from "./time.ts";

/**
 * How many contacts an account's state keeps: enough for a usual gap (the median of 11 gaps) and a run of
 * unanswered calls well past any threshold, few enough that the state stays small however long it runs.
 */
export const KEPT_INTERACTIONS = 12;

/** One logged contact, as the engine keeps it: no person, no note (personal data, and unused). */
export interface InteractionRecord {
  interactionId: string;
  atMs: number;
  inbound: boolean;
  /** false for an outbound contact the customer did not respond to; absent when the producer did not say. */
  answered?: boolean;
  eventId: string;
}

/**
 * The account's contact facts. A set function of the interactions seen (not of their order or how often
 * they came): `recent` is the latest KEPT_INTERACTIONS by (time, id) and the instants are maxima, so a late or
 * re-delivered interaction lands where it would have been. Absent until the first interaction, so accounts
 * that log none keep exactly the state they had before contacts were a signal.
 */
export interface ContactState {
  /** Sorted by (atMs, interactionId), at most KEPT_INTERACTIONS. */
  recent: InteractionRecord[];
  /** Latest contact the customer initiated, ever. */
  lastInboundMs?: number;
  /** Latest contact that reached the customer (inbound, or outbound not marked unanswered), ever. */
  lastReachedMs?: number;
}

/** Whether the contact reached the customer: an unanswered call or email is an attempt, not a contact. */
export const reached = (i: InteractionRecord): boolean => i.inbound || i.answered !== false;

export function applyInteraction(contact: ContactState | undefined, event: EventOf<"interaction.logged">, atMs: number): ContactState | undefined {
  const { interactionId, direction, answered } = event.data;
  const recent = contact?.recent ?? [];
  if (recent.some((i) => i.interactionId === interactionId)) return contact;
  const record: InteractionRecord = { interactionId, atMs, inbound: direction === "inbound", eventId: event.eventId };
  if (answered !== undefined && direction === "outbound") record.answered = answered;
  const oldest = recent[0];
  const full = recent.length >= KEPT_INTERACTIONS;
  // Older than everything kept in a full ring: the latest contacts are unchanged, only the maxima may move
  // (an interaction dropped earlier, re-delivered, lands here too and changes nothing).
  const older = full && oldest !== undefined && compareKey(atMs, interactionId, oldest.atMs, oldest.interactionId) < 0;
  const nextRecent = older ? recent : insert(recent, record).slice(-KEPT_INTERACTIONS);
  const next: ContactState = { recent: nextRecent };
  const lastInboundMs = later(contact?.lastInboundMs, record.inbound ? atMs : undefined);
  const lastReachedMs = later(contact?.lastReachedMs, reached(record) ? atMs : undefined);
  if (lastInboundMs !== undefined) next.lastInboundMs = lastInboundMs;
  if (lastReachedMs !== undefined) next.lastReachedMs = lastReachedMs;
  if (contact && nextRecent === recent && lastInboundMs === contact.lastInboundMs && lastReachedMs === contact.lastReachedMs) return contact;
  return next;
}

function insert(items: readonly InteractionRecord[], record: InteractionRecord): InteractionRecord[] {
  const out = items.slice();
  let at = out.length;
  while (at > 0 && compareKey((out[at - 1] as InteractionRecord).atMs, (out[at - 1] as InteractionRecord).interactionId, record.atMs, record.interactionId) > 0) at--;
  out.splice(at, 0, record);
  return out;
}

function later(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

/**
 * Outbound contacts in a row the customer did not answer, since the latest that reached it (an inbound
 * contact or an outbound one not marked unanswered ends the run), counted over the contacts kept: at most
 * KEPT_INTERACTIONS, far past any threshold.
 */
export function unansweredInRow(contact: ContactState): number {
  let n = 0;
  for (let i = contact.recent.length - 1; i >= 0 && !reached(contact.recent[i] as InteractionRecord); i--) n++;
  return n;
}

/**
 * The usual gap in days between the contacts kept that reached the customer: the median of their
 * consecutive gaps. Undefined below two such contacts.
 */
export function usualContactGapDays(contact: ContactState): number | undefined {
  const gaps: number[] = [];
  let prev: number | undefined;
  for (const c of contact.recent) {
    if (!reached(c)) continue;
    if (prev !== undefined) gaps.push((c.atMs - prev) / DAY_MS);
    prev = c.atMs;
  }
  return median(gaps);
}
