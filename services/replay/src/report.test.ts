import { describe, expect, it } from "vitest";
import type { Episode } from "./episodes.ts";
import type { Label } from "./labels.ts";
import { parseLabels } from "./labels.ts";
import { buildReport, leadTime, quantile } from "./report.ts";

const DAY = 86_400_000;
const T0 = Date.parse("2025-01-01T00:00:00Z");
const day = (n: number) => new Date(T0 + n * DAY).toISOString();

function ep(accountId: string, rule: Episode["rule"], firedDay: number, resolvedDay: number | null): Episode {
  return {
    alertId: `${accountId}:${rule}:${firedDay}`,
    accountId,
    rule,
    level: "medium",
    score: 40,
    firedAt: day(firedDay),
    resolvedAt: resolvedDay === null ? null : day(resolvedDay),
    tier: null,
    explanation: { rule, configVersion: "t", signals: [], eventIds: [] },
  };
}

const label = (accountId: string, churnDay: number): Label => ({ accountId, churnedAt: day(churnDay), churnedMs: T0 + churnDay * DAY, pattern: "p" });

describe("buildReport on a hand-made case", () => {
  // Period: day 0 .. day 600. Churners a, b, c; non-churners d, e.
  const accounts = ["a", "b", "c", "d", "e"].map((accountId) => ({ accountId, tier: accountId === "a" ? ("strategic" as const) : ("ordinary" as const), firstEventMs: T0 }));
  const labels = [label("a", 500), label("b", 500), label("c", 500), label("zz", 100)];
  const episodes = [
    ep("a", "purchases.decline", 440, 460), // firing in [135, 500]: lead 60
    ep("a", "complaints.spike", 480, null), // later: lead stays 60
    ep("b", "payments.overdue", 100, 120), // resolved before 500 − 365 = 135: too early, no catch
    ep("b", "payments.overdue", 520, null), // after churn: no catch
    ep("c", "purchases.decline", 130, null), // fired before the window but still firing inside it: lead 370
    ep("d", "payments.overdue", 200, 210), // a non-churner with an alert: false positive
  ];
  const report = buildReport({ episodes, labels, accounts, periodStartMs: T0, periodEndMs: T0 + 600 * DAY });

  it("counts account-level precision and recall", () => {
    const o = report.overall;
    expect([o.truePositives, o.falseNegatives, o.falsePositives, o.trueNegatives]).toEqual([2, 1, 1, 1]);
    expect(o.precision).toBe(0.6667);
    expect(o.recall).toBe(0.6667);
    expect(report.unknownLabels).toEqual(["zz"]);
  });

  it("measures lead time from the first qualifying alert", () => {
    const l = report.overall.leadTimeDays;
    expect([l.count, l.min, l.p25, l.median, l.p75, l.max]).toEqual([2, 60, 137.5, 215, 292.5, 370]);
    expect(l.histogram[2]?.count).toBe(1); // 60 in [60, 90)
    expect(l.histogram[11]).toEqual({ fromDays: 330, toDays: null, count: 1 }); // 370 in the open last bin
  });

  it("counts alerts per observed account-month (churners observed up to churnedAt)", () => {
    // a: 2 alerts, b: 1 (the one after churn is outside), c: 1, d: 1 → 5 alerts.
    // Observed: 3 × 500 d + 2 × 600 d = 2700 d = 88.7063 months.
    expect(report.overall.alerts).toBe(5);
    expect(report.overall.accountMonths).toBe(88.71);
    expect(report.overall.alertsPerAccountMonth).toBe(Math.round((5 / (2700 / 30.436875)) * 10_000) / 10_000);
  });

  it("splits by rule and by tier", () => {
    expect(report.perRule["purchases.decline"].truePositives).toBe(2);
    expect(report.perRule["purchases.decline"].falsePositives).toBe(0);
    expect(report.perRule["purchases.decline"].precision).toBe(1);
    expect(report.perRule["payments.overdue"].truePositives).toBe(0);
    expect(report.perRule["payments.overdue"].falsePositives).toBe(1);
    expect(report.perRule["payments.overdue"].precision).toBe(0);
    expect(report.perTier.strategic?.recall).toBe(1);
    expect(report.perTier.ordinary?.recall).toBe(0.5);
    expect(report.perPattern.p).toEqual({ churners: 3, detected: 2, recall: 0.6667, medianLeadDays: 215 });
  });
});

describe("quantiles and labels", () => {
  it("interpolates between ranks", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(leadTime([]).median).toBeNull();
  });

  it("parses the simulator's CSV and names a bad line", () => {
    const labels = parseLabels("accountId,churnedAt,pattern\nsim-1,2026-09-14T08:39:19+08:00,slow-decline\nsim-2,2026-01-01T00:00:00Z\n");
    expect(labels.map((l) => [l.accountId, l.pattern])).toEqual([["sim-1", "slow-decline"], ["sim-2", null]]);
    expect(() => parseLabels("a,2026-01-01T00:00:00Z\nb,yesterday\n")).toThrow(/line 2/);
    // The notifier's labels export: a confirmed defection, and an account a manager called not a risk.
    expect(parseLabels("accountId,churnedAt,label\nsim-3,2026-06-01T00:00:00Z,confirmed\nsim-4,,not-a-risk\n").map((l) => [l.accountId, l.pattern])).toEqual([["sim-3", "confirmed"]]);
    expect(() => parseLabels("sim-5,,slow-decline\n")).toThrow(/line 1/);
  });
});
