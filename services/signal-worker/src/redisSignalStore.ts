import type { Redis } from "ioredis";
import type { AccountState } from "@churnwatch/engine";
import type { AlertNotification, AlertTransition } from "@churnwatch/contracts";

export interface StoredAccount {
  /** How many distinct events have been applied to this account, counted atomically with the state. */
  applied?: number;
  state: AccountState | undefined;
  /** Compare-and-set token: 0 when the account has never been written. */
  version: number;
}

export interface Commit {
  accountId: string;
  expectedVersion: number;
  state: AccountState;
  /** Event ids applied in this commit; marked seen atomically with the state. */
  eventIds: string[];
  notifications: AlertNotification[];
  /** Alert transitions for the audit history, relayed to Kafka and the per-account history. */
  transitions: AlertTransition[];
}

/** The port the processor needs: per-account state with atomic commit, dedupe and an outbox. */
export interface SignalStore {
  load(accountId: string): Promise<StoredAccount>;
  unseen(eventIds: string[]): Promise<Set<string>>;
  /** `load` and `unseen` in one round trip. */
  loadUnseen(accountId: string, eventIds: string[]): Promise<StoredAccount & { unseen: Set<string> }>;
  commit(commit: Commit): Promise<boolean>;
  accountIds(): AsyncIterable<string[]>;
}

/*
 * One Lua script makes a commit atomic: state, version bump, seen-markers and outbox entries land together
 * or not at all. A version mismatch means another writer (a sweep, a rebalanced consumer) got there first.
 * The account is also marked dirty with its new version, for the changelog relay (a Redis rebuild's source).
 * KEYS: account hash, outbox list, account index, history outbox, dirty hash, seen keys...; ARGV: expected version, state,
 * ttl, account id, number of notifications, notifications..., number of transitions, transitions...
 */
const COMMIT_SCRIPT = `
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'v', current + 1, 's', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'n', #KEYS - 5)
redis.call('SADD', KEYS[3], ARGV[4])
redis.call('HSET', KEYS[5], ARGV[4], current + 1)
for i = 6, #KEYS do redis.call('SET', KEYS[i], '1', 'EX', tonumber(ARGV[3])) end
local n = tonumber(ARGV[5])
for i = 1, n do redis.call('RPUSH', KEYS[2], ARGV[5 + i]) end
local t = tonumber(ARGV[6 + n])
for i = 1, t do redis.call('RPUSH', KEYS[4], ARGV[6 + n + i]) end
return 1
`;

export interface RedisSignalStoreOptions {
  prefix: string;
  seenTtlSeconds: number;
}

export function createRedisSignalStore(redis: Redis, options: RedisSignalStoreOptions): SignalStore & {
  keys: ReturnType<typeof keyspace>;
} {
  const keys = keyspace(options.prefix);
  const stored = ([v, s, n]: Array<string | null>): StoredAccount => ({
    version: v ? Number(v) : 0,
    applied: n ? Number(n) : 0,
    state: s ? (JSON.parse(s) as AccountState) : undefined,
  });
  return {
    keys,
    async load(accountId) {
      return stored(await redis.hmget(keys.account(accountId), "v", "s", "n"));
    },
    async loadUnseen(accountId, eventIds) {
      const pipeline = redis.pipeline().hmget(keys.account(accountId), "v", "s", "n");
      if (eventIds.length > 0) pipeline.mget(eventIds.map(keys.seen));
      const results = (await pipeline.exec()) ?? [];
      for (const [err] of results) if (err) throw err;
      const account = stored((results[0]?.[1] ?? []) as Array<string | null>);
      const flags = (results[1]?.[1] ?? []) as Array<string | null>;
      return { ...account, unseen: new Set(eventIds.filter((_, i) => flags[i] === null)) };
    },
    async unseen(eventIds) {
      if (eventIds.length === 0) return new Set();
      const flags = await redis.mget(eventIds.map(keys.seen));
      return new Set(eventIds.filter((_, i) => flags[i] === null));
    },
    async commit(c) {
      const result = await redis.eval(
        COMMIT_SCRIPT,
        5 + c.eventIds.length,
        keys.account(c.accountId),
        keys.outbox,
        keys.accountIndex,
        keys.historyOutbox,
        keys.stateDirty,
        ...c.eventIds.map(keys.seen),
        String(c.expectedVersion),
        JSON.stringify(c.state),
        String(options.seenTtlSeconds),
        c.accountId,
        String(c.notifications.length),
        ...c.notifications.map((n) => JSON.stringify(n)),
        String(c.transitions.length),
        ...c.transitions.map((t) => JSON.stringify(t)),
      );
      return result === 1;
    },
    async *accountIds() {
      let cursor = "0";
      do {
        const [next, ids] = await redis.sscan(keys.accountIndex, cursor, "COUNT", 500);
        cursor = next;
        if (ids.length > 0) yield ids;
      } while (cursor !== "0");
    },
  };
}

export function keyspace(prefix: string) {
  return {
    account: (accountId: string) => `${prefix}account:${accountId}`,
    seen: (eventId: string) => `${prefix}seen:${eventId}`,
    outbox: `${prefix}outbox`,
    historyOutbox: `${prefix}history-outbox`,
    history: (accountId: string) => `${prefix}history:${accountId}`,
    accountIndex: `${prefix}accounts`,
    /** Accounts changed since the changelog relay last ran, with their version. */
    stateDirty: `${prefix}state-dirty`,
    sweepLock: `${prefix}sweep-lock`,
  };
}
