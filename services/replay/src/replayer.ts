import type { ChurnEvent, Locale } from "@churnwatch/contracts";
import { emptyState, nextWakeMs, step, type AccountState, type AlertChange, type EngineConfig, type EngineInput } from "@churnwatch/engine";
import { DedupWindow } from "./dedup.ts";
import { EpisodeTracker, type Episode } from "./episodes.ts";
import { UnsortedInputError } from "./order.ts";
import { takeSnapshot, type Snapshot } from "./snapshot.ts";

export const DAY_MS = 86_400_000;

export interface ReplayProgress {
  events: number;
  /** Event time reached. */
  at: string;
}

export interface ReplayOptions {
  config: EngineConfig;
  /** Timer period in event time; ticks fall on multiples of it since the epoch (UTC midnights for a day). */
  tickMs?: number;
  /** Also capture a snapshot of every account at this instant of event time. */
  asOfMs?: number;
  locale?: Locale;
  /**
   * An event earlier than one already replayed: "apply" it late (the engine never moves its clock back,
   * so it is judged at the later time), or "throw" UnsortedInputError so the caller can sort and retry.
   */
  onUnsorted?: "apply" | "throw";
  /**
   * Tick every account at every boundary, as before ticks followed the engine's nextWakeMs: slower, with
   * the same results; the reference that the ticks left out are tested against.
   */
  everyTick?: boolean;
  onProgress?: (p: ReplayProgress) => void;
  progressEvery?: number;
}

export interface ReplayStats {
  /** Valid events read. */
  events: number;
  applied: number;
  duplicates: number;
  /** Events older than the retention window behind the clock: the engine would prune them at once. */
  stale: number;
  outOfOrder: number;
  ticks: number;
  accounts: number;
  firstEventAt: string | null;
  lastEventAt: string | null;
}

export interface ReplayResult {
  episodes: Episode[];
  states: Map<string, AccountState>;
  snapshot: Snapshot | undefined;
  stats: ReplayStats;
}

/**
 * Replays events through the same pure engine the live worker runs, in event time: every event is
 * evaluated with `step`, and at each tick boundary every known account that time alone could change
 * (engine's nextWakeMs) gets a tick, so silence fires as it would live. The others' ticks would change
 * nothing, so the alerts are those of ticking every account at every boundary. Keeps only per-account
 * state, the dedup window and the alert episodes.
 */
export async function replay(events: AsyncIterable<ChurnEvent> | Iterable<ChurnEvent>, opts: ReplayOptions): Promise<ReplayResult> {
  const { config } = opts;
  const tickMs = opts.tickMs ?? DAY_MS;
  if (!(tickMs > 0)) throw new RangeError(`tickMs must be positive (got ${tickMs})`);
  const every = opts.progressEvery ?? 10_000;
  const states = new Map<string, AccountState>();
  const tracker = new EpisodeTracker(config.version, opts.locale ?? "en");
  const dedup = new DedupWindow(config.retentionDays);
  const stats: ReplayStats = {
    events: 0,
    applied: 0,
    duplicates: 0,
    stale: 0,
    outOfOrder: 0,
    ticks: 0,
    accounts: 0,
    firstEventAt: null,
    lastEventAt: null,
  };
  let snapshot: Snapshot | undefined;
  let snapshotPending = opts.asOfMs !== undefined;
  let lastMs = -Infinity;
  let nextTickMs = Infinity;

  // Per account, the instant before which no tick can change it (nextWakeMs): ticks before it are left out.
  const wakes = new Map<string, number>();
  let lastTickMs = -Infinity;
  // Accounts first seen since that boundary: no tick reached them, left out or not.
  const newSinceTick = new Set<string>();
  const record = (accountId: string, state: AccountState, changes: AlertChange[]) => {
    states.set(accountId, state);
    wakes.set(accountId, nextWakeMs(state, config));
    for (const c of changes) tracker.apply(c, accountId, state.profile?.tier);
  };
  const run = (accountId: string, state: AccountState, input: EngineInput) => {
    const result = step(state, input, config);
    record(accountId, result.state, result.changes);
  };
  const captureUpTo = (ms: number) => {
    if (snapshotPending && (opts.asOfMs as number) < ms) {
      snapshot = takeSnapshot(states.values(), opts.asOfMs as number, config);
      snapshotPending = false;
    }
  };
  const tickAll = (ms: number) => {
    const at = new Date(ms).toISOString();
    for (const [accountId, state] of states) {
      if (state.clock === at || (!opts.everyTick && (wakes.get(accountId) as number) > ms)) continue;
      run(accountId, state, { kind: "tick", at });
      stats.ticks++;
    }
    lastTickMs = ms;
    newSinceTick.clear();
    dedup.advance(ms);
  };

  for await (const event of events) {
    stats.events++;
    const ms = Date.parse(event.occurredAt);
    if (ms < lastMs) {
      if (opts.onUnsorted === "throw") throw new UnsortedInputError(event.eventId, event.occurredAt, new Date(lastMs).toISOString());
      stats.outOfOrder++;
    }
    if (nextTickMs === Infinity) nextTickMs = (Math.floor(ms / tickMs) + 1) * tickMs;
    while (nextTickMs <= ms) {
      captureUpTo(nextTickMs);
      tickAll(nextTickMs);
      nextTickMs += tickMs;
    }
    captureUpTo(ms);
    if (dedup.isStale(ms)) stats.stale++;
    else if (!dedup.add(event.eventId, ms)) stats.duplicates++;
    else {
      let state = states.get(event.accountId);
      if (state === undefined) {
        state = emptyState(event.accountId);
        newSinceTick.add(event.accountId);
      } else if (ms < lastTickMs && !newSinceTick.has(event.accountId) && state.clock !== undefined && Date.parse(state.clock) < lastTickMs) {
        // A late event is judged at the clock, which every tick would have moved to the last boundary:
        // make up the tick left out (nothing could change at it), so that the event is judged the same.
        run(event.accountId, state, { kind: "tick", at: new Date(lastTickMs).toISOString() });
        stats.ticks++;
        state = states.get(event.accountId) as AccountState;
      }
      run(event.accountId, state, { kind: "event", event });
      stats.applied++;
    }
    if (ms > lastMs) lastMs = ms;
    if (opts.onProgress && stats.events % every === 0) opts.onProgress({ events: stats.events, at: event.occurredAt });
  }
  if (snapshotPending) snapshot = takeSnapshot(states.values(), opts.asOfMs as number, config);
  stats.accounts = states.size;
  if (lastMs > -Infinity) {
    let first = Infinity;
    for (const s of states.values()) if (s.firstEventAt) first = Math.min(first, Date.parse(s.firstEventAt));
    stats.firstEventAt = Number.isFinite(first) ? new Date(first).toISOString() : null;
    stats.lastEventAt = new Date(lastMs).toISOString();
  }
  opts.onProgress?.({ events: stats.events, at: stats.lastEventAt ?? "" });
  return { episodes: tracker.episodes(), states, snapshot, stats };
}
