import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import type { Queue, Worker } from "bullmq";
import { isFinalFailure } from "./worker.ts";

const STATES = ["waiting", "active", "delayed", "failed", "completed"] as const;

/** The notifier's Prometheus metrics: deliveries and the alert queue's depth by state. */
export function createNotifierMetrics(queue: Queue) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const sent = new Counter({ name: "churnwatch_emails_sent_total", help: "Alert jobs completed (sent, or found already sent)", registers: [registry] });
  const failed = new Counter({
    name: "churnwatch_emails_failed_total",
    help: "Failed delivery attempts; final=true when the job went to the failed set",
    labelNames: ["final"],
    registers: [registry],
  });
  new Gauge({
    name: "churnwatch_queue_jobs",
    help: "Jobs in the alert queue, by state",
    labelNames: ["queue", "state"],
    registers: [registry],
    async collect() {
      const counts = await queue.getJobCounts(...STATES);
      for (const state of STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
    },
  });
  return {
    registry,
    /** Counts what the worker reports; attach once. */
    observe(worker: Worker) {
      worker.on("completed", () => sent.inc());
      worker.on("failed", (job, err) => failed.inc({ final: String(isFinalFailure(job, err)) }));
    },
  };
}
