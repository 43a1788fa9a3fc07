/**
 * The public entry point: many accounts' streams merged by time into one lazy, replayable iterable.
 * Memory grows with the number of accounts (a few pending events each), never with history length.
 */
import type { ChurnEvent } from "@churnwatch/contracts";
import { AccountStream } from "./account.ts";
import { MinHeap } from "./heap.ts";
import type { DefectionPattern, Scare } from "./patterns.ts";
import { planAccount, type AccountPlan, type PlanContext } from "./plan.ts";
import { worlds, type World } from "./hardWorld.ts";
import { isoInZone, minusMonths, parseInstant } from "./time.ts";

export interface SimulateOptions {
  seed: number | string;
  /** how many accounts, numbered from `startAccountIndex` */
  accounts: number;
  /** months of history before `end` */
  months: number;
  /** ISO instant: the last instant of history; churn dates and scares are placed relative to it */
  end: string;
  /** ISO instant: keep generating the same accounts up to here (default `end`), e.g. for a live demo */
  until?: string;
  /** ISO instant: skip events at or before it, e.g. to resume a live feed after `end` */
  after?: string;
  /** share of accounts that defect, 0..1 (default 0.2) */
  defectorShare?: number;
  /** prefix of account ids (default "sim"); event ids extend the account id */
  idPrefix?: string;
  /** first account index (default 0); an account's history depends only on seed, index and dates */
  startAccountIndex?: number;
  /**
   * also log contacts (interaction.logged): visits on the tier's rhythm, and unanswered calls before a
   * complaint storm's or an abrupt stop's defection. Default false: the other events are the same either way.
   */
  interactions?: boolean;
  /**
   * "hard": seasonal buyers, one-off bulk orders and occasions split into several orders (`hardWorld.ts`),
   * to judge the engine on a world it was not tuned on. Default "standard".
   */
  world?: World;
}

export interface DefectorLabel {
  accountId: string;
  /**
   * when the account was lost: its last order, or for an abrupt stop the end of the quiet months after
   * it. May lie after `end` while the defection is in progress.
   */
  churnedAt: string;
  pattern: DefectionPattern;
  /** when the drift began (not in the CSV; useful to measure warning lead time) */
  driftStartedAt: string;
}

/** Ground truth for tests and backtests: what the simulator did to each account. */
export interface AccountTruth {
  accountId: string;
  index: number;
  tier: AccountPlan["profile"]["tier"];
  defection?: DefectorLabel;
  scares: Scare[];
}

export interface Simulation extends Iterable<ChurnEvent> {
  /** a fresh pass over the events on every call; each pass yields the same events */
  events(): Generator<ChurnEvent>;
  labels: DefectorLabel[];
  truth(): Generator<AccountTruth>;
  startMs: number;
  endMs: number;
  untilMs: number;
}

interface Resolved {
  ctx: PlanContext;
  firstIndex: number;
  count: number;
  untilMs: number;
  afterMs: number;
  interactions: boolean;
}

function requireInt(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`);
  }
  return value;
}

export function resolveOptions(opts: SimulateOptions): Resolved {
  if ((typeof opts.seed !== "number" || !Number.isFinite(opts.seed)) && (typeof opts.seed !== "string" || opts.seed === "")) {
    throw new RangeError(`seed must be a finite number or a non-empty string (got ${JSON.stringify(opts.seed)})`);
  }
  const count = requireInt("accounts", opts.accounts, 0, 10_000_000);
  const months = requireInt("months", opts.months, 1, 240);
  const firstIndex = requireInt("startAccountIndex", opts.startAccountIndex ?? 0, 0, 99_999_999);
  const share = opts.defectorShare ?? 0.2;
  if (typeof share !== "number" || !(share >= 0 && share <= 1)) {
    throw new RangeError(`defectorShare must be a number from 0 to 1 (got ${JSON.stringify(share)})`);
  }
  const idPrefix = opts.idPrefix ?? "sim";
  if (!/^[A-Za-z0-9_.:-]{1,40}$/.test(idPrefix)) {
    throw new RangeError(`idPrefix must be 1-40 characters of letters, digits, _ . : - (got ${JSON.stringify(idPrefix)})`);
  }
  const endMs = parseInstant("end", opts.end);
  const untilMs = opts.until === undefined ? endMs : parseInstant("until", opts.until);
  if (untilMs < endMs) throw new RangeError(`until (${opts.until}) must not be before end (${opts.end})`);
  const afterMs = opts.after === undefined ? -Infinity : parseInstant("after", opts.after);
  const world = opts.world ?? "standard";
  if (!worlds.includes(world)) throw new RangeError(`world must be one of ${worlds.join(", ")} (got ${JSON.stringify(world)})`);
  const ctx: PlanContext = { seed: String(opts.seed), idPrefix, startMs: minusMonths(endMs, months), endMs, defectorShare: share, world };
  return { ctx, firstIndex, count, untilMs, afterMs, interactions: opts.interactions === true };
}

function* plans(r: Resolved): Generator<AccountPlan> {
  for (let i = r.firstIndex; i < r.firstIndex + r.count; i++) yield planAccount(r.ctx, i);
}

function toTruth(plan: AccountPlan): AccountTruth {
  const d = plan.defection;
  const zone = plan.profile.timezone;
  const defection: DefectorLabel | undefined = d && {
    accountId: plan.accountId,
    churnedAt: isoInZone(d.churnMs, zone),
    pattern: d.pattern,
    driftStartedAt: isoInZone(d.driftStartMs, zone),
  };
  return { accountId: plan.accountId, index: plan.index, tier: plan.profile.tier, ...(defection ? { defection } : {}), scares: plan.scares };
}

const earlier = (a: AccountStream, b: AccountStream): boolean =>
  a.headMs < b.headMs || (a.headMs === b.headMs && a.plan.index < b.plan.index);

function* merged(r: Resolved): Generator<ChurnEvent> {
  const heap = new MinHeap<AccountStream>(earlier);
  for (const plan of plans(r)) {
    const stream = new AccountStream(plan, r.ctx.seed, r.untilMs, r.interactions);
    if (stream.head) heap.push(stream);
  }
  for (;;) {
    const stream = heap.pop();
    if (!stream) return;
    const ms = stream.headMs;
    const event = stream.take();
    if (stream.head) heap.push(stream);
    if (event && ms > r.afterMs) yield event;
  }
}

/**
 * Simulates `accounts` key accounts over `months` up to `end` (or `until`). Iterate the result (or
 * call `events()`) for events in non-decreasing occurredAt instant; ties are broken by account index.
 */
export function simulate(opts: SimulateOptions): Simulation {
  const r = resolveOptions(opts);
  const labels: DefectorLabel[] = [];
  for (const plan of plans(r)) {
    const t = toTruth(plan);
    if (t.defection) labels.push(t.defection);
  }
  return {
    events: () => merged(r),
    [Symbol.iterator]: () => merged(r),
    labels,
    truth: function* () {
      for (const plan of plans(r)) yield toTruth(plan);
    },
    startMs: r.ctx.startMs,
    endMs: r.ctx.endMs,
    untilMs: r.untilMs,
  };
}

export function labelsToCsv(labels: readonly DefectorLabel[]): string {
  const rows = labels.map((l) => `${l.accountId},${l.churnedAt},${l.pattern}`);
  return ["accountId,churnedAt,pattern", ...rows].join("\n") + "\n";
}
