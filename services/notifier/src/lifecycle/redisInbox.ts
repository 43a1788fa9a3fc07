import type { Redis } from "ioredis";
import type { AlertTransition } from "@churnwatch/contracts";
import type { DigestEffect } from "@churnwatch/policy";
import { emptyInbox, needsTicks, type AccountInbox, type EmailJobData, type InboxOutcome } from "./inbox.ts";
import { recipientKeyPart } from "./keyNames.ts";

/** What the relay moves on after a commit: an email to schedule, or an entry for the daily summary. */
export type OutboxItem = { kind: "email"; job: EmailJobData } | { kind: "digest"; entry: DigestEffect };

export function inboxKeys(prefix: string) {
  return {
    inbox: (accountId: string) => `${prefix}inbox:${accountId}`,
    /** Accounts that need clock ticks (something fires, or a resolved notice is due). */
    active: `${prefix}inbox-active`,
    /** Every account that ever had an alert: what the API lists. */
    accounts: `${prefix}inbox-accounts`,
    outbox: `${prefix}lifecycle-outbox`,
    historyOutbox: `${prefix}history-outbox`,
    /** Inboxes changed since the changelog relay last ran, with their revision. */
    inboxDirty: `${prefix}inbox-dirty`,
    /** The emails a recipient was sent on one local day, for the daily budget; named by a digest of the address. */
    budget: (recipient: string, day: string) => `${prefix}budget:${recipientKeyPart(recipient)}:${day}`,
    /** Entries kept for a recipient's daily summary of one local day; named by a digest of the address. */
    digest: (recipient: string, day: string) => `${prefix}digest:${recipientKeyPart(recipient)}:${day}`,
    /**
     * The same, as named before key names stopped carrying addresses: read (never written) for as long as
     * such a key can live (14 days), so the summaries kept before the upgrade are still sent.
     */
    legacyDigest: (recipient: string, day: string) => `${prefix}digest:${recipient}:${day}`,
    /** Daily summaries to send, scored by when they are due. */
    summariesDue: `${prefix}summaries-due`,
  };
}
export type InboxKeys = ReturnType<typeof inboxKeys>;

/**
 * KEYS: inbox hash, active set, accounts set, outbox list, history outbox list, dirty hash (changelog relay).
 * ARGV: expected revision, inbox JSON, account id, "1" if it needs ticks, number of outbox items, items...,
 * transitions... The new state, what to send and the audit land together or not at all, so a crash never
 * loses an email that was decided nor sends one that was not.
 */
const COMMIT_SCRIPT = `
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'v', current + 1, 's', ARGV[2])
redis.call('HSET', KEYS[6], ARGV[3], current + 1)
redis.call('SADD', KEYS[3], ARGV[3])
if ARGV[4] == '1' then redis.call('SADD', KEYS[2], ARGV[3]) else redis.call('SREM', KEYS[2], ARGV[3]) end
local n = tonumber(ARGV[5])
for i = 1, n do redis.call('RPUSH', KEYS[4], ARGV[5 + i]) end
for i = 6 + n, #ARGV do redis.call('RPUSH', KEYS[5], ARGV[i]) end
return 1
`;

export interface InboxStore {
  keys: InboxKeys;
  load(accountId: string): Promise<AccountInbox>;
  loadMany(accountIds: string[]): Promise<AccountInbox[]>;
  /** False when another writer committed first (the caller reloads and decides again). */
  commit(before: AccountInbox, outcome: InboxOutcome): Promise<boolean>;
  activeAccounts(): Promise<string[]>;
  allAccounts(): Promise<string[]>;
}

export function createRedisInbox(redis: Redis, prefix: string): InboxStore {
  const keys = inboxKeys(prefix);
  const parse = (accountId: string, raw: string | null | undefined): AccountInbox =>
    raw ? (JSON.parse(raw) as AccountInbox) : emptyInbox(accountId);
  return {
    keys,
    async load(accountId) {
      return parse(accountId, await redis.hget(keys.inbox(accountId), "s"));
    },
    async loadMany(accountIds) {
      if (accountIds.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const id of accountIds) pipeline.hget(keys.inbox(id), "s");
      const results = (await pipeline.exec()) ?? [];
      return accountIds.map((id, i) => {
        const [err, raw] = results[i] ?? [null, null];
        if (err) throw err;
        return parse(id, raw as string | null);
      });
    },
    async commit(before, outcome) {
      const items: OutboxItem[] = [
        ...outcome.emails.map((job) => ({ kind: "email" as const, job })),
        ...outcome.digests.map((entry) => ({ kind: "digest" as const, entry })),
      ];
      const ok = await redis.eval(
        COMMIT_SCRIPT,
        6,
        keys.inbox(before.accountId),
        keys.active,
        keys.accounts,
        keys.outbox,
        keys.historyOutbox,
        keys.inboxDirty,
        String(before.revision),
        JSON.stringify(outcome.inbox),
        before.accountId,
        needsTicks(outcome.inbox) ? "1" : "0",
        String(items.length),
        ...items.map((i) => JSON.stringify(i)),
        ...outcome.transitions.map((t: AlertTransition) => JSON.stringify(t)),
      );
      return ok === 1;
    },
    activeAccounts: () => redis.smembers(keys.active),
    allAccounts: () => redis.smembers(keys.accounts),
  };
}
