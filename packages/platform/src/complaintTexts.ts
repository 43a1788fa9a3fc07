import type { Redis } from "ioredis";
import type { ChurnEvent } from "@churnwatch/contracts";

/** A year and a bit: long enough for any complaint a live alert can cite. */
const TTL_SECONDS = 400 * 24 * 3600;
const MAX_CHARS = 2_000;

export interface ComplaintText {
  category: string;
  severity: string;
  /** Untrusted, as the customer wrote it (cut to length): whoever shows it escapes it. */
  text: string;
  at: string;
}

/** The signal worker's hash of complaint texts for one account, by complaint event id. */
export const complaintTextsKey = (signalKeyPrefix: string, accountId: string): string => `${signalKeyPrefix}complaint-text:${accountId}`;

/**
 * Keeps the text of opened complaints so an alert email can quote what the customer wrote; the engine's
 * state leaves text out. Idempotent (a redelivery rewrites the same fields).
 */
export async function keepComplaintTexts(redis: Redis, signalKeyPrefix: string, accountId: string, events: readonly ChurnEvent[]): Promise<void> {
  const fields: string[] = [];
  for (const e of events) {
    if (e.type !== "complaint.opened") continue;
    const { category, severity, text } = e.data;
    const value: ComplaintText = { category, severity, text: text.slice(0, MAX_CHARS), at: e.occurredAt };
    fields.push(e.eventId, JSON.stringify(value));
  }
  if (fields.length === 0) return;
  const key = complaintTextsKey(signalKeyPrefix, accountId);
  await redis.multi().hset(key, ...fields).expire(key, TTL_SECONDS).exec();
}

/** The texts of the given complaint events that are known, newest first, at most `limit`. */
export async function readComplaintTexts(redis: Redis, signalKeyPrefix: string, accountId: string, eventIds: readonly string[], limit = 3): Promise<ComplaintText[]> {
  if (eventIds.length === 0) return [];
  const raw = await redis.hmget(complaintTextsKey(signalKeyPrefix, accountId), ...eventIds);
  return raw
    .filter((r): r is string => r !== null)
    .map((r) => JSON.parse(r) as ComplaintText)
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
    .slice(0, limit);
}
