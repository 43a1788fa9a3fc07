import type { ChurnEvent, Severity } from "@churnwatch/contracts";
import { simulate } from "@churnwatch/simulator";
import { describe, expect, it } from "vitest";
import { defaultConfig, deepFreeze, type EngineConfig } from "./config.ts";
import { record, step } from "./engine.ts";
import { emptyState, type AccountState, type AlertChange } from "./state.ts";
import { pinnedConfig } from "./testkit/config.ts";
import { History, dayIso, dayMs, rng } from "./testkit/history.ts";
import { DAY_MS } from "./time.ts";
import { nextWakeMs } from "./wake.ts";

/**
 * Ticks every account at every boundary (eager), or only at the first boundary at or after its nextWakeMs
 * (lazy), over a sorted stream; the two must report the same changes, in the same order per account. The
 * eager run passes each state through JSON, so that its records are new objects at every step and the
 * engine's memo of quiet rules (quiet.ts), which rests on the same bounds, never spares it an evaluation.
 */
function run(events: readonly ChurnEvent[], config: EngineConfig, lazy: boolean, tickMs = DAY_MS) {
  const states = new Map<string, AccountState>();
  const wakes = new Map<string, number>();
  const changes = new Map<string, string[]>();
  let ticks = 0;
  const apply = (id: string, input: Parameters<typeof step>[1]) => {
    const r = step(states.get(id) ?? emptyState(id), input, config);
    states.set(id, lazy ? r.state : (JSON.parse(JSON.stringify(r.state)) as AccountState));
    wakes.set(id, nextWakeMs(r.state, config));
    const list = changes.get(id) ?? [];
    for (const c of r.changes) list.push(JSON.stringify(c satisfies AlertChange));
    changes.set(id, list);
  };
  let next: number | undefined;
  for (const event of events) {
    const ms = Date.parse(event.occurredAt);
    next ??= Math.floor(ms / tickMs) * tickMs + tickMs;
    for (; next <= ms; next += tickMs) {
      const at = new Date(next).toISOString();
      for (const [id, s] of states) {
        if (s.clock === at || (lazy && (wakes.get(id) as number) > next)) continue;
        apply(id, { kind: "tick", at });
        ticks++;
      }
    }
    apply(event.accountId, { kind: "event", event });
  }
  const alerts = [...states.values()].map((s) => JSON.stringify([s.accountId, s.alerts]));
  return { changes: Object.fromEntries(changes), alerts, ticks };
}

function expectSame(events: readonly ChurnEvent[], config: EngineConfig, tickMs?: number) {
  const eager = run(events, config, false, tickMs);
  const lazy = run(events, config, true, tickMs);
  expect(lazy.changes).toEqual(eager.changes);
  expect(lazy.alerts).toEqual(eager.alerts);
  return { eager, lazy, changes: Object.values(eager.changes).flat().length };
}

/** Thresholds moved at random (resolve kept below medium), so the bounds are not tuned to one config. */
function shuffledConfig(seed: number): EngineConfig {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const base = structuredClone(defaultConfig);
  const rules = base.rules;
  return deepFreeze({
    ...base,
    version: `shuffled-${seed}`,
    retentionDays: pick([200, 300, 460]),
    lifecycle: pick([
      { pendingDays: 0, keepFiringDays: 0 },
      { pendingDays: 3, keepFiringDays: 5 },
    ]),
    rules: {
      ...rules,
      "purchases.silence": { ...rules["purchases.silence"], medium: pick([1.5, 2, 3]), minDays: pick([3, 7, 14]), minOrders: pick([2, 4]) },
      "purchases.decline": { ...rules["purchases.decline"], windowDays: pick([30, 60, 90]), baselineDays: pick([180, 360]), medium: pick([20, 35, 50]), sustainDays: pick([0, 10]), seasonalDecline: pick([-Infinity, 30]) },
      "payments.overdue": { ...rules["payments.overdue"], medium: pick([3, 10, 30]), high: 60, resolve: pick([0, 2]), minOverdueInvoices: pick([1, 2]), minPaidInvoices: pick([1, 3]) },
      "payments.slipping": { ...rules["payments.slipping"], windowDays: pick([30, 60, 120]), medium: pick([2, 5, 15]), resolve: 1, minRecentInvoices: pick([1, 2]) },
      "complaints.spike": { ...rules["complaints.spike"], windowDays: pick([14, 30]), minComplaints: pick([1, 2, 3]), criticalUnresolvedDays: pick([5, 20, 45]), minBaselineDays: pick([30, 90]),
        minRepeats: pick([0, 2, 3]), minUnresolved: pick([1, 3]), unresolvedAfterDays: pick([0, 7, 14]), satisfactionDays: pick([30, 90]), satisfactionDrop: pick([0.5, 1]) },
    },
  });
}

