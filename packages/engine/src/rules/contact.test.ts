import type { Tier } from "@churnwatch/contracts";
import { simulate } from "@churnwatch/simulator";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../config.ts";
import { parseEngineConfig } from "../configFile.ts";
import { record, step } from "../engine.ts";
import { emptyState, type AccountState } from "../state.ts";
import { History, accountYear, dayIso, dayMs } from "../testkit/history.ts";
import { DAY_MS } from "../time.ts";
import { nextWakeMs } from "../wake.ts";

/** The account's state after its history, judged at `day` (a tick), with the default thresholds. */
function judged(h: History, day: number, config = defaultConfig): AccountState {
  let state = emptyState(h.accountId);
  for (const event of h.sorted()) state = record(state, event, config);
  return step(state, { kind: "tick", at: dayIso(day) }, config).state;
}

/** Visited weekly for two months, then nothing. */
function visitedWeekly(tier: Tier): History {
  const h = new History();
  h.profile(0, { tier });
  for (let day = 0; day <= 60; day += 7) h.interaction(day, { kind: "visit" });
  return h;
}

describe("contact.silence", () => {
  it("fires on a strategic account out of touch past its 30-day visiting routine, not before", () => {
    // Three weekly gaps are 21 days: the routine (30) is the longer, so it sets the threshold.
    const last = 56;
    expect(judged(visitedWeekly("strategic"), last + 29).alerts["contact.silence"]).toBeUndefined();
    const alert = judged(visitedWeekly("strategic"), last + 31).alerts["contact.silence"];
    expect(alert?.level).toBe("medium");
    expect(alert?.evidence).toContainEqual({ signal: "contact.daysSinceLast", unit: "days", value: "31", baseline: "7", threshold: "30", changePct: 342.9 });
  });

  it("waits for the tier's routine: 60 days for a partner, 90 for an ordinary account", () => {
    expect(judged(visitedWeekly("partner"), 56 + 59).alerts["contact.silence"]).toBeUndefined();
    expect(judged(visitedWeekly("partner"), 56 + 61).alerts["contact.silence"]?.level).toBe("medium");
    expect(judged(visitedWeekly("ordinary"), 56 + 89).alerts["contact.silence"]).toBeUndefined();
    expect(judged(visitedWeekly("ordinary"), 56 + 91).alerts["contact.silence"]?.level).toBe("medium");
  });

  it("reads the account's own rhythm where it is slower than the routine: three of its usual gaps", () => {
    const h = new History();
    h.profile(0, { tier: "strategic" });
    for (const day of [0, 20, 40, 60, 80]) h.interaction(day, { direction: "inbound", kind: "meeting" });
    expect(judged(h, 80 + 59).alerts["contact.silence"]).toBeUndefined();
    expect(judged(h, 80 + 61).alerts["contact.silence"]?.level).toBe("medium");
    // Five gaps is high, eight critical.
    expect(judged(h, 80 + 101).alerts["contact.silence"]?.level).toBe("high");
    expect(judged(h, 80 + 161).alerts["contact.silence"]?.level).toBe("critical");
  });

  it("counts unanswered calls as attempts, not contacts: silence runs from the last one answered", () => {
    const h = visitedWeekly("strategic");
    h.interaction(70, { kind: "call", answered: false });
    h.interaction(80, { kind: "email", answered: false });
    const alert = judged(h, 56 + 31).alerts["contact.silence"];
    expect(alert?.evidence.find((e) => e.signal === "contact.daysSinceLast")?.value).toBe("31");
  });

  it("fires on three outbound contacts in a row left unanswered, and resolves when the customer answers", () => {
    const h = visitedWeekly("ordinary");
    h.interaction(61, { kind: "call", answered: false });
    h.interaction(62, { kind: "call", answered: false });
    expect(judged(h, 63).alerts["contact.silence"]).toBeUndefined();
    h.interaction(63, { kind: "email", answered: false });
    const alert = judged(h, 64).alerts["contact.silence"];
    expect(alert?.level).toBe("medium");
    expect(alert?.evidence).toContainEqual({ signal: "contact.unanswered", unit: "count", value: "3", threshold: "3" });
    expect(alert?.eventIds).toHaveLength(4); // the three attempts and the visit before them
    const before = judged(h, 64);
    h.interaction(65, { direction: "inbound", kind: "call" });
    const answered = step(before, { kind: "event", event: h.last() }, defaultConfig);
    expect(answered.changes.map((c) => [c.alert.rule, c.type])).toEqual([["contact.silence", "resolved"]]);
  });

  it("rises to high at five unanswered and critical at eight", () => {
    for (const [calls, level] of [[4, "medium"], [5, "high"], [7, "high"], [8, "critical"]] as const) {
      const h = visitedWeekly("ordinary");
      for (let k = 1; k <= calls; k++) h.interaction(60 + k, { kind: "call", answered: false });
      expect(judged(h, 70).alerts["contact.silence"]?.level, `${calls} calls`).toBe(level);
    }
  });

  it("never fires on an account that logs no contacts, however long its other silence", () => {
    const h = accountYear(new History(), { days: 200, tier: "strategic" });
    for (const day of [250, 400, 800]) {
      const state = judged(h, day);
      expect(state.alerts["contact.silence"]).toBeUndefined();
      expect(state.contact).toBeUndefined();
    }
    // And the rule does not keep such an account awake: its wake ignores contact.
    const quiet = new History();
    quiet.profile(0, { tier: "strategic" });
    expect(nextWakeMs(judged(quiet, 1), defaultConfig)).toBe(Number.POSITIVE_INFINITY);
  });

  it("needs three logged interactions before it may fire", () => {
    const two = new History();
    two.profile(0, { tier: "strategic" });
    two.interaction(0);
    two.interaction(7);
    expect(judged(two, 400).alerts["contact.silence"]).toBeUndefined();
    two.interaction(14);
    expect(judged(two, 400).alerts["contact.silence"]?.level).toBe("critical");
  });

  it("wakes the account at the instant its silence passes the routine", () => {
    const state = judged(visitedWeekly("strategic"), 57);
    const wake = nextWakeMs(state, defaultConfig);
    expect(wake).toBeGreaterThan(dayMs(56 + 30) - 2 * 60_000);
    expect(wake).toBeLessThanOrEqual(dayMs(56 + 30));
    expect(step(state, { kind: "tick", at: new Date(wake + DAY_MS / 24).toISOString() }, defaultConfig).changes.map((c) => c.alert.rule)).toEqual(["contact.silence"]);
  });
});

