import type { ChurnEvent } from "@churnwatch/contracts";
import { describe, expect, it } from "vitest";
import type { EngineConfig } from "./config.ts";
import { pinnedConfig as defaultConfig } from "./testkit/config.ts";
import { record, step, type EngineInput } from "./engine.ts";
import { transition } from "./evaluate.ts";
import { collectNotifications } from "./notifications.ts";
import type { RuleOutcome } from "./rules/index.ts";
import { emptyState, findInvoice, findOrder, type AccountState } from "./state.ts";
import { History, accountYear, dayIso, dayMs } from "./testkit/history.ts";
import { changesFor, lifecycle, replay } from "./testkit/replay.ts";
import { DAY_MS } from "./time.ts";

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

const healthy = (seed: number, days = 365) =>
  accountYear(new History(), { seed, days, orderFactor: (d) => (d % 365 >= 200 && d % 365 < 260 ? 0.8 : 1) }).sorted();

describe("step", () => {
  it.each([1, 2, 3, 4, 5])("raises nothing over two years of a healthy account with normal noise (seed %i)", (seed) => {
    const r = replay(healthy(seed, 730), { untilMs: dayMs(730) });
    expect(r.changes).toEqual([]);
    expect(r.state.alerts).toEqual({});
  });

  it("raises nothing before the account has enough history", () => {
    const h = new History();
    h.profile(0);
    [0, 5, 12].forEach((d) => h.order(d, "50000.00"));
    h.invoice(1, "150000.00", 10, "inv-1"); // never paid, no payment habit known yet
    h.complaint(20, "critical");
    h.complaint(22, "high");
    h.complaint(25, "high");
    const r = replay(h.sorted(), { untilMs: dayMs(100) });
    expect(r.changes).toEqual([]);
  });

  it("fires once for a signal hovering around the threshold (hysteresis)", () => {
    const h = new History();
    h.profile(0);
    for (let day = 0; day < 300; day += 7) h.order(day, "10000.00");
    // From day 301 orders alternate 4,000 / 8,000: the 90-day decline see-saws around 40%.
    for (let day = 301, i = 0; day <= 385; day += 7, i++) h.order(day, i % 2 === 0 ? "4000.00" : "8000.00");
    const r = replay(h.sorted(), { untilMs: dayMs(385) });
    const changes = changesFor(r.changes, "purchases.decline");
    expect(changes.filter((c) => c.type === "fired")).toHaveLength(1);
    expect(changes.filter((c) => c.type === "resolved")).toHaveLength(0);
    // It did dip back under the fire threshold after firing, so a naive rule would have re-fired.
    const declines = changes.map((c) => -(c.alert.evidence[0]?.changePct ?? 0));
    const firedAt = changes.findIndex((c) => c.type === "fired");
    const after = declines.slice(firedAt + 1);
    expect(Math.min(...after)).toBeLessThan(40);
    expect(Math.max(...after)).toBeGreaterThanOrEqual(40);
    const dip = after.findIndex((d) => d < 40);
    expect(after.slice(dip + 1).some((d) => d >= 40)).toBe(true);
  });

  it("never mutates the input state", () => {
    const h = accountYear(new History(), { ordersUntil: 300 });
    const base = replay(h.sorted(), { untilMs: dayMs(340) }).state;
    expect(Object.keys(base.alerts).length).toBeGreaterThan(0);
    const snapshot = JSON.stringify(base);
    const frozen = deepFreeze(base);
    const more = new History("acct-1", "more");
    more.profile(341, { name: "Renamed" });
    more.order(341, "100.00", "o-new");
    more.cancel(341, "o-new");
    more.invoice(341, "10.00", 350, "inv-new");
    more.payment(341, "inv-10", "1.00");
    more.payment(341, "inv-new", "10.00");
    more.resolve(341, more.complaint(341, "critical", "c-new"));
    const inputs: EngineInput[] = [...more.events.map((event) => ({ kind: "event" as const, event })), { kind: "tick", at: dayIso(400) }];
    for (const input of inputs) {
      const out = step(frozen, input, defaultConfig);
      expect(out.state).not.toBe(frozen);
      collectNotifications(out.state, defaultConfig, dayIso(400));
    }
    collectNotifications(frozen, defaultConfig, dayIso(341));
    expect(JSON.stringify(frozen)).toBe(snapshot);
  });

  it("gives the same result when state goes through JSON between steps, as in Redis", () => {
    const events = accountYear(new History(), { ordersUntil: 300, lateness: (k) => (k === 9 ? undefined : 1) }).sorted();
    const direct = replay(events, { untilMs: dayMs(365), live: true });
    const viaJson = replay(events, { untilMs: dayMs(365), live: true, viaJson: true });
    expect(direct.changes.length).toBeGreaterThan(0);
    expect(viaJson.changes).toEqual(direct.changes);
    expect(viaJson.notifications).toEqual(direct.notifications);
    expect(viaJson.state).toEqual(JSON.parse(JSON.stringify(direct.state)));
  });

  it("applies a duplicated history exactly like the original", () => {
    const events = accountYear(new History(), { orderFactor: (d) => (d > 270 ? 0.3 : 1) }).sorted();
    const once = replay(events, { untilMs: dayMs(365) });
    const twice = replay(events.flatMap((e) => [e, e]), { untilMs: dayMs(365) });
    expect(twice.state).toEqual(once.state);
    expect(twice.changes).toEqual(once.changes);
  });

  it("keeps history bounded to the retention horizon", () => {
    const r = replay(healthy(3, 1100), { untilMs: dayMs(1100) });
    const horizon = dayMs(1100) - defaultConfig.retentionDays * DAY_MS;
    const orders = r.state.orders;
    expect(orders.length).toBeLessThanOrEqual(Math.ceil(defaultConfig.retentionDays / 7) + 1);
    expect(orders.every((o) => o.atMs >= horizon)).toBe(true);
    expect(r.state.invoices.every((i) => (i.paidAtMs ?? Infinity) >= horizon)).toBe(true);
    expect(r.state.complaints.every((c) => c.atMs >= horizon)).toBe(true);
    const firstOrder = r.state.firstOrderAt ?? "";
    expect(Date.parse(firstOrder)).toBeLessThan(dayMs(3));
    expect(Date.parse(firstOrder)).toBeLessThan(horizon);
    expect(JSON.stringify(r.state).length).toBeLessThan(40_000);
  });

  it("evaluates a late event at the clock, which never moves backwards", () => {
    const h = accountYear(new History(), { days: 100 });
    const r = replay(h.sorted(), { untilMs: dayMs(100) });
    const late = new History("acct-1", "late");
    late.order(90, "10.00", "o-late");
    const out = step(r.state, { kind: "event", event: late.last() }, defaultConfig);
    expect(out.state.clock).toBe(dayIso(100));
    expect(findOrder(out.state, "o-late")?.atMs).toBe(dayMs(90));
    const tick = step(out.state, { kind: "tick", at: dayIso(50) }, defaultConfig);
    expect(tick.state.clock).toBe(dayIso(100));
  });

  it("still applies an event older than the retention horizon where it matters", () => {
    const h = accountYear(new History(), { days: 500, lateness: (k, rnd) => (k === 2 ? undefined : Math.floor(rnd() * 5)) });
    const r = replay(h.sorted(), { untilMs: dayMs(500) });
    expect(r.state.alerts["payments.overdue"]?.level).toBe("critical");
    const late = new History("acct-1", "late");
    late.payment(95, "inv-2", "999999.00"); // paid long ago, reported only now
    const out = step(r.state, { kind: "event", event: late.last() }, defaultConfig);
    expect(out.changes.map((c) => `${c.type}:${c.alert.rule}`)).toEqual(["resolved:payments.overdue"]);
    expect(findInvoice(out.state, "inv-2")).toBeUndefined(); // settled 400+ days ago: pruned
  });

  it("gives strategic accounts earlier thresholds", () => {
    const drift = (tier: "strategic" | "ordinary") =>
      replay(accountYear(new History(), { tier, orderFactor: (d) => (d >= 275 ? 0.66 : 1) }).sorted(), { untilMs: dayMs(365) });
    expect(lifecycle(drift("ordinary").changes, "purchases.decline")).toEqual([]);
    expect(lifecycle(drift("strategic").changes, "purchases.decline")).toEqual(["fired:medium"]);
  });

  it("caps eventIds and keeps them deterministic", () => {
    const h = new History();
    h.profile(0);
    for (let day = 0; day < 365; day++) h.order(day, day < 275 ? "1000.00" : "200.00");
    const r = replay(h.sorted(), { untilMs: dayMs(365) });
    const alert = r.state.alerts["purchases.decline"];
    expect(alert?.eventIds).toHaveLength(defaultConfig.maxEventIds);
    const lastIds = h.events.slice(-defaultConfig.maxEventIds).map((e) => e.eventId);
    expect(alert?.eventIds).toEqual(lastIds);
  });

  it("rejects an input with an invalid instant", () => {
    expect(() => step(emptyState("a"), { kind: "tick", at: "yesterday" }, defaultConfig)).toThrow(RangeError);
  });

  it("honours a config with other thresholds", () => {
    const strict: EngineConfig = {
      ...defaultConfig,
      rules: { ...defaultConfig.rules, "purchases.decline": { ...defaultConfig.rules["purchases.decline"], medium: 15, resolve: 5 } },
    };
    const events: ChurnEvent[] = healthy(2);
    const r = replay(events, { config: strict, untilMs: dayMs(365) });
    expect(lifecycle(r.changes, "purchases.decline")[0]).toBe("fired:medium");
  });
});