const ZONES = ["Pacific/Kiritimati", "Pacific/Pago_Pago", "America/Los_Angeles", "Europe/London", "Asia/Shanghai", "Not/AZone"];
const SEVERITIES: Severity[] = ["low", "medium", "high", "critical"];
const CATEGORIES = ["delivery", "quality", "billing"];

/**
 * Irregular accounts: bursts and pauses of orders (some cancelled), invoices due at any hour in zones from
 * UTC−11 to UTC+14 paid early, late, in part or never, complaints of every severity and a few categories
 * resolved (rated 1 to 5) or left open.
 */
function randomAccounts(seed: number, accounts: number, days: number): ChurnEvent[] {
  const r = rng(seed);
  const all: ChurnEvent[] = [];
  for (let a = 0; a < accounts; a++) {
    const h = new History(`acct-${seed}-${a}`, `ev-${seed}-${a}`);
    h.profile(0, { timezone: ZONES[Math.floor(r() * ZONES.length)] as string, tier: r() < 0.3 ? "strategic" : "ordinary" });
    const gap = 2 + r() * 20;
    const stopAt = r() < 0.5 ? days * (0.3 + r() * 0.6) : days;
    for (let day = r() * 5; day < stopAt; day += gap * (0.3 + r() * 1.4) * (r() < 0.05 ? 6 : 1)) {
      const id = h.order(day, (1000 + r() * 9000 * (day > stopAt * 0.7 ? 0.4 : 1)).toFixed(2));
      if (r() < 0.05) h.cancel(day + r() * 3, id);
    }
    for (let day = 10 + r() * 10; day < days; day += 10 + r() * 40) {
      const due = day + 15 + r() * 30;
      const id = h.invoice(day, "5000.00", due);
      const fate = r();
      if (fate < 0.15) continue; // never paid
      const late = fate < 0.5 ? r() * 4 : r() * 70 - 5;
      if (fate > 0.9) h.payment(due - 2, id, "2000.00");
      if (due + late < days) h.payment(due + late, id, fate > 0.9 ? "3000.00" : "5000.00");
    }
    for (let day = r() * 30; day < days; day += 3 + r() * 60) {
      const id = h.complaint(day, SEVERITIES[Math.floor(r() * 4)] as Severity, undefined, CATEGORIES[Math.floor(r() * 3)]);
      if (r() < 0.7) h.resolve(day + r() * 60, id, 1 + Math.floor(r() * 5));
    }
    all.push(...h.sorted());
  }
  return all.map((e, i) => ({ e, i, t: Date.parse(e.occurredAt) })).sort((x, y) => x.t - y.t || x.i - y.i).map((x) => x.e);
}

/**
 * Accounts that log contacts: visits and inbound calls at an irregular rhythm of their own, runs of unanswered
 * calls, pauses longer than any routine, and some that stop for good; every tier, so every routine is met.
 */