describe("contact.silence on a simulated world with contacts", () => {
  it("warns of the defectors that stop answering and of no healthy account", () => {
    const end = "2026-11-01T00:00:00Z";
    const sim = simulate({ seed: 42, accounts: 60, months: 18, end, interactions: true });
    const states = new Map<string, AccountState>();
    for (const event of sim) states.set(event.accountId, record(states.get(event.accountId) ?? emptyState(event.accountId), event, defaultConfig));
    const warned = new Set<string>();
    for (const [id, state] of states) if (step(state, { kind: "tick", at: end }, defaultConfig).state.alerts["contact.silence"]) warned.add(id);
    const quiet = sim.labels.filter((l) => (l.pattern === "complaint-storm" || l.pattern === "abrupt-stop") && l.driftStartedAt < end).map((l) => l.accountId);
    const defectors = new Set(sim.labels.map((l) => l.accountId));
    expect(quiet.length).toBeGreaterThan(2);
    expect(quiet.filter((id) => !warned.has(id))).toEqual([]);
    expect([...warned].filter((id) => !defectors.has(id))).toEqual([]);
  });
});

describe("contact.silence in the rules file", () => {
  it("takes a visiting routine per tier, over the defaults", () => {
    const parsed = parseEngineConfig(JSON.stringify({ version: "t1", tiers: { ordinary: { "contact.silence": { routineDays: 45 } } } }));
    if (!parsed.ok) throw new Error(parsed.errors.join("; "));
    expect(parsed.config.tiers.ordinary?.["contact.silence"]?.routineDays).toBe(45);
    expect(parsed.config.tiers.strategic?.["contact.silence"]?.routineDays).toBe(30);
  });

  it("refuses a misspelt key and unanswered levels that do not climb", () => {
    const misspelt = parseEngineConfig(JSON.stringify({ version: "t1", rules: { "contact.silence": { routineDay: 45 } } }));
    expect(misspelt.ok ? [] : misspelt.errors.join("\n")).toMatch(/contact\.silence/);
    const falling = parseEngineConfig(JSON.stringify({ version: "t1", rules: { "contact.silence": { unansweredMedium: 4, unansweredHigh: 3 } } }));
    expect(falling.ok ? [] : falling.errors.join("\n")).toMatch(/unansweredMedium ≤ unansweredHigh/);
  });
});
