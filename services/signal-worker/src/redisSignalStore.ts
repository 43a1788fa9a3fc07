import { randomBytes } from "node:crypto";
import type { Redis, Result } from "ioredis";
import type { AccountState } from "@churnwatch/engine";
import type { AlertNotification, AlertTransition } from "@churnwatch/contracts";
import type { StateCache } from "./stateCache.ts";
import { keyspace, type SignalKeys } from "./signalKeys.ts";

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
  /** When a sweep must next tick the account (engine `nextWakeMs`); Infinity: only new events can change it. */
  wakeMs: number;
}

/** A sweep tick that changed nothing worth a write still moves the account's wake, if the state is still current. */
export interface WakeUpdate {
  accountId: string;
  /** The version the tick was computed on: a state written since has set its own wake. */
  version: number;
  wakeMs: number;
}

export interface LoadedAccount {
  state: AccountState | undefined;
  version: number;
  /** The event ids asked about that are not marked seen. */
  unseen: Set<string>;
  /** The state came from this process's cache, checked against the stored version and write id. */
  cached: boolean;
}

/** The port the processor needs: per-account state with atomic commit, dedupe and an outbox. */
export interface SignalStore {
  load(accountId: string): Promise<StoredAccount>;
  /** Many accounts' states and which of their event ids are new, in one round trip, in the order asked. */
  loadMany(requests: Array<{ accountId: string; eventIds: string[] }>): Promise<LoadedAccount[]>;
  /**
   * Commits many accounts in one round trip, each atomic and compare-and-set on its own: one account's
   * conflict (false) does not hold back the others.
   */
  commitMany(commits: Commit[]): Promise<boolean[]>;
  /** Moves the wakes of accounts a sweep ticked without writing them, each only if its version still stands. */
  setWakes(updates: WakeUpdate[]): Promise<void>;
  /** Accounts whose wake is at or before `nowMs`: the ones a sweep must tick. */
  dueAccounts(nowMs: number): Promise<string[]>;
  accountIds(): AsyncIterable<string[]>;
}

/*
 * One Lua script makes a commit atomic: state, version bump, seen-markers and outbox entries land together
 * or not at all. A version mismatch means another writer (a sweep, a rebalanced consumer) got there first.
 * The account is also marked dirty with its new version, for the changelog relay (a Redis rebuild's source).
 * Each commit also stores a random write id ('w'), which the state cache checks along with the version (see
 * LOAD_SCRIPT).
 * The account's wake (when a sweep must next tick it) is set in the same step, so it always matches the state.
 * KEYS: account hash, outbox list, account index, history outbox, dirty hash, wake index, the account's seen keys
 * (named in signalKeys.ts)...; ARGV: expected version, state, ttl, account id, number of notifications,
 * notifications..., number of transitions, transitions..., write id, wake (epoch ms, or 'none')
 */
const COMMIT_SCRIPT = `
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then return 0 end
local n = tonumber(ARGV[5])
local t = tonumber(ARGV[6 + n])
redis.call('HSET', KEYS[1], 'v', current + 1, 's', ARGV[2], 'w', ARGV[7 + n + t])
redis.call('HINCRBY', KEYS[1], 'n', #KEYS - 6)
redis.call('SADD', KEYS[3], ARGV[4])
redis.call('HSET', KEYS[5], ARGV[4], current + 1)
local wake = ARGV[8 + n + t]
if wake == 'none' then redis.call('ZREM', KEYS[6], ARGV[4]) else redis.call('ZADD', KEYS[6], wake, ARGV[4]) end
for i = 7, #KEYS do redis.call('SET', KEYS[i], '1', 'EX', tonumber(ARGV[3])) end
for i = 1, n do redis.call('RPUSH', KEYS[2], ARGV[5 + i]) end
for i = 1, t do redis.call('RPUSH', KEYS[4], ARGV[6 + n + i]) end
return 1
`;

