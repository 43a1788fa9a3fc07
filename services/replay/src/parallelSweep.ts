import type { ResourceLimits } from "node:worker_threads";
import type { ChurnEvent } from "@churnwatch/contracts";
import type { EngineConfig } from "@churnwatch/engine";
import type { SweepScore } from "./sweep.ts";
import type { PointContext } from "./sweepPoint.ts";
import type { FromWorker, ToWorker } from "./sweepWorker.ts";
import { startWorker, withMemoryAdvice } from "./workerThread.ts";

const WORKER = new URL("./sweepWorker.ts", import.meta.url);

/** A thread's failure, with what to do about it when it is memory: each thread holds its own copy of it all. */
const threadError = (err: Error) =>
  withMemoryAdvice(
    err,
    "a sweep thread",
    "each thread holds its own copy of the events and states; run with fewer --threads (1 replays the points one after another) or raise --max-old-space-size",
  );

/**
 * Scores the sweep's configs on `threads` worker threads, each with its own copy of the events, handing a
 * thread the next point as soon as it is free. The points are independent replays and each is deterministic,
 * so the scores are those of scoring them one after another, in the same order. `onEvents` hears how many
 * more events were replayed, across all threads. The first failure stops every thread.
 */
export async function scoreInWorkers(
  events: readonly ChurnEvent[],
  ctx: PointContext,
  configs: readonly EngineConfig[],
  threads: number,
  onEvents?: (events: number) => void,
  /** For tests: a thread's own heap limits. */
  resourceLimits?: ResourceLimits,
): Promise<SweepScore[]> {
  const scores: SweepScore[] = new Array<SweepScore>(configs.length);
  let next = 0;
  const workers = Array.from(
    { length: Math.max(1, Math.min(threads, configs.length)) },
    () => startWorker(WORKER, { events, ctx }, resourceLimits),
  );
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            let settled = false;
            const finish = (err?: Error) => {
              if (settled) return;
              settled = true;
              if (err) reject(err);
              else resolve();
            };
            const give = () => {
              if (next >= configs.length) return finish();
              const index = next++;
              worker.postMessage({ index, config: configs[index] as EngineConfig } satisfies ToWorker);
            };
            worker.on("message", (m: FromWorker) => {
              if (m.kind === "progress") onEvents?.(m.events);
              else if (m.kind === "done") {
                scores[m.index] = m.score;
                give();
              } else finish(new Error(`sweep point ${m.index + 1}: ${m.message}`));
            });
            worker.on("error", (err) => finish(threadError(err)));
            worker.on("exit", (code) => finish(new Error(`a sweep thread stopped (exit code ${code}) before its points were done`)));
            give();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return scores;
}
