import type { AlertNotification, ChurnEvent, RuleId } from "@churnwatch/contracts";
import type { EngineConfig } from "../config.ts";
import { pinnedConfig } from "./config.ts";
import { step } from "../engine.ts";
import { collectNotifications } from "../notifications.ts";
import { emptyState, type AccountState, type AlertChange } from "../state.ts";
import { DAY_MS } from "../time.ts";

export interface ReplayOptions {
  config?: EngineConfig;
  /** Tick this often (default daily) from the first event, and on until `untilMs`. */
  tickEveryMs?: number;
  untilMs?: number;
  /** Collect notifications after every step, as the live worker does once caught up. */
  live?: boolean;
  /** Serialise the state through JSON between steps, as the Redis-backed worker does. */
  viaJson?: boolean;
  state?: AccountState;
}

export interface ReplayResult {
  state: AccountState;
  changes: AlertChange[];
  notifications: AlertNotification[];
  /** The changes made by ticks alone. */
  tickChanges: AlertChange[];
}

/** Replays events in order, interleaved with daily ticks, like the replay tool would. */
export function replay(events: readonly ChurnEvent[], opts: ReplayOptions = {}): ReplayResult {
  const config = opts.config ?? pinnedConfig;
  const first = events[0];
  let state = opts.state ?? emptyState(first?.accountId ?? "acct-1");
  const changes: AlertChange[] = [];
  const tickChanges: AlertChange[] = [];
  const notifications: AlertNotification[] = [];
  const tickEvery = opts.tickEveryMs ?? DAY_MS;
  let nextTick = first ? Date.parse(first.occurredAt) + tickEvery : Number.POSITIVE_INFINITY;
  const until = opts.untilMs ?? Number.NEGATIVE_INFINITY;

  const run = (input: Parameters<typeof step>[1]) => {
    const out = step(state, input, config);
    state = opts.viaJson ? (JSON.parse(JSON.stringify(out.state)) as AccountState) : out.state;
    changes.push(...out.changes);
    if (input.kind === "tick") tickChanges.push(...out.changes);
    if (opts.live) {
      const at = input.kind === "tick" ? input.at : input.event.occurredAt;
      const collected = collectNotifications(state, config, at);
      state = collected.state;
      notifications.push(...collected.notifications);
    }
  };
  for (const event of events) {
    const t = Date.parse(event.occurredAt);
    while (nextTick <= t) {
      run({ kind: "tick", at: new Date(nextTick).toISOString() });
      nextTick += tickEvery;
    }
    run({ kind: "event", event });
  }
  while (nextTick <= until) {
    run({ kind: "tick", at: new Date(nextTick).toISOString() });
    nextTick += tickEvery;
  }
  return { state, changes, notifications, tickChanges };
}

export function changesFor(changes: readonly AlertChange[], rule: RuleId): AlertChange[] {
  return changes.filter((c) => c.alert.rule === rule);
}

/** Change types with levels, e.g. "fired:medium", skipping plain updates. */
export function lifecycle(changes: readonly AlertChange[], rule: RuleId): string[] {
  return changesFor(changes, rule)
    .filter((c) => c.type !== "updated")
    .map((c) => `${c.type}:${c.alert.level}`);
}
