// The purchase features and the one risk score: the same number in the snapshot, the notifications and the
// value tables, and a chance that grows as an account stays quiet.
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../config.ts";
import { parseEngineConfig, readEngineConfig } from "../configFile.ts";
import { collectNotifications } from "../notifications.ts";
import { snapshotOf } from "../snapshot.ts";
import { History, accountYear, dayMs } from "../testkit/history.ts";
import { replay } from "../testkit/replay.ts";
import { DAY_MS } from "../time.ts";
import { accountRisk } from "../value.ts";
import { buildView } from "../view.ts";
import { accountRiskAt } from "./account.ts";
import { featuresLater, purchaseFeatures } from "./features.ts";
import { defectionModelSchema, defectionRisk } from "./model.ts";

describe("purchase features", () => {
  it("count days with an order as occasions, sum the volume windows, and keep the first order through pruning", () => {
    const h = new History();
    h.profile(0);
    h.order(0, "100.00");
    h.order(0.01, "50.00"); // the same local day: one occasion
    h.order(100, "200.00");
    h.order(300, "400.00");
    h.order(500, "800.00");
    const { state } = replay(h.sorted(), { untilMs: dayMs(520), config: defaultConfig });
    expect(state.orders[0]?.atMs).toBeGreaterThan(dayMs(0)); // the first orders are past the 460-day retention
    const f = purchaseFeatures(state, buildView(state), dayMs(520));
    expect(f).toMatchObject({ repeats: 3, occasionsRecent: 1, occasionsPrior: 1, spendRecent: 800, spendPrior: 400 });
    expect(f?.ageDays).toBeCloseTo(520, 5);
    expect(f?.recencyDays).toBeCloseTo(20, 5);
  });
});

describe("the defection model", () => {
  it("gives a quiet account a rising chance, and a fresh order lowers it", () => {
    const { state } = replay(accountYear(new History(), { ordersUntil: 300 }).sorted(), { untilMs: dayMs(301), config: defaultConfig });
    const f = purchaseFeatures(state, buildView(state), dayMs(301));
    if (!f) throw new Error("no features");
    const chance = (days: number) => defectionRisk(featuresLater(f, days), defaultConfig.model).chance;
    expect(chance(0)).toBeLessThan(chance(30));
    expect(chance(30)).toBeLessThan(chance(120));
    expect(chance(120)).toBeGreaterThan(defaultConfig.model.levels.medium / 100);
  });

  it("refuses a model file that is not one, naming the fields", () => {
    const model = JSON.parse(JSON.stringify(defaultConfig.model)) as Record<string, unknown>;
    expect(defectionModelSchema.safeParse({ ...model, levels: { medium: 60, high: 50, critical: 90 } }).success).toBe(false);
    expect(defectionModelSchema.safeParse({ ...model, inputs: [{ name: "luck", mean: 0, sd: 1, weight: 1 }] }).success).toBe(false);
    const files: Record<string, string> = { "/c/rules.json": JSON.stringify({ version: "v1", model: "models/m.json" }), "/c/models/m.json": JSON.stringify({ ...model, version: "m7" }) };
    const read = (p: string) => {
      const text = files[p];
      if (text === undefined) throw new Error(`ENOENT ${p}`);
      return text;
    };
    const ok = readEngineConfig("/c/rules.json", read);
    expect(ok.ok && ok.config.model.version).toBe("m7");
    files["/c/models/m.json"] = JSON.stringify({ ...model, horizonDays: 0 });
    const bad = readEngineConfig("/c/rules.json", read);
    expect(bad.ok ? [] : bad.errors).toEqual([expect.stringMatching(/^model models\/m\.json: horizonDays: /)]);
    expect(parseEngineConfig(JSON.stringify({ version: "v1", model: "m.json" })).ok).toBe(false);
  });
});

describe("one risk score", () => {
  it("is the same in the notification, the snapshot and the value table", () => {
    const h = accountYear(new History(), { ordersUntil: 300 });
    const r = replay(h.sorted(), { untilMs: dayMs(340), config: defaultConfig });
    const at = new Date(dayMs(340)).toISOString();
    const firing = Object.values(r.state.alerts).filter((a) => a !== undefined);
    expect(firing.length).toBeGreaterThan(0);
    const { notifications } = collectNotifications(r.state, defaultConfig, at);
    const snapshot = snapshotOf([r.state], dayMs(340), defaultConfig).accounts[0];
    const { score, level } = accountRiskAt(r.state, dayMs(340), defaultConfig);
    expect(notifications.length).toBeGreaterThan(0);
    for (const n of notifications) expect(n.score).toBe(score);
    expect(snapshot?.score).toBe(score);
    expect(snapshot?.level).toBe(level);
    expect(accountRisk(r.state, dayMs(340), defaultConfig).risk).toBe(score);
    expect(score).toBeGreaterThanOrEqual(defaultConfig.model.levels.medium);
    // A day later, quieter still: never lower.
    expect(accountRiskAt(r.state, dayMs(340) + DAY_MS, defaultConfig).score).toBeGreaterThanOrEqual(score);
  });
});
