import type { AccountState } from "@churnwatch/engine";

export interface CachedState {
  /** The store's version this state was read or written at. */
  version: number;
  /** The random id of the commit that wrote it: a version number repeats after a Redis loss, this does not. */
  writeId: string;
  state: AccountState;
  /** Length of the state's JSON, the measure of the memory budget. */
  size: number;
}

export interface StateCacheStats {
  entries: number;
  bytes: number;
}

/**
 * Parsed account states by account id, least recently used first out, bounded by the total size of their
 * JSON. That bound understates the heap: a state parsed from JSON takes about 1.4 times its JSON, but the states
 * held here have been stepped, and the engine's memoised views of their records live as long as they do: 2.4 to
 * 4 times the JSON in all (docs/performance.md, "100,000 accounts on today's worker"). The engine never mutates a state, so
 * handing out the cached object is safe. An entry only says "this was the state at version v": the caller
 * checks that version against the store before trusting it.
 */
export function createStateCache(maxBytes: number) {
  const entries = new Map<string, CachedState>();
  let bytes = 0;

  const remove = (accountId: string) => {
    const entry = entries.get(accountId);
    if (!entry) return;
    entries.delete(accountId);
    bytes -= entry.size;
  };

  return {
    get(accountId: string): CachedState | undefined {
      const entry = entries.get(accountId);
      if (!entry) return undefined;
      // Re-inserting moves it to the young end of the Map's insertion order.
      entries.delete(accountId);
      entries.set(accountId, entry);
      return entry;
    },
    /**
     * Keeps a state read or written at `version`. An older version never replaces a newer one: two batches of
     * one account can finish out of order, and versions only grow.
     */
    put(accountId: string, entry: CachedState): void {
      if (entry.size > maxBytes) return remove(accountId);
      const held = entries.get(accountId);
      if (held && held.version > entry.version) return;
      remove(accountId);
      entries.set(accountId, entry);
      bytes += entry.size;
      for (const [oldest, old] of entries) {
        if (bytes <= maxBytes) break;
        entries.delete(oldest);
        bytes -= old.size;
      }
    },
    /** Forgets an account's state, unless what is held is already newer than `version`. */
    drop(accountId: string, version = Number.POSITIVE_INFINITY): void {
      const held = entries.get(accountId);
      if (held && held.version <= version) remove(accountId);
    },
    stats(): StateCacheStats {
      return { entries: entries.size, bytes };
    },
  };
}

export type StateCache = ReturnType<typeof createStateCache>;