/** KEYS: account hash, wake index; ARGV: the version the wake was computed on, account id, wake (or 'none'). */
const WAKE_SCRIPT = `
if tonumber(redis.call('HGET', KEYS[1], 'v') or '0') ~= tonumber(ARGV[1]) then return 0 end
if ARGV[3] == 'none' then redis.call('ZREM', KEYS[2], ARGV[2]) else redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2]) end
return 1
`;

const wakeArg = (wakeMs: number): string => (Number.isFinite(wakeMs) ? String(Math.ceil(wakeMs)) : "none");

/**
 * Reads what a batch needs of one account: the state, unless the caller already holds it parsed as stored. The
 * version alone cannot say so: after a Redis loss, versions start again from 0 and another worker's third write
 * is not the third write this cache saw. The random write id of each commit tells them apart.
 * KEYS[1]: account hash; ARGV[1]: the version held (-1: none), ARGV[2]: its write id. Returns {v} or {v, s, w}.
 */
const LOAD_SCRIPT = `
local held = redis.call('HMGET', KEYS[1], 'v', 'w')
if held[1] and held[2] and tonumber(held[1]) == tonumber(ARGV[1]) and held[2] == ARGV[2] then return {held[1]} end
return redis.call('HMGET', KEYS[1], 'v', 's', 'w')
`;

declare module "ioredis" {
  interface RedisCommander<Context> {
    signalCommit(numKeys: number, ...keysAndArgs: string[]): Result<number, Context>;
    signalWake(accountKey: string, wakeKey: string, version: string, accountId: string, wake: string): Result<number, Context>;
    signalLoad(key: string, heldVersion: string, heldWriteId: string): Result<Array<string | null>, Context>;
  }
}

export interface RedisSignalStoreOptions {
  prefix: string;
  seenTtlSeconds: number;
  /**
   * Also honour the old global markers (`seen:<eventId>`), so an event applied before the per-account layout
   * and delivered again after the upgrade is still a duplicate. Off once SEEN_TTL_DAYS have passed since the
   * upgrade: every old marker has expired by then, and each load asks Redis for half as many keys.
   */
  readLegacySeen?: boolean;
  /**
   * Parsed states kept in this process, checked against the stored version and write id on every load: a hit skips the
   * transfer and `JSON.parse` of the state. Without it every load reads the state.
   */
  cache?: StateCache;
}

