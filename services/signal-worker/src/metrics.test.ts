import { describe, expect, it } from "vitest";
import { createSignalMetrics } from "./metrics.ts";
import type { LagMonitor } from "./lagMonitor.ts";
import type { StateCache } from "./stateCache.ts";

describe("signal worker metrics", () => {
  it("has both sweep series at 0 before any sweep, so an alert can see a worker that never sweeps", async () => {
    const metrics = createSignalMetrics({ lastMeasured: () => [] } as unknown as LagMonitor, { stats: () => ({ bytes: 0 }) } as unknown as StateCache);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^churnwatch_sweeps_total\{kind="full"\} 0$/m);
    expect(text).toMatch(/^churnwatch_sweeps_total\{kind="due"\} 0$/m);
    metrics.sweeps.inc({ kind: "due" });
    expect(await metrics.registry.metrics()).toMatch(/^churnwatch_sweeps_total\{kind="due"\} 1$/m);
  });
});
