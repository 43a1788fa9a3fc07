/**
 * A sweep worker thread: it receives the events and the scoring context once, then scores the points it is
 * sent, one at a time, and reports progress in replayed events. See parallelSweep.ts.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { ChurnEvent } from "@churnwatch/contracts";
import type { EngineConfig } from "@churnwatch/engine";
import type { SweepScore } from "./sweep.ts";
import { scorePoint, type PointContext } from "./sweepPoint.ts";

export type ToWorker = { index: number; config: EngineConfig };
export type FromWorker =
  | { kind: "progress"; events: number }
  | { kind: "done"; index: number; score: SweepScore }
  | { kind: "failed"; index: number; message: string };

const { events, ctx } = workerData as { events: ChurnEvent[]; ctx: PointContext };
const port = parentPort;
if (port === null) throw new Error("sweepWorker.ts runs as a worker thread");

port.on("message", (job: ToWorker) => {
  let reported = 0;
  const onProgress = ({ events: n }: { events: number }) => {
    port.postMessage({ kind: "progress", events: n - reported } satisfies FromWorker);
    reported = n;
  };
  scorePoint(events, job.config, ctx, onProgress).then(
    (score) => {
      onProgress({ events: events.length });
      port.postMessage({ kind: "done", index: job.index, score } satisfies FromWorker);
    },
    (err: unknown) => port.postMessage({ kind: "failed", index: job.index, message: err instanceof Error ? err.message : String(err) } satisfies FromWorker),
  );
});
