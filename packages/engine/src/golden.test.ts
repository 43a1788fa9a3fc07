import { createHash } from "node:crypto";
import type { ChurnEvent } from "@churnwatch/contracts";
import { simulate } from "@churnwatch/simulator";
import { describe, expect, it } from "vitest";
import { defaultConfig, deepFreeze, type EngineConfig } from "./config.ts";
import { record, step, type EngineInput } from "./engine.ts";
import { emptyState, type AccountState } from "./state.ts";
import { DAY_MS } from "./time.ts";

/**
 * Golden replays: fixed simulator runs through the engine, hashed. They pin every result (each AlertChange
 * and the final states) so that performance work on the engine cannot change an outcome unnoticed. The
 * hashes were recorded from the engine before its optimisation; a deliberate change of behaviour must
 * re-record them (and say so).
 *
 * The thresholds are pinned here rather than taken from `defaultConfig`, so tuning the defaults does not
 * move these hashes.
 */
const PINNED = {
  version: "golden",
  retentionDays: 400,
  maxEventIds: 20,
  rules: {
    "purchases.decline": {
      windowDays: 90,
      baselineDays: 360,
      minBaselineDays: 90,
      minBaselineOrders: 4,
      minDeviations: 2,
      medium: 40,
      high: 60,
      critical: 85,
      resolve: 30,
    },
    "purchases.silence": { minOrders: 4, minDays: 14, medium: 3, high: 5, critical: 8, resolve: 2 },
    "payments.overdue": { minPaidInvoices: 3, medium: 30, high: 60, critical: 90, resolve: 15 },
    "payments.slipping": { windowDays: 120, minBaselineInvoices: 3, minRecentInvoices: 2, medium: 15, high: 30, critical: 60, resolve: 7 },
    "complaints.spike": {
      windowDays: 30,
      baselineDays: 180,
      minBaselineDays: 90,
      weights: { low: 1, medium: 2, high: 4, critical: 8 },
      minComplaints: 2,
      medium: { multiple: 3, floor: 10 },
      high: { multiple: 5, floor: 16 },
      scoreCeiling: { multiple: 8, floor: 32 },
      resolve: { multiple: 2, floor: 5 },
      criticalUnresolvedDays: 14,
    },
  },
  tiers: {
    strategic: {
      "purchases.decline": { medium: 30, high: 50, critical: 75, resolve: 18 },
      "purchases.silence": { minDays: 10, medium: 2.5, high: 4, critical: 6, resolve: 1.5 },
      "payments.overdue": { medium: 20, high: 45, critical: 75, resolve: 10 },
      "payments.slipping": { medium: 10, high: 21, critical: 45, resolve: 5 },
      "complaints.spike": { medium: { multiple: 2.5, floor: 9 }, high: { multiple: 4, floor: 14 } },
    },
  },
} satisfies Pick<EngineConfig, "version" | "retentionDays" | "maxEventIds" | "rules" | "tiers">;

const config: EngineConfig = deepFreeze({ ...structuredClone(defaultConfig), ...structuredClone(PINNED) });

/** Pending and keep-firing on, a shorter retention, touchier payment rules, one account with its own overrides. */
const base = structuredClone(config);
const variant: EngineConfig = deepFreeze({
  ...base,
  rules: {
    ...base.rules,
    "payments.slipping": { ...base.rules["payments.slipping"], medium: 3, high: 6, critical: 12, resolve: 1 },
    "payments.overdue": { ...base.rules["payments.overdue"], medium: 5, high: 20, critical: 40, resolve: 2 },
  },
  version: "golden-variant",
  retentionDays: 200,
  maxEventIds: 5,
  lifecycle: { pendingDays: 3, keepFiringDays: 5 },
  accounts: { "sim-0003": { "purchases.silence": { medium: 2, minDays: 7 }, "complaints.spike": { minComplaints: 1 } } },
});

const END = "2026-06-01T00:00:00Z";

function events(accounts: number, months: number, seed: number): ChurnEvent[] {
  return [...simulate({ seed, accounts, months, end: END })];
}

