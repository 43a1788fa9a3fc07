import type { ChurnEvent } from "@churnwatch/contracts";
import { emptyState, nextWakeMs, type EngineConfig, type EngineInput } from "@churnwatch/engine";
import { EngineError, evaluateInputs } from "./accountEvaluation.ts";
import type { Commit, LoadedAccount, SignalStore, WakeUpdate } from "./redisSignalStore.ts";

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
  /**
   * Accounts loaded and committed per round trip. A catch-up batch can hold a thousand accounts; taking them
   * a slice at a time keeps the states in flight (each loaded, computed and serialized) to a bounded memory.
   */
  accountsPerRound?: number;
  /** Keeps complaint texts for alert emails (the engine's state leaves them out), for many accounts at once. */
  keepComplaintTexts?: (complaints: ChurnEvent[]) => Promise<void>;
  /** Hears how many loads the state cache answered, per round. */
  onLoaded?: (stats: { accounts: number; cached: number }) => void;
}

export class ConcurrentUpdateError extends Error {
  override readonly name = "ConcurrentUpdateError";
}

/** One account's share of a batch: its inputs in order, and the ids of the events among them. */
interface Job {
  accountId: string;
  inputs: EngineInput[];
  eventIds: string[];
  lastInputAt: string;
}

/** Per account: what was done, or the engine's refusal of its inputs (which the caller dead-letters). */
export type AccountOutcome = ProcessOutcome | EngineError;

type Plan = { done: AccountOutcome; wake?: WakeUpdate } | { commit: Commit; outcome: ProcessOutcome };

/**
 * Applies inputs to accounts with optimistic concurrency, a whole batch of accounts at a time: one round trip
 * loads every account (state and seen-markers), the pure engine runs, one round trip commits every account
 * with compare-and-set. Accounts whose commit met a conflict (a sweep or another consumer wrote in between)
 * are loaded and computed again, so an event is never lost and never counted twice.
 */
