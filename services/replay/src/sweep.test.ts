import { describe, expect, it } from "vitest";
import { defaultConfig, thresholdsFor } from "@churnwatch/engine";
import { configFor, markFrontier, sweepPoints } from "./sweep.ts";

describe("sweep", () => {
  it("builds new configs without touching the frozen default, tiers moving with the base", () => {
    const points = sweepPoints(defaultConfig);
    expect(points).toHaveLength(14);
    const p = points.find((x) => x.declineMedium === 60 && x.declineMinDeviations === 2.5);
    expect(p?.name).toBe("decline.medium=60 decline.minDeviations=2.5");
    if (!p) throw new Error("point missing");
    const config = configFor(defaultConfig, p);
    expect(thresholdsFor(config, "ordinary")["purchases.decline"]).toMatchObject({ medium: 60, minDeviations: 2.5 });
    // Strategic accounts have no purchase overrides of their own (config.ts): they follow the base.
    expect(thresholdsFor(config, "strategic")["purchases.decline"].medium).toBe(60);
    expect(defaultConfig.rules["purchases.decline"].medium).toBe(50);
    expect(thresholdsFor(defaultConfig, "strategic")["purchases.decline"].medium).toBe(50);
    const q = points.find((x) => x.complaintsMediumFloor === 18);
    if (!q) throw new Error("point missing");
    const floor = configFor(defaultConfig, q);
    expect(thresholdsFor(floor, "strategic")["complaints.spike"].medium).toEqual({ multiple: 2.5, floor: 16 });
    expect(thresholdsFor(floor, "ordinary")["complaints.spike"].minRepeats).toBe(3);
    const off = points.find((x) => !x.complaintsSigns);
    expect(off?.name).toBe("complaints.signs=off");
    if (!off) throw new Error("point missing");
    expect(thresholdsFor(configFor(defaultConfig, off), "strategic")["complaints.spike"].minRepeats).toBe(0);
  });

  it("marks the Pareto frontier", () => {
    const row = (name: string, precision: number, recall: number, medianLeadDays: number) => ({
      name, declineMedium: 0, declineMinDeviations: 0, complaintsMediumFloor: 0, overdueMedium: 0, complaintsSigns: true, precision, recall, medianLeadDays, alertsPerAccountMonth: 0,
    });
    const rows = markFrontier([row("a", 0.5, 0.9, 60), row("b", 0.6, 0.8, 60), row("c", 0.5, 0.8, 50)]);
    expect(rows.map((r) => r.frontier)).toEqual([true, true, false]);
  });
});
