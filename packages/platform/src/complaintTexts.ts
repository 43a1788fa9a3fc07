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
 * state leaves text out. One transaction for every account the events belong to. Idempotent (a redelivery
 * rewrites the same fields).
 */
export async function keepComplaintTexts(redis: Redis, signalKeyPrefix: string, events: readonly ChurnEvent[]): Promise<void> {
  const byAccount = new Map<string, string[]>();
  for (const e of events) {
    if (e.type !== "complaint.opened") continue;
    const { category, severity, text } = e.data;
    const value: ComplaintText = { category, severity, text: text.slice(0, MAX_CHARS), at: e.occurredAt };
    const fields = byAccount.get(e.accountId) ?? [];
    fields.push(e.eventId, JSON.stringify(value));
    byAccount.set(e.accountId, fields);
  }
  if (byAccount.size === 0) return;
  const transaction = redis.multi();
  for (const [accountId, fields] of byAccount) {
    const key = complaintTextsKey(signalKeyPrefix, accountId);
    transaction.hset(key, ...fields).expire(key, TTL_SECONDS);
  }
  const results = (await transaction.exec()) ?? [];
  for (const [err] of results) if (err) throw err;
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
