import { groupNotifications, type AlertNotification, type AlertTransition, type ChurnEvent } from "@churnwatch/contracts";
import {
  collectNotifications,
  emptyState,
  record,
  resolvedNotification,
  step,
  type AccountState,
  type AlertChange,
  type EngineConfig,
  type EngineInput,
} from "@churnwatch/engine";
import type { SignalStore } from "./redisSignalStore.ts";

export interface ProcessOutcome {
  applied: number;
  duplicates: number;
  notifications: number;
}

export interface AccountProcessorDeps {
  store: SignalStore;
  config: () => EngineConfig;
  /** Decides whether notifications may be sent for what was just applied (caught up, event recent). */
  isLive: (lastInputAt: string) => boolean;
  maxAttempts?: number;
  /** Keeps complaint texts for alert emails (the engine's state leaves them out). */
  keepComplaintTexts?: (accountId: string, complaints: ChurnEvent[]) => Promise<void>;
}

/** The engine threw on an input: a bug or an input it cannot handle, never worth retrying as is. */
export class EngineError extends Error {
  override readonly name = "EngineError";
}

export class ConcurrentUpdateError extends Error {
  override readonly name = "ConcurrentUpdateError";
}

/**
 * Applies inputs to one account with optimistic concurrency: load, run the pure engine, commit with
 * compare-and-set. A conflict (a sweep or another consumer wrote in between) reloads and recomputes, so an
 * event is never lost and never counted twice.
 */
export function createAccountProcessor(deps: AccountProcessorDeps) {
  const maxAttempts = deps.maxAttempts ?? 20;

  async function run(accountId: string, inputs: EngineInput[], eventIds: string[], lastInputAt: string) {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      // One round trip for both: which events are new, and the state they apply to.
      const { unseen: fresh, ...stored } = await deps.store.loadUnseen(accountId, eventIds);
      const pending = inputs.filter((i) => i.kind === "tick" || fresh.has(i.event.eventId));
      const freshIds = eventIds.filter((id) => fresh.has(id));
      if (pending.length === 0) return { applied: 0, duplicates: eventIds.length, notifications: 0 };

      const config = deps.config();
      // History (not yet caught up, or old events) is recorded without judging it; see engine `record`.
      const live = deps.isLive(lastInputAt);
      let state: AccountState = stored.state ?? emptyState(accountId);
      let changes = 0;
      const transitions: AlertTransition[] = [];
      const resolved: AlertNotification[] = [];
      for (const input of pending) {
        if (!live && input.kind === "event") {
          state = safely(input, () => record(state, input.event, config));
          continue;
        }
        const result = safely(input, () => step(state, input, config));
        state = result.state;
        changes += result.changes.length;
        const cause = input.kind === "tick" ? "sweep" : `event ${input.event.eventId}`;
        for (const change of result.changes) {
          if (change.type !== "updated") transitions.push(toTransition(accountId, change, cause, config.version));
          if (change.type === "resolved") {
            const notice = resolvedNotification(state, change.alert, config, change.at);
            if (notice) resolved.push(notice);
          }
        }
      }
      let notifications: ReturnType<typeof collectNotifications>["notifications"] = [];
      if (live) {
        ({ state, notifications } = collectNotifications(state, config, lastInputAt));
        // The policy hears about every change of the evaluation together, so one email can carry them all.
        notifications = groupNotifications([...notifications, ...resolved]);
      }
      // A quiet tick changes nothing worth a write; skipping it keeps sweeps cheap.
      if (freshIds.length === 0 && changes === 0 && notifications.length === 0) {
        return { applied: 0, duplicates: 0, notifications: 0 };
      }
      const committed = await deps.store.commit({
        accountId,
        expectedVersion: stored.version,
        state,
        eventIds: freshIds,
        notifications,
        transitions,
      });
      if (committed) {
        return { applied: freshIds.length, duplicates: eventIds.length - freshIds.length, notifications: notifications.length };
      }
    }
    throw new ConcurrentUpdateError(`account ${accountId}: ${maxAttempts} concurrent updates in a row`);
  }

  return {
    /** Applies a run of events of one account, in the order given; already-seen event ids are skipped. */
    async applyEvents(accountId: string, events: ChurnEvent[]): Promise<ProcessOutcome> {
      // Before the state commit, and idempotent: a redelivery rewrites the same texts, a crash loses none.
      await deps.keepComplaintTexts?.(accountId, events.filter((e) => e.type === "complaint.opened"));
      const unique = new Map(events.map((e) => [e.eventId, e] as const));
      const inputs: EngineInput[] = [...unique.values()].map((event) => ({ kind: "event", event }));
      const last = latest(events.map((e) => e.occurredAt));
      const outcome = await run(accountId, inputs, [...unique.keys()], last);
      return { ...outcome, duplicates: outcome.duplicates + (events.length - unique.size) };
    },
    /** Advances an account's clock to `at` (wall-clock sweeps find silence this way). */
    async tick(accountId: string, at: string): Promise<ProcessOutcome> {
      return run(accountId, [{ kind: "tick", at }], [], at);
    },
  };
}

export type AccountProcessor = ReturnType<typeof createAccountProcessor>;

/** The audit record of one engine change; its id is derived from what happened, so a replay rewrites the same id. */
function toTransition(accountId: string, change: AlertChange, cause: string, configVersion: string): AlertTransition {
  const { alert } = change;
  return {
    transitionId: `${alert.alertId}:${change.type}:${alert.level}:${Date.parse(change.at)}`,
    alertId: alert.alertId,
    accountId,
    rule: alert.rule,
    type: change.type as AlertTransition["type"],
    level: alert.level,
    score: alert.score,
    at: change.at,
    cause,
    actor: "engine",
    configVersion,
  };
}

function safely<T>(input: EngineInput, run: () => T): T {
  try {
    return run();
  } catch (err) {
    const what = input.kind === "event" ? `event ${input.event.eventId}` : `tick at ${input.at}`;
    throw new EngineError(`engine failed on ${what}: ${(err as Error).message}`, { cause: err });
  }
}

function latest(isoTimes: string[]): string {
  let best = isoTimes[0] ?? new Date(0).toISOString();
  let bestMs = Date.parse(best);
  for (const t of isoTimes) {
    const ms = Date.parse(t);
    if (ms > bestMs) [best, bestMs] = [t, ms];
  }
  return best;
}