function contactAccounts(seed: number, accounts: number, days: number): ChurnEvent[] {
  const r = rng(seed);
  const tiers = ["strategic", "partner", "ordinary"] as const;
  const all: ChurnEvent[] = [];
  for (let a = 0; a < accounts; a++) {
    const h = new History(`contact-${seed}-${a}`, `ic-${seed}-${a}`);
    h.profile(0, { tier: tiers[a % 3] as (typeof tiers)[number] });
    const gap = 3 + r() * 25;
    const stopAt = r() < 0.4 ? days * (0.3 + r() * 0.6) : days;
    for (let day = r() * 5; day < stopAt; day += gap * (0.3 + r() * 1.4) * (r() < 0.08 ? 5 : 1)) {
      const roll = r();
      if (roll < 0.2) h.interaction(day, { direction: "inbound", kind: "call" });
      else if (roll < 0.45) h.interaction(day, { kind: "call", answered: false });
      else if (roll < 0.55) h.interaction(day, { kind: "email" }); // says nothing of an answer: a contact made
      else h.interaction(day, { kind: "visit", answered: true });
    }
    all.push(...h.sorted());
  }
  return all.map((e, i) => ({ e, i, t: Date.parse(e.occurredAt) })).sort((x, y) => x.t - y.t || x.i - y.i).map((x) => x.e);
}

const simulated = (seed: number, accounts: number, months: number) => [...simulate({ seed, accounts, months, end: "2026-06-01T00:00:00Z" })];

describe("nextWakeMs: ticking only from the wake on gives the alerts of ticking every boundary", () => {
  it("simulated accounts, default thresholds", () => {
    const { eager, lazy, changes } = expectSame(simulated(3, 30, 24), defaultConfig);
    expect(changes).toBeGreaterThan(20);
    // Not a daily tick in disguise.
    expect(lazy.ticks).toBeLessThan(eager.ticks / 3);
  }, 60_000);

  it("simulated accounts, pinned thresholds (every rule fires), ticks every 6 hours", () => {
    const { changes } = expectSame(simulated(8, 12, 18), pinnedConfig, DAY_MS / 4);
    expect(changes).toBeGreaterThan(10);
  }, 60_000);

  it("an old order leaving the retention window shortens the usual gap: silence fires at that prune", () => {
    const h = new History();
    h.profile(0);
    for (let day = 0; day <= 150; day += 30) h.order(day, "1000.00");
    for (let day = 155; day <= 170; day += 5) h.order(day, "1000.00");
    h.profile(400);
    // Decline's window edges would wake the account near the prune by chance: moved out of the way.
    const base = structuredClone(pinnedConfig);
    const decline = { ...base.rules["purchases.decline"], windowDays: 3000 };
    const config = deepFreeze({ ...base, retentionDays: 200, rules: { ...base.rules, "purchases.decline": decline } });
    const { eager } = expectSame(h.sorted(), config);
    expect(Object.values(eager.changes).flat().map((c) => (JSON.parse(c) as AlertChange).type)).toContain("fired");
  });

  it("a young account's smaller latest orders fire decline once its baseline is long enough, by time alone", () => {
    const h = new History();
    h.profile(0);
    for (let day = 0; day <= 150; day += 3) h.order(day, day >= 144 ? "3000.00" : "10000.00");
    h.profile(260);
    // Silence would open an alert (and daily ticks) first: out of the way.
    const base = structuredClone(defaultConfig);
    const silence = { ...base.rules["purchases.silence"], minOrders: 1_000_000 };
    const config = deepFreeze({ ...base, rules: { ...base.rules, "purchases.silence": silence } });
    const { eager } = expectSame(h.sorted(), config);
    const fired = Object.values(eager.changes).flat().map((c) => JSON.parse(c) as AlertChange).filter((c) => c.type === "fired");
    expect(fired.map((c) => [c.alert.rule, c.at])).toEqual([["purchases.decline", new Date(Math.ceil(dayMs(180) / DAY_MS) * DAY_MS).toISOString()]]);
  });

  it("complaints enough for a spike fire once the account is old enough to judge, by time alone", () => {
    const h = new History();
    h.profile(0);
    for (const day of [100, 102, 104, 105]) h.complaint(day, "high");
    h.profile(200);
    const { eager } = expectSame(h.sorted(), defaultConfig);
    const fired = Object.values(eager.changes).flat().map((c) => JSON.parse(c) as AlertChange).filter((c) => c.type === "fired");
    expect(fired.map((c) => [c.alert.rule, c.at])).toEqual([["complaints.spike", new Date(Math.ceil(dayMs(120) / DAY_MS) * DAY_MS).toISOString()]]);
  });

  for (const seed of [1, 2, 3]) {
    it(`accounts that log contacts, routines and thresholds shuffled (seed ${seed})`, () => {
      const r = rng(seed + 100);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
      const base = shuffledConfig(seed);
      const contact = { ...base.rules["contact.silence"], routineDays: pick([10, 30, 90]), medium: pick([2, 3]), unansweredMedium: pick([2, 3]), minInteractions: pick([1, 3]) };
      const config = deepFreeze({ ...structuredClone(base), version: `contact-${seed}`, rules: { ...structuredClone(base.rules), "contact.silence": contact } });
      const { changes, eager } = expectSame(contactAccounts(seed, 12, 400), config);
      expect(changes).toBeGreaterThan(5);
      expect(Object.values(eager.changes).flat().some((c) => (JSON.parse(c) as AlertChange).alert.rule === "contact.silence")).toBe(true);
    }, 60_000);
  }

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`irregular accounts in many time zones, thresholds shuffled (seed ${seed})`, () => {
      const { changes } = expectSame(randomAccounts(seed, 12, 500), shuffledConfig(seed));
      expect(changes).toBeGreaterThan(5);
    }, 60_000);
  }
});

