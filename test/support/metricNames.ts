// The metric names Prometheus scrapes from the workers, read from their own prom-client registries.
import { createNotifierMetrics } from "../../services/notifier/src/metrics.ts";
import { createSignalMetrics } from "../../services/signal-worker/src/metrics.ts";
import type { LagMonitor } from "../../services/signal-worker/src/lagMonitor.ts";
import type { StateCache } from "../../services/signal-worker/src/stateCache.ts";

/** Sample names as scraped: a histogram `x` is scraped as x_bucket, x_sum and x_count, a summary without buckets. */
export async function scrapedMetricNames(): Promise<Set<string>> {
  const lag = { lastMeasured: () => [] } as unknown as LagMonitor;
  const cache = { stats: () => ({ bytes: 0 }) } as unknown as StateCache;
  const registries = [createSignalMetrics(lag, cache).registry, createNotifierMetrics([]).registry];
  const names = new Set<string>();
  for (const registry of registries) {
    for (const m of await registry.getMetricsAsJSON()) {
      const type = String(m.type);
      const suffixes = type === "histogram" ? ["_bucket", "_sum", "_count"] : type === "summary" ? ["", "_sum", "_count"] : [""];
      for (const s of suffixes) names.add(`${m.name}${s}`);
    }
  }
  return names;
}

const PROMQL_WORDS = new Set(["and", "or", "unless", "bool", "offset", "on", "ignoring", "group_left", "group_right", "by", "without", "inf", "nan"]);

/** The metric names a PromQL expression reads: identifiers that are not functions, keywords, labels or durations. */
export function metricsInExpression(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/\[[^\]]*\]/g, " ");
  return [...stripped.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(\s*\()?/g)]
    .filter((m) => m[2] === undefined && !PROMQL_WORDS.has(m[1]!.toLowerCase()))
    .map((m) => m[1]!);
}
