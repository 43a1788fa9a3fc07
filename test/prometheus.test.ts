import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { metricsInExpression, scrapedMetricNames } from "./support/metricNames.ts";
import { repoRoot } from "./support/processes.ts";

/** What the workers' registries expose as scraped, plus `up`, which Prometheus itself writes per target. */
const scraped = await scrapedMetricNames();
const known = (metric: string) => scraped.has(metric) || metric === "up";

describe("operations config in infra/", () => {
  it("reads its metric names the way PromQL does", () => {
    expect(metricsInExpression('sum by (rule, level) (increase(churnwatch_alerts_enqueued_total{x="a b"}[24h])) > 0 and up == 0')).toEqual([
      "churnwatch_alerts_enqueued_total",
      "up",
    ]);
    expect(known("churnwatch_batch_processing_seconds_bucket")).toBe(true);
    expect(known("churnwatch_batch_processing_seconds")).toBe(false); // a histogram is scraped by its series
    expect(known("churnwatch_emails_sent")).toBe(false);
  });

  it("alerts only on metrics the workers' registries export", () => {
    const rules = parse(readFileSync(join(repoRoot, "infra/prometheus/alerts.yml"), "utf8")) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
    const used = rules.groups.flatMap((g) => g.rules.flatMap((r) => metricsInExpression(r.expr).map((m) => ({ alert: r.alert, m }))));
    expect(new Set(used.map((u) => u.m)).size).toBeGreaterThanOrEqual(6);
    for (const { alert, m } of used) expect(known(m), `${alert}: ${m}`).toBe(true);
  });

  it("ships a Grafana dashboard that loads as JSON and charts only metrics as scraped", () => {
    const dashboard = JSON.parse(readFileSync(join(repoRoot, "infra/grafana/churnwatch.json"), "utf8")) as {
      uid: string;
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    expect(dashboard.uid).toBe("churnwatch-pipeline");
    const used = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricsInExpression(t.expr).map((m) => ({ panel: p.title, m }))));
    expect(dashboard.panels.flatMap((p) => p.targets).length).toBeGreaterThanOrEqual(10);
    for (const { panel, m } of used) expect(known(m), `${panel}: ${m}`).toBe(true);
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
