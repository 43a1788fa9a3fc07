import type { ChurnEvent, Locale } from "@churnwatch/contracts";
import {
  emptyState,
  nextWakeMs,
  step,
  takeSnapshotEntries,
  type AccountState,
  type AlertChange,
  type EngineConfig,
  type EngineInput,
  type SnapshotEntry,
} from "@churnwatch/engine";
import { EpisodeTracker, type Episode } from "./episodes.ts";
import { accountInfo, type AccountInfo } from "./report.ts";

export interface PartitionOptions {
  config: EngineConfig;
  locale: Locale;
  /** Tick every account at every boundary (the reference for the ticks left out); see ReplayOptions. */
  everyTick: boolean;
}

/** What a partition hands back at the end of the input. */
export interface PartitionResult {
  /** Its episodes, ordered as EpisodeTracker orders them. */
  episodes: Episode[];
  /** Its accounts, in the order it first applied an event of each. */
  accounts: Array<AccountInfo & { firstEventAt: string | undefined }>;
  ticks: number;
}

/**
 * The per-account half of a replay: the states, ticks and alert episodes of the accounts it is given. The
 * replay's driver (replayer.ts) reads the input and keeps what spans accounts (the event-time clock, the tick
 * boundaries, duplicates); it hands a partition every event of its accounts, and every boundary, in input
 * order. Accounts never read each other's state, so a partition judges its accounts exactly as a replay that
 * holds them all: which is what lets the accounts be split across threads.
 */
export class AccountPartition {
  readonly states = new Map<string, AccountState>();
  /** Per account, the instant before which no tick can change it (engine nextWakeMs): ticks before it are left out. */
  private readonly wakes = new Map<string, number>();
  /** Accounts first seen since the last boundary: no tick reached them, left out or not. */
  private readonly newSinceTick = new Set<string>();
  private readonly tracker: EpisodeTracker;
  private lastTickMs = -Infinity;
  ticks = 0;

  constructor(private readonly opts: PartitionOptions) {
    this.tracker = new EpisodeTracker(opts.config.version, opts.locale);
  }

  /** A tick boundary: every account that time alone could change gets a tick at `ms`. */
  tick(ms: number): void {
    const at = new Date(ms).toISOString();
    for (const [accountId, state] of this.states) {
      if (state.clock === at || (!this.opts.everyTick && (this.wakes.get(accountId) as number) > ms)) continue;
      this.run(accountId, state, { kind: "tick", at });
      this.ticks++;
    }
    this.lastTickMs = ms;
    this.newSinceTick.clear();
  }

  /** An event to apply (not a duplicate, not stale: the driver has checked), occurring at `ms`. */
  apply(event: ChurnEvent, ms: number): void {
    let state = this.states.get(event.accountId);
    if (state === undefined) {
      state = emptyState(event.accountId);
      this.newSinceTick.add(event.accountId);
    } else if (ms < this.lastTickMs && !this.newSinceTick.has(event.accountId) && state.clock !== undefined && Date.parse(state.clock) < this.lastTickMs) {
      // A late event is judged at the clock, which every tick would have moved to the last boundary:
      // make up the tick left out (nothing could change at it), so that the event is judged the same.
      this.run(event.accountId, state, { kind: "tick", at: new Date(this.lastTickMs).toISOString() });
      this.ticks++;
      state = this.states.get(event.accountId) as AccountState;
    }
    this.run(event.accountId, state, { kind: "event", event });
  }

  /** Its accounts' lines of the snapshot at `asOfMs`, taken on copies: the replay goes on unchanged. */
  snapshotEntries(asOfMs: number): SnapshotEntry[] {
    return takeSnapshotEntries(this.states.values(), asOfMs, this.opts.config);
  }

  result(): PartitionResult {
    const accounts = [...this.states.values()].map((s) => ({ ...accountInfo(s), firstEventAt: s.firstEventAt }));
    return { episodes: this.tracker.episodes(), accounts, ticks: this.ticks };
  }

  private run(accountId: string, state: AccountState, input: EngineInput): void {
    const result = step(state, input, this.opts.config);
    this.record(accountId, result.state, result.changes);
  }

  private record(accountId: string, state: AccountState, changes: AlertChange[]): void {
    this.states.set(accountId, state);
    this.wakes.set(accountId, nextWakeMs(state, this.opts.config));
    for (const c of changes) this.tracker.apply(c, accountId, state.profile?.tier);
  }
}
