import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./support/processes.ts";

/** The source of every metric the workers register: a metric name appears there as a string literal. */
const exportedMetricSources = () =>
  ["services/signal-worker/src/metrics.ts", "services/notifier/src/metrics.ts"].map((f) => readFileSync(join(repoRoot, f), "utf8")).join("\n");

describe("operations config in infra/", () => {
  it("alerts only on metrics the workers actually export", () => {
    const rules = readFileSync(join(repoRoot, "infra/prometheus/alerts.yml"), "utf8");
    const exported = exportedMetricSources();
    const used = [...new Set(rules.match(/churnwatch_[a-z_]+/g) ?? [])];
    expect(used.length).toBeGreaterThanOrEqual(4);
    for (const metric of used) expect(exported, metric).toContain(`"${metric}"`);
  });

  it("ships a Grafana dashboard that loads as JSON and charts only exported metrics", () => {
    const dashboard = JSON.parse(readFileSync(join(repoRoot, "infra/grafana/churnwatch.json"), "utf8")) as {
      uid: string;
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    expect(dashboard.uid).toBe("churnwatch-pipeline");
    const exported = exportedMetricSources();
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    for (const metric of new Set(exprs.join(" ").match(/churnwatch_[a-z_]+/g) ?? [])) {
      expect(exported, metric).toContain(`"${metric.replace(/_bucket$/, "")}"`);
    }
  });
});
