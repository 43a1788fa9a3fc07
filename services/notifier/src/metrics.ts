import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import type { Queue, Worker } from "bullmq";
import { isFinalFailure } from "./worker.ts";

const STATES = ["waiting", "active", "delayed", "failed", "completed"] as const;

/** The notifier's Prometheus metrics: deliveries and each queue's depth by state. */
export function createNotifierMetrics(queues: readonly Queue[]) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const sent = new Counter({
    name: "churnwatch_emails_sent_total",
    help: "Email jobs completed, by outcome (sent, already-sent, superseded)",
    labelNames: ["status"],
    registers: [registry],
  });
  const failed = new Counter({
    name: "churnwatch_emails_failed_total",
    help: "Failed delivery attempts; final=true when the job went to the failed set",
    labelNames: ["final"],
    registers: [registry],
  });
  const digestRuns = new Counter({
    name: "churnwatch_digest_runs_total",
    help: "Executive digest runs, by outcome (sent, already-sent, skipped, superseded, failed); late=true when sent after its time",
    labelNames: ["status", "late"],
    registers: [registry],
  });
  new Gauge({
    name: "churnwatch_queue_jobs",
    help: "Jobs in each queue, by state",
    labelNames: ["queue", "state"],
    registers: [registry],
    async collect() {
      for (const queue of queues) {
        const counts = await queue.getJobCounts(...STATES);
        for (const state of STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
      }
    },
  });
  return {
    registry,
    /** Counts what the worker reports; attach once. */
    observe(worker: Worker) {
      worker.on("completed", (_job, result: unknown) => {
        const status = typeof result === "object" && result !== null && "status" in result ? String(result.status) : "sent";
        sent.inc({ status });
      });
      worker.on("failed", (job, err) => failed.inc({ final: String(isFinalFailure(job, err)) }));
    },
    /** Counts the digest runs the digests worker reports; attach once. */
    observeDigests(worker: Worker) {
      worker.on("completed", (_job, result: unknown) => {
        const r = typeof result === "object" && result !== null ? (result as { status?: unknown; late?: unknown }) : {};
        digestRuns.inc({ status: String(r.status ?? "sent"), late: String(r.late === true) });
      });
      worker.on("failed", (job, err) => {
        if (isFinalFailure(job, err)) digestRuns.inc({ status: "failed", late: "false" });
      });
    },
  };
}