/** A deterministic shuffle of the stream: some events a few places late, some delivered twice. */
function perturb(list: readonly ChurnEvent[]): ChurnEvent[] {
  const out = [...list];
  let x = 12345;
  const rnd = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  for (let i = 0; i + 3 < out.length; i++) {
    if (rnd() < 0.05) {
      const [e] = out.splice(i, 1);
      out.splice(i + 1 + Math.floor(rnd() * 3), 0, e as ChurnEvent);
    }
  }
  const dup: ChurnEvent[] = [];
  for (const e of out) {
    dup.push(e);
    if (rnd() < 0.03) dup.push(e);
  }
  return dup;
}

function freeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) freeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

interface Run {
  /** Serialise each state through JSON between steps, as the Redis-backed worker does. */
  viaJson?: boolean;
  /** Deep-freeze every state handed to the engine: it must not mutate its input. */
  frozen?: boolean;
  /** Load events before this instant with `record` (history mode), then step. */
  recordBefore?: number;
  tickEveryMs?: number;
}

/** Replays a stream into per-account states with a tick for every known account at each interval. */
function run(stream: readonly ChurnEvent[], cfg: EngineConfig, opts: Run = {}) {
  const states = new Map<string, AccountState>();
  const hash = createHash("sha256");
  const tickEvery = opts.tickEveryMs ?? DAY_MS;
  let changes = 0;
  const rules: Record<string, number> = {};
  let nextTick: number | undefined;
  const load = (id: string) => {
    const s = states.get(id) ?? emptyState(id);
    return opts.frozen ? freeze(s) : s;
  };
  const save = (id: string, s: AccountState) => states.set(id, opts.viaJson ? (JSON.parse(JSON.stringify(s)) as AccountState) : s);
  const apply = (id: string, input: EngineInput) => {
    const r = step(load(id), input, cfg);
    save(id, r.state);
    for (const c of r.changes) hash.update(JSON.stringify(c) + "\n");
    changes += r.changes.length;
    for (const c of r.changes) rules[`${c.alert.rule}:${c.type}`] = (rules[`${c.alert.rule}:${c.type}`] ?? 0) + 1;
  };
  for (const event of stream) {
    const atMs = Date.parse(event.occurredAt);
    if (opts.recordBefore !== undefined && atMs < opts.recordBefore) {
      save(event.accountId, record(load(event.accountId), event, cfg));
      continue;
    }
    nextTick ??= Math.floor(atMs / tickEvery) * tickEvery + tickEvery;
    while (atMs >= nextTick) {
      const at = new Date(nextTick).toISOString();
      for (const id of [...states.keys()]) apply(id, { kind: "tick", at });
      nextTick += tickEvery;
    }
    apply(event.accountId, { kind: "event", event });
  }
  const ids = [...states.keys()].sort();
  for (const id of ids) hash.update(JSON.stringify(states.get(id)) + "\n");
  return { hash: hash.digest("hex"), changes, rules, accounts: ids.length };
}

describe("golden replays (results pinned across engine optimisations)", () => {
  it("40 accounts × 18 months, seed 5, daily ticks", () => {
    const r = run(events(40, 18, 5), config);
    expect(r.changes).toBeGreaterThan(50);
    expect(r.hash).toBe("98704395a08c1f2cec47df4eb9ba4524f4d4ab3b1bb9297f94b44437ea70e34d");
  });

  it("late and re-delivered events, pending and keep-firing, an account override, frozen input", () => {
    const r = run(perturb(events(25, 18, 11)), variant, { frozen: true });
    expect(r.changes).toBeGreaterThan(20);
    expect(Object.keys(r.rules).filter((k) => k.endsWith(":fired")).length).toBe(5);
    expect(r.hash).toBe("a4dffefb659ff38a3cef36e2c5f992744537751c8e7cc366d1357d288bb1feee");
  });

  it("history recorded first, then stepped with states through JSON and ticks every 6 hours", () => {
    const r = run(perturb(events(15, 15, 7)), config, { viaJson: true, recordBefore: Date.parse("2025-09-01T00:00:00Z"), tickEveryMs: DAY_MS / 4 });
    expect(r.changes).toBeGreaterThan(10);
    expect(r.hash).toBe("2195c209e8e2ec220ad4265fd5be65bac11fd3d6fc2197a046bcb57a411c4368");
  });
});
