import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { LagMonitor } from "./lagMonitor.ts";
import type { StateCache } from "./stateCache.ts";

/** The signal worker's Prometheus metrics, on a registry of its own (no global state between services). */
export function createSignalMetrics(lag: LagMonitor, cache: StateCache) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = {
    registry,
    consumed: new Counter({ name: "churnwatch_events_consumed_total", help: "Valid events consumed", labelNames: ["topic", "type"], registers: [registry] }),
    invalid: new Counter({ name: "churnwatch_events_invalid_total", help: "Invalid events, by reason", labelNames: ["reason"], registers: [registry] }),
    deadLettered: new Counter({ name: "churnwatch_events_dead_lettered_total", help: "Events written to the dead-letter topic", labelNames: ["topic"], registers: [registry] }),
    duplicates: new Counter({ name: "churnwatch_events_duplicate_total", help: "Redelivered events skipped by eventId", registers: [registry] }),
    batchSeconds: new Histogram({
      name: "churnwatch_batch_processing_seconds",
      help: "Time to apply one fetched batch, dead letters and commit included",
      labelNames: ["topic"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    alerts: new Counter({ name: "churnwatch_alerts_enqueued_total", help: "Alert notifications enqueued", labelNames: ["rule", "level"], registers: [registry] }),
    sweeps: new Counter({
      name: "churnwatch_sweeps_total",
      help: "Silence sweeps completed, by kind: full (every account) or due (accounts whose wake had come)",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    sweptAccounts: new Counter({ name: "churnwatch_swept_accounts_total", help: "Accounts ticked by sweeps, by kind of sweep", labelNames: ["kind"] as const, registers: [registry] }),
    stateLoads: new Counter({
      name: "churnwatch_state_loads_total",
      help: "Account states a batch or sweep needed, by where they came from (the in-process cache, checked against Redis, or Redis)",
      labelNames: ["source"],
      registers: [registry],
    }),
  };
  // Both series exist at 0 from start-up: a worker that never completes a sweep then shows a flat line, which
  // ChurnwatchSweepsStalled fires on, instead of no series at all, which it could not.
  for (const kind of ["full", "due"] as const) metrics.sweeps.inc({ kind }, 0);
  new Gauge({
    name: "churnwatch_state_cache_bytes",
    help: "JSON size of the account states held in the in-process cache (STATE_CACHE_MB is the bound)",
    registers: [registry],
    collect() {
      this.set(cache.stats().bytes);
    },
  });
  new Gauge({
    name: "churnwatch_consumer_lag",
    help: "Messages not yet committed by the consumer group, per partition",
    labelNames: ["topic", "partition"],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of lag.lastMeasured() ?? []) this.set({ topic: p.topic, partition: String(p.partition) }, p.lag);
    },
  });
  return metrics;
}

export type SignalMetrics = ReturnType<typeof createSignalMetrics>;