export function createAccountProcessor(deps: AccountProcessorDeps) {
  const maxAttempts = deps.maxAttempts ?? 20;
  const accountsPerRound = deps.accountsPerRound ?? 100;

  /** The pure part: what to commit for one loaded account, or why nothing needs committing. */
  function plan(job: Job, stored: LoadedAccount): Plan {
    const fresh = stored.unseen;
    const pending = job.inputs.filter((i) => i.kind === "tick" || fresh.has(i.event.eventId));
    const freshIds = job.eventIds.filter((id) => fresh.has(id));
    if (pending.length === 0) return { done: { applied: 0, duplicates: job.eventIds.length, notifications: 0 } };
    const config = deps.config();
    const live = deps.isLive(job.lastInputAt);
    let evaluation;
    let wakeMs;
    try {
      evaluation = evaluateInputs(stored.state ?? emptyState(job.accountId), pending, { live, config, evaluatedAt: job.lastInputAt });
      // Stored with the state, so a sweep ticks only the accounts that time alone may have changed. History is
      // recorded without judging it, so a sweep must judge it: due at once.
      wakeMs = live ? nextWakeMs(evaluation.state, config) : 0;
    } catch (err) {
      if (err instanceof EngineError) return { done: err };
      throw err;
    }
    const { state, changes, transitions, notifications } = evaluation;
    // A quiet tick changes nothing worth a write; skipping it keeps sweeps cheap. Its wake still moves on (the
    // tick has shown nothing changes until then), or the account would stay due and be ticked every sweep.
    if (freshIds.length === 0 && changes === 0 && notifications.length === 0) {
      const wake = stored.state === undefined ? undefined : { accountId: job.accountId, version: stored.version, wakeMs };
      return { done: { applied: 0, duplicates: 0, notifications: 0 }, wake };
    }
    return {
      commit: { accountId: job.accountId, expectedVersion: stored.version, state, eventIds: freshIds, notifications, transitions, wakeMs },
      outcome: { applied: freshIds.length, duplicates: job.eventIds.length - freshIds.length, notifications: notifications.length },
    };
  }

  /** `ready` must settle before anything is committed (complaint texts are written meanwhile). */
  async function run(jobs: Job[], ready?: Promise<void>): Promise<Map<string, AccountOutcome>> {
    const outcomes = new Map<string, AccountOutcome>();
    for (let from = 0; from < jobs.length; from += accountsPerRound) {
      for (const [accountId, outcome] of await runRound(jobs.slice(from, from + accountsPerRound), ready)) outcomes.set(accountId, outcome);
    }
    return outcomes;
  }

  async function runRound(jobs: Job[], ready?: Promise<void>): Promise<Map<string, AccountOutcome>> {
    const outcomes = new Map<string, AccountOutcome>();
    let pending = jobs;
    for (let attempt = 1; attempt <= maxAttempts && pending.length > 0; attempt++) {
      const loaded = await deps.store.loadMany(pending.map((j) => ({ accountId: j.accountId, eventIds: j.eventIds })));
      deps.onLoaded?.({ accounts: loaded.length, cached: loaded.filter((l) => l.cached).length });
      const toCommit: Array<{ job: Job; commit: Commit; outcome: ProcessOutcome }> = [];
      const wakes: WakeUpdate[] = [];
      pending.forEach((job, i) => {
        const p = plan(job, loaded[i] as LoadedAccount);
        if (!("done" in p)) toCommit.push({ job, ...p });
        else {
          outcomes.set(job.accountId, p.done);
          if (p.wake) wakes.push(p.wake);
        }
      });
      await ready;
      const [committed] = await Promise.all([deps.store.commitMany(toCommit.map((c) => c.commit)), deps.store.setWakes(wakes)]);
      pending = [];
      toCommit.forEach(({ job, outcome }, i) => {
        if (committed[i]) outcomes.set(job.accountId, outcome);
        else pending.push(job); // someone else wrote first: load again and recompute on their state
      });
    }
    if (pending.length > 0) {
      throw new ConcurrentUpdateError(`accounts ${pending.map((j) => j.accountId).join(", ")}: ${maxAttempts} concurrent updates in a row`);
    }
    return outcomes;
  }

  return {
    /**
     * Applies each account's run of events, in the order given; already-seen event ids are skipped. The
     * accounts must be distinct. An account whose events the engine refuses gets its EngineError back;
     * the others are applied regardless.
     */
    async applyBatch(groups: ReadonlyMap<string, ChurnEvent[]>): Promise<Map<string, AccountOutcome>> {
      const jobs: Job[] = [];
      const repeats = new Map<string, number>();
      for (const [accountId, events] of groups) {
        const unique = new Map(events.map((e) => [e.eventId, e] as const));
        repeats.set(accountId, events.length - unique.size);
        jobs.push({
          accountId,
          inputs: [...unique.values()].map((event) => ({ kind: "event", event })),
          eventIds: [...unique.keys()],
          lastInputAt: latest(events.map((e) => e.occurredAt)),
        });
      }
      // Written while the states load, and before any commit; idempotent: a redelivery rewrites the same
      // texts, a crash loses none.
      const complaints = [...groups.values()].flat().filter((e) => e.type === "complaint.opened");
      const texts = complaints.length > 0 && deps.keepComplaintTexts ? deps.keepComplaintTexts(complaints) : Promise.resolve();
      const [, outcomes] = await Promise.all([texts, run(jobs, texts)]);
      for (const [accountId, outcome] of outcomes) {
        const extra = repeats.get(accountId) ?? 0;
        if (!(outcome instanceof EngineError) && extra > 0) outcomes.set(accountId, { ...outcome, duplicates: outcome.duplicates + extra });
      }
      return outcomes;
    },
    /** Advances accounts' clocks to `at` (wall-clock sweeps find silence this way). */
    async tickMany(accountIds: readonly string[], at: string): Promise<Map<string, AccountOutcome>> {
      return run(accountIds.map((accountId) => ({ accountId, inputs: [{ kind: "tick", at }], eventIds: [], lastInputAt: at })));
    },
  };
}

export type AccountProcessor = ReturnType<typeof createAccountProcessor>;

function latest(isoTimes: string[]): string {
  let best = isoTimes[0] ?? new Date(0).toISOString();
  let bestMs = Date.parse(best);
  for (const t of isoTimes) {
    const ms = Date.parse(t);
    if (ms > bestMs) [best, bestMs] = [t, ms];
  }
  return best;
}