describe("nextWakeMs", () => {
  const silent = () => {
    const h = new History();
    h.profile(0);
    for (let day = 0; day <= 70; day += 7) h.order(day, "1000.00");
    return h.sorted();
  };

  it("wakes a silent account for the tick that fires silence, not every day before it", () => {
    let state = emptyState("acct-1");
    for (const event of silent()) state = step(state, { kind: "event", event }, pinnedConfig).state;
    const wake = nextWakeMs(state, pinnedConfig);
    // Silence fires past 3 usual gaps of 7 days after the last order (day 70); decline windows move sooner.
    expect(wake).toBeGreaterThan(dayMs(70) + DAY_MS);
    expect(wake).toBeLessThanOrEqual(dayMs(70 + 21));
    const firstFiringTick = (() => {
      for (let day = 71; ; day++) {
        const at = new Date(Math.floor(dayMs(day) / DAY_MS) * DAY_MS);
        if (step(state, { kind: "tick", at: at.toISOString() }, pinnedConfig).changes.length > 0) return at.getTime();
      }
    })();
    expect(wake).toBeLessThanOrEqual(firstFiringTick);
  });

  it("wakes at once while an alert is open, and never for an account with nothing that time can change", () => {
    let state = emptyState("acct-1");
    for (const event of silent()) state = step(state, { kind: "event", event }, pinnedConfig).state;
    const fired = step(state, { kind: "tick", at: dayIso(100) }, pinnedConfig);
    expect(fired.changes.map((c) => c.type)).toEqual(["fired"]);
    expect(nextWakeMs(fired.state, pinnedConfig)).toBe(dayMs(100) + 1);
    const h = new History("acct-2");
    h.profile(0);
    const quiet = step(emptyState("acct-2"), { kind: "event", event: h.sorted()[0] as ChurnEvent }, pinnedConfig).state;
    expect(nextWakeMs(quiet, pinnedConfig)).toBe(Number.POSITIVE_INFINITY);
  });

  it("is safe on a state loaded without evaluation (record): a rule firing at the clock wakes at once", () => {
    let state = emptyState("acct-1");
    for (const event of silent()) state = record(state, event, pinnedConfig);
    const h = new History("acct-1", "late");
    h.profile(150);
    state = record(state, h.sorted()[0] as ChurnEvent, pinnedConfig);
    expect(nextWakeMs(state, pinnedConfig)).toBe(dayMs(150) + 1);
  });

  it("wakes when an unresolved critical complaint comes of age", () => {
    const h = new History();
    h.profile(0);
    h.complaint(200, "critical");
    let state = emptyState("acct-1");
    for (const event of h.sorted()) state = step(state, { kind: "event", event }, pinnedConfig).state;
    const wake = nextWakeMs(state, pinnedConfig);
    expect(wake).toBe(dayMs(200) + pinnedConfig.rules["complaints.spike"].criticalUnresolvedDays * DAY_MS);
  });
});