export function createRedisSignalStore(redis: Redis, options: RedisSignalStoreOptions): SignalStore & {
  keys: SignalKeys;
} {
  const keys = keyspace(options.prefix);
  const cache = options.cache;
  // Sent as EVALSHA once a connection has the script (ioredis loads it, and again after a NOSCRIPT).
  redis.defineCommand("signalCommit", { lua: COMMIT_SCRIPT });
  redis.defineCommand("signalLoad", { lua: LOAD_SCRIPT, numberOfKeys: 1 });
  redis.defineCommand("signalWake", { lua: WAKE_SCRIPT, numberOfKeys: 2 });
  const stored = ([v, s, n]: Array<string | null>): StoredAccount => ({
    version: v ? Number(v) : 0,
    applied: n ? Number(n) : 0,
    state: s ? (JSON.parse(s) as AccountState) : undefined,
  });
  const commitArgs = (c: Commit, stateJson: string, writeId: string): [number, ...string[]] => [
    6 + c.eventIds.length,
    keys.account(c.accountId),
    keys.outbox,
    keys.accountIndex,
    keys.historyOutbox,
    keys.stateDirty,
    keys.wake,
    ...c.eventIds.map((eventId) => keys.seen(c.accountId, eventId)),
    String(c.expectedVersion),
    stateJson,
    String(options.seenTtlSeconds),
    c.accountId,
    String(c.notifications.length),
    ...c.notifications.map((n) => JSON.stringify(n)),
    String(c.transitions.length),
    ...c.transitions.map((t) => JSON.stringify(t)),
    writeId,
    wakeArg(c.wakeMs),
  ];
  /** The cache follows every commit: the new state on success, nothing on a conflict (it is stale). */
  const remember = (c: Commit, stateJson: string, writeId: string, committed: boolean) => {
    if (committed) cache?.put(c.accountId, { version: c.expectedVersion + 1, writeId, state: c.state, size: stateJson.length });
    else cache?.drop(c.accountId, c.expectedVersion);
  };

  return {
    keys,
    async load(accountId) {
      return stored(await redis.hmget(keys.account(accountId), "v", "s", "n"));
    },
    async loadMany(requests) {
      const pipeline = redis.pipeline();
      const held = requests.map((r) => cache?.get(r.accountId));
      requests.forEach((r, i) => pipeline.signalLoad(keys.account(r.accountId), String(held[i]?.version ?? -1), held[i]?.writeId ?? ""));
      // One marker per (account, event): the same event id on two accounts is two events. During the
      // transition the old global marker of each event is asked too, right after the new ones.
      const asked = requests.flatMap((r) => r.eventIds.map((eventId) => keys.seen(r.accountId, eventId)));
      const legacy = options.readLegacySeen ? requests.flatMap((r) => r.eventIds.map(keys.legacySeen)) : [];
      if (asked.length > 0) pipeline.mget([...asked, ...legacy]);
      const results = (await pipeline.exec()) ?? [];
      for (const [err] of results) if (err) throw err;
      const flags = (asked.length > 0 ? results[requests.length]?.[1] : []) as Array<string | null>;
      const isSeen = (at: number) => flags[at] !== null || (legacy.length > 0 && flags[asked.length + at] !== null);
      // The flags follow the requests' order: each account's ids are judged by their own markers.
      let at = 0;
      const unseenOf = requests.map((r) => {
        const fresh = new Set<string>();
        for (const eventId of r.eventIds) if (!isSeen(at++)) fresh.add(eventId);
        return fresh;
      });
      return requests.map((r, i) => {
        const [v, s, w] = (results[i]?.[1] ?? []) as Array<string | null | undefined>;
        const version = v ? Number(v) : 0;
        const hit = held[i];
        let state: AccountState | undefined;
        if (hit && s === undefined) {
          state = hit.state; // the script left the state out: the one held is current
        } else if (s) {
          state = JSON.parse(s) as AccountState;
          // A state written without a write id (by an older worker) is never cached: it could not be checked.
          if (w) cache?.put(r.accountId, { version, writeId: w, state, size: s.length });
          else cache?.drop(r.accountId);
        } else {
          cache?.drop(r.accountId); // the account is gone (a test or an operator removed it)
        }
        return { version, state, unseen: unseenOf[i] ?? new Set<string>(), cached: hit !== undefined && s === undefined };
      });
    },
    async commitMany(commits) {
      if (commits.length === 0) return [];
      const pipeline = redis.pipeline();
      const states = commits.map((c) => JSON.stringify(c.state));
      const writeIds = commits.map(() => randomBytes(9).toString("base64url"));
      commits.forEach((c, i) => pipeline.signalCommit(...commitArgs(c, states[i] as string, writeIds[i] as string)));
      const results = (await pipeline.exec()) ?? [];
      // A failed command leaves the others' outcome standing; the error itself must still surface.
      const outcome = commits.map((c, i) => {
        const [err, result] = results[i] ?? [new Error("no reply")];
        const committed = !err && result === 1;
        remember(c, states[i] as string, writeIds[i] as string, committed);
        return err ?? committed;
      });
      const failure = outcome.find((o): o is Error => o instanceof Error);
      if (failure) throw failure;
      return outcome as boolean[];
    },
    async setWakes(updates) {
      if (updates.length === 0) return;
      const pipeline = redis.pipeline();
      for (const u of updates) pipeline.signalWake(keys.account(u.accountId), keys.wake, String(u.version), u.accountId, wakeArg(u.wakeMs));
      for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
    },
    async dueAccounts(nowMs) {
      return redis.zrangebyscore(keys.wake, "-inf", String(nowMs));
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
