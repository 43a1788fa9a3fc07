import type { ChurnEvent, Locale } from "@churnwatch/contracts";
import { rankSnapshot, type AccountState, type EngineConfig, type SnapshotEntry } from "@churnwatch/engine";
import { DedupWindow } from "./dedup.ts";
import { byFiredAt, type Episode } from "./episodes.ts";
import { UnsortedInputError } from "./order.ts";
import { AccountPartition, type PartitionOptions, type PartitionResult } from "./partition.ts";
import type { AccountInfo } from "./report.ts";
import type { Snapshot } from "@churnwatch/engine";

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
  /** Every account, in the order its first event was applied (tier and first event, for the report). */
  accounts: AccountInfo[];
  snapshot: Snapshot | undefined;
  stats: ReplayStats;
}

/**
 * Where the driver sends the work of each account: one partition in this thread (`replay`), or several in
 * worker threads (`replayInThreads`). Calls come in input order; `capture` asks for the snapshot's lines at that
 * point of it.
 */
export interface PartitionSink {
  tick(ms: number): void;
  apply(event: ChurnEvent, ms: number): void;
  capture(asOfMs: number): void;
  /** A promise to wait on before sending more, when the partitions are that far behind; otherwise undefined. */
  backlog?(): Promise<void> | undefined;
  finish(): Promise<{ results: PartitionResult[]; snapshot: SnapshotEntry[] | undefined }>;
}

/**
 * Replays events through the same pure engine the live worker runs, in event time: every event is
 * evaluated with `step`, and at each tick boundary every known account that time alone could change
 * (engine's nextWakeMs) gets a tick, so silence fires as it would live. The others' ticks would change
 * nothing, so the alerts are those of ticking every account at every boundary. Keeps only per-account
 * state, the dedup window and the alert episodes.
 */
export async function replay(
  events: AsyncIterable<ChurnEvent> | Iterable<ChurnEvent>,
  opts: ReplayOptions,
): Promise<ReplayResult & { states: Map<string, AccountState> }> {
  const partition = new AccountPartition(partitionOptions(opts));
  let snapshot: SnapshotEntry[] | undefined;
  const result = await drive(events, opts, {
    tick: (ms) => partition.tick(ms),
    apply: (event, ms) => partition.apply(event, ms),
    capture: (asOfMs) => {
      snapshot = partition.snapshotEntries(asOfMs);
    },
    finish: async () => ({ results: [partition.result()], snapshot }),
  });
  return { ...result, states: partition.states };
}

/** What every partition of a replay is given: the per-account half of its options. */
export function partitionOptions(opts: ReplayOptions): PartitionOptions {
  return { config: opts.config, locale: opts.locale ?? "en", everyTick: opts.everyTick ?? false };
}

/**
 * The input side of a replay: reads the events in order, keeps the event-time clock, the tick boundaries,
 * the dedup window and the counts, and hands the per-account work to `sink`. Ticks fall at the same boundaries
 * and events are checked against the same window whatever the sink, so the partitions see what one would.
 */
export async function drive(events: AsyncIterable<ChurnEvent> | Iterable<ChurnEvent>, opts: ReplayOptions, sink: PartitionSink): Promise<ReplayResult> {
  const { config } = opts;
  const tickMs = opts.tickMs ?? DAY_MS;
  if (!(tickMs > 0)) throw new RangeError(`tickMs must be positive (got ${tickMs})`);
  const every = opts.progressEvery ?? 10_000;
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
  // Accounts in the order their first event was applied: the order of one partition's states.
  const accountOrder = new Set<string>();
  let snapshotPending = opts.asOfMs !== undefined;
  let lastMs = -Infinity;
  let nextTickMs = Infinity;

  const captureUpTo = (ms: number) => {
    if (snapshotPending && (opts.asOfMs as number) < ms) {
      sink.capture(opts.asOfMs as number);
      snapshotPending = false;
    }
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
      sink.tick(nextTickMs);
      dedup.advance(nextTickMs);
      nextTickMs += tickMs;
      // A long gap between two events is a run of boundaries: it must wait for the partitions like events do,
      // or a year at one-minute ticks would queue half a million messages at once.
      const wait = sink.backlog?.();
      if (wait) await wait;
    }
    captureUpTo(ms);
    if (dedup.isStale(ms)) stats.stale++;
    else if (!dedup.add(event.eventId, ms)) stats.duplicates++;
    else {
      accountOrder.add(event.accountId);
      sink.apply(event, ms);
      stats.applied++;
    }
    if (ms > lastMs) lastMs = ms;
    if (opts.onProgress && stats.events % every === 0) opts.onProgress({ events: stats.events, at: event.occurredAt });
    const wait = sink.backlog?.();
    if (wait) await wait;
  }
  if (snapshotPending) sink.capture(opts.asOfMs as number);
  const { results, snapshot } = await sink.finish();

  const byId = new Map<string, PartitionResult["accounts"][number]>();
  for (const r of results) {
    stats.ticks += r.ticks;
    for (const a of r.accounts) byId.set(a.accountId, a);
  }
  const accounts: AccountInfo[] = [];
  let first = Infinity;
  for (const id of accountOrder) {
    const a = byId.get(id) as PartitionResult["accounts"][number];
    accounts.push({ accountId: a.accountId, tier: a.tier, firstEventMs: a.firstEventMs });
    if (a.firstEventAt !== undefined) first = Math.min(first, Date.parse(a.firstEventAt));
  }
  stats.accounts = accounts.length;
  if (lastMs > -Infinity) {
    stats.firstEventAt = Number.isFinite(first) ? new Date(first).toISOString() : null;
    stats.lastEventAt = new Date(lastMs).toISOString();
  }
  opts.onProgress?.({ events: stats.events, at: stats.lastEventAt ?? "" });
  const episodes = results.length === 1 ? (results[0] as PartitionResult).episodes : results.flatMap((r) => r.episodes).sort(byFiredAt);
  return {
    episodes,
    accounts,
    snapshot: snapshot === undefined ? undefined : rankSnapshot(snapshot, opts.asOfMs as number, config.version),
    stats,
  };
}
