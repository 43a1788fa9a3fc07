import type { ResourceLimits, Worker } from "node:worker_threads";
import type { ChurnEvent } from "@churnwatch/contracts";
import type { SnapshotEntry } from "@churnwatch/engine";
import type { PartitionResult } from "./partition.ts";
import type { FromPartition, PartitionOp, ToPartition } from "./partitionWorker.ts";
import { drive, partitionOptions, replay, type PartitionSink, type ReplayOptions, type ReplayResult } from "./replayer.ts";
import { startWorker, withMemoryAdvice } from "./workerThread.ts";

const WORKER = new URL("./partitionWorker.ts", import.meta.url);
/** Operations sent to a thread at once: one message per few hundred events keeps the cost of messages small. */
const BATCH = 512;
/**
 * Batches a thread may have waiting before the reader stops: the reader is about 20 times faster than a
 * partition, and without a bound the whole input would queue up in memory as messages.
 */
const MAX_IN_FLIGHT = 8;

/** FNV-1a of the account id: the same account always goes to the same thread, spread evenly. */
export function partitionOf(accountId: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < accountId.length; i++) {
    h ^= accountId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

/**
 * The replay with its accounts split over `threads` worker threads, one partition each; this thread reads the
 * input and keeps the clock, the tick boundaries and the dedup window (replayer.ts `drive`). Every partition
 * gets every boundary and its accounts' events in input order, and accounts never read each other's state, so
 * the episodes, snapshot and counts are those of `replay` (the tests compare them). With one thread it is
 * `replay` itself, in this thread.
 */
export async function replayInThreads(
  events: AsyncIterable<ChurnEvent> | Iterable<ChurnEvent>,
  opts: ReplayOptions,
  threads: number,
  /** For tests: each thread's own heap limits. */
  resourceLimits?: ResourceLimits,
): Promise<ReplayResult> {
  if (threads <= 1) return replay(events, opts);
  const partitionOpts = partitionOptions(opts);
  const workers: Worker[] = [];
  try {
    // Started inside the try: if one fails to start, those already running are stopped too.
    for (let i = 0; i < threads; i++) workers.push(startWorker(WORKER, partitionOpts, resourceLimits));
    return await drive(events, opts, threadedSink(workers));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** An error thrown in a thread, named for the thread, with the original's name, message and stack as its cause. */
function threadFailure(index: number, error: { name: string; message: string; stack: string | undefined }): Error {
  const cause = new Error(error.message);
  cause.name = error.name;
  if (error.stack !== undefined) cause.stack = error.stack;
  return new Error(`replay thread ${index + 1}: ${error.name}: ${error.message}`, { cause });
}

/** A thread's failure, with what to do about it when it is memory: each thread holds its share of the accounts. */
const threadError = (err: Error) =>
  withMemoryAdvice(err, "a replay thread", "each thread holds the states of its share of the accounts; run with more --threads or raise --max-old-space-size");

function threadedSink(workers: Worker[]): PartitionSink {
  const n = workers.length;
  const buffers: PartitionOp[][] = workers.map(() => []);
  const inFlight: number[] = workers.map(() => 0);
  const snapshots: SnapshotEntry[][] = [];
  const results: Array<PartitionResult | undefined> = workers.map(() => undefined);
  let captures = 0;
  let failure: Error | undefined;
  // Whoever waits (on the backlog or on the end) is woken by any message or failure and looks again.
  let wake: (() => void) | undefined;
  const changed = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const waitForChange = () => new Promise<void>((resolve) => (wake = resolve));

  workers.forEach((worker, i) => {
    worker.on("message", (m: FromPartition) => {
      if (m.kind === "ack") inFlight[i] = (inFlight[i] as number) - 1;
      else if (m.kind === "snapshot") snapshots.push(m.entries);
      else if (m.kind === "result") results[i] = m.result;
      else failure ??= threadFailure(i, m.error);
      changed();
    });
    worker.on("error", (err) => {
      failure ??= threadError(err);
      changed();
    });
    worker.on("exit", (code) => {
      if (results[i] === undefined) failure ??= new Error(`replay thread ${i + 1} stopped (exit code ${code}) before the end of the input`);
      changed();
    });
  });

  const send = (i: number) => {
    const ops = buffers[i] as PartitionOp[];
    if (ops.length === 0) return;
    buffers[i] = [];
    inFlight[i] = (inFlight[i] as number) + 1;
    (workers[i] as Worker).postMessage({ kind: "ops", ops } satisfies ToPartition);
  };
  const push = (i: number, op: PartitionOp) => {
    const ops = buffers[i] as PartitionOp[];
    ops.push(op);
    if (ops.length >= BATCH) send(i);
  };
  const check = () => {
    if (failure) throw failure;
  };

  return {
    tick(ms) {
      for (let i = 0; i < n; i++) push(i, { op: "tick", ms });
    },
    apply(event, ms) {
      push(partitionOf(event.accountId, n), { op: "apply", event, ms });
    },
    capture(asOfMs) {
      captures++;
      for (let i = 0; i < n; i++) push(i, { op: "capture", asOfMs });
    },
    backlog() {
      if (failure) return Promise.reject(failure);
      if (!inFlight.some((f) => f > MAX_IN_FLIGHT)) return undefined;
      return (async () => {
        while (inFlight.some((f) => f > MAX_IN_FLIGHT)) {
          check();
          await waitForChange();
        }
        check();
      })();
    },
    async finish() {
      for (let i = 0; i < n; i++) {
        send(i);
        (workers[i] as Worker).postMessage({ kind: "finish" } satisfies ToPartition);
      }
      while (results.some((r) => r === undefined)) {
        check();
        await waitForChange();
      }
      check();
      const snapshot = captures > 0 ? snapshots.flat() : undefined;
      return { results: results as PartitionResult[], snapshot };
    },
  };
}
