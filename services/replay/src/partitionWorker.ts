/**
 * A replay partition in a worker thread: it applies the operations it is sent, in order, to its own accounts,
 * and answers each batch with an ack (the driver's flow control). See threadedReplay.ts.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { ChurnEvent } from "@churnwatch/contracts";
import type { SnapshotEntry } from "@churnwatch/engine";
import { AccountPartition, type PartitionOptions, type PartitionResult } from "./partition.ts";

/** A tick boundary, an event to apply, or the snapshot to take at this point of the input. */
export type PartitionOp = { op: "tick"; ms: number } | { op: "apply"; event: ChurnEvent; ms: number } | { op: "capture"; asOfMs: number };
export type ToPartition = { kind: "ops"; ops: PartitionOp[] } | { kind: "finish" };
export type FromPartition =
  | { kind: "ack" }
  | { kind: "snapshot"; entries: SnapshotEntry[] }
  | { kind: "result"; result: PartitionResult }
  | { kind: "failed"; error: { name: string; message: string; stack: string | undefined } };

const port = parentPort;
if (port === null) throw new Error("partitionWorker.ts runs as a worker thread");
const partition = new AccountPartition(workerData as PartitionOptions);
// After a failure the partition's state is no longer the input's: it answers nothing more, the driver stops.
let failed = false;

port.on("message", (m: ToPartition) => {
  if (failed) return;
  try {
    if (m.kind === "finish") {
      port.postMessage({ kind: "result", result: partition.result() } satisfies FromPartition);
      return;
    }
    for (const op of m.ops) {
      if (op.op === "apply") partition.apply(op.event, op.ms);
      else if (op.op === "tick") partition.tick(op.ms);
      else port.postMessage({ kind: "snapshot", entries: partition.snapshotEntries(op.asOfMs) } satisfies FromPartition);
    }
    port.postMessage({ kind: "ack" } satisfies FromPartition);
  } catch (err) {
    failed = true;
    const error = err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : { name: "Error", message: String(err), stack: undefined };
    port.postMessage({ kind: "failed", error } satisfies FromPartition);
  }
});