type Measured = Extract<RuleOutcome, { kind: "measured" }>;

describe("transition", () => {
  const measured = (value: number): Measured => ({
    kind: "measured",
    eligible: true,
    fires: value >= 40,
    recovered: value < 25,
    level: value >= 60 ? "high" : "medium",
    score: value,
    evidence: [{ signal: "orders.value", unit: "percent", value: String(value) }],
    eventIds: [],
  });

  it("fires once, escalates, updates in place, and resolves only past the resolve band", () => {
    let record: AccountState["alerts"]["purchases.decline"];
    const types: string[] = [];
    const values = [30, 41, 39, 42, 38, 61, 45, 26, 24, 39, 41];
    values.forEach((v, i) => {
      const out = transition("a", "purchases.decline", record, measured(v), dayIso(i));
      record = out.record;
      types.push(out.change?.type ?? "-");
    });
    expect(types).toEqual(["-", "fired", "updated", "updated", "updated", "escalated", "updated", "updated", "resolved", "-", "fired"]);
    expect(record?.alertId).toBe(`a:purchases.decline:${dayMs(10)}`);
    expect(record?.firedAt).toBe(dayIso(10));
  });

  it("does not fire while the history is too short, but a firing alert is not resolved by that", () => {
    const young: Measured = { ...measured(90), eligible: false };
    expect(transition("a", "purchases.decline", undefined, young, dayIso(0)).record).toBeUndefined();
    const firing = transition("a", "purchases.decline", undefined, measured(90), dayIso(0)).record;
    const stillYoung: Measured = { ...measured(91), eligible: false };
    expect(transition("a", "purchases.decline", firing, stillYoung, dayIso(1)).change?.type).toBe("updated");
  });
});

