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

  it("lays the Grafana dashboard out the way Grafana's importer expects", () => {
    const d = JSON.parse(readFileSync(join(repoRoot, "infra/grafana/churnwatch.json"), "utf8")) as {
      schemaVersion: number;
      title: string;
      panels: Array<{ id: number; type: string; title: string; gridPos: { x: number; y: number; w: number; h: number }; targets: Array<{ refId: string; expr: string }> }>;
    };
    expect(d.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(d.title).not.toBe("");
    expect(new Set(d.panels.map((p) => p.id)).size).toBe(d.panels.length); // ids are unique
    for (const p of d.panels) {
      expect(["timeseries", "stat", "gauge", "table", "bargauge", "barchart", "text"], p.title).toContain(p.type);
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24); // Grafana's grid is 24 columns
      expect(p.gridPos.w * p.gridPos.h, p.title).toBeGreaterThan(0);
      expect(new Set(p.targets.map((t) => t.refId)).size, p.title).toBe(p.targets.length);
    }
    // Panels must not overlap, or Grafana silently moves them.
    const cells = new Set<string>();
    for (const p of d.panels) {
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          const cell = `${x},${y}`;
          expect(cells.has(cell), `${p.title} overlaps at ${cell}`).toBe(false);
          cells.add(cell);
        }
      }
    }
  });
});