describe("record", () => {
  it("loads history without judging it, and the next step judges the whole of it", () => {
    const events = accountYear(new History(), { orderFactor: (d) => (d >= 270 ? 0.25 : 1) }).sorted();
    let recorded = emptyState("acct-1");
    for (const e of events) recorded = record(recorded, e, defaultConfig);
    expect(recorded.alerts).toEqual({});
    const judged = step(recorded, { kind: "tick", at: dayIso(365) }, defaultConfig);
    expect(judged.changes.map((c) => `${c.type}:${c.alert.rule}`)).toContain("fired:purchases.decline");
    expect(judged.state.orders).toHaveLength(recorded.orders.length);
  });
});

describe("pending period and keep-firing", () => {
  // Steady weekly orders, a 90% drop for five weeks from day 301, then normal again: the 90-day decline
  // crosses 40% around day 335 and recovers around day 396, when the small orders leave the window.
  const blip = () => {
    const h = new History();
    h.profile(0);
    for (let day = 0; day < 300; day += 7) h.order(day, "10000.00");
    for (let day = 301; day < 340; day += 7) h.order(day, "1000.00");
    for (let day = 340; day <= 470; day += 7) h.order(day, "10000.00");
    return h.sorted();
  };
  const lifecycleOf = (config: EngineConfig) => lifecycle(replay(blip(), { untilMs: dayMs(470), config }).changes, "purchases.decline");

  it("with no pending period fires as soon as the signal crosses, and resolves once it recovers", () => {
    expect(lifecycleOf(defaultConfig)).toEqual(["fired:medium", "resolved:medium"]);
  });

  it("does not fire for a signal that lapses within the pending period, and announces nothing meanwhile", () => {
    const config = { ...defaultConfig, lifecycle: { pendingDays: 90, keepFiringDays: 0 } };
    expect(lifecycleOf(config)).toEqual([]);
    const mid = replay(blip().filter((e) => Date.parse(e.occurredAt) <= dayMs(350)), { untilMs: dayMs(350), config, live: true });
    expect(mid.state.alerts["purchases.decline"]?.pendingSince).toBeDefined();
    expect(mid.notifications).toEqual([]);
  });

  it("fires after the pending period when the signal holds", () => {
    const config = { ...defaultConfig, lifecycle: { pendingDays: 10, keepFiringDays: 0 } };
    const r = replay(blip(), { untilMs: dayMs(470), config });
    const fired = changesFor(r.changes, "purchases.decline").find((c) => c.type === "fired");
    const plain = changesFor(replay(blip(), { untilMs: dayMs(470) }).changes, "purchases.decline").find((c) => c.type === "fired");
    expect(Date.parse(fired?.at ?? "") - Date.parse(plain?.at ?? "")).toBeGreaterThanOrEqual(10 * DAY_MS);
  });

  it("keeps firing through a recovery shorter than keep-firing, then resolves", () => {
    const config = { ...defaultConfig, lifecycle: { pendingDays: 0, keepFiringDays: 30 } };
    const plain = changesFor(replay(blip(), { untilMs: dayMs(470) }).changes, "purchases.decline").find((c) => c.type === "resolved");
    const kept = changesFor(replay(blip(), { untilMs: dayMs(470), config }).changes, "purchases.decline").find((c) => c.type === "resolved");
    expect(Date.parse(kept?.at ?? "") - Date.parse(plain?.at ?? "")).toBeGreaterThanOrEqual(30 * DAY_MS);
  });
});
