#!/usr/bin/env -S npx tsx
/**
 * pnpm exec tsx packages/simulator/src/cli.ts --seed 1 --accounts 200 --months 24 \
 *   --end 2026-11-01T00:00:00Z --out events.ndjson --labels labels.csv
 */
import { createWriteStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { SingleBar } from "cli-progress";
import { CliUsageError, parseCli, usage } from "./args.ts";
import { labelsToCsv, simulate, type Simulation } from "./simulate.ts";

const CHUNK_BYTES = 256 * 1024;
const PROGRESS_EVERY = 5_000;

function progressBar(sim: Simulation): { tick(occurredAt: string, events: number): void; stop(): void } {
  const bar = new SingleBar(
    { format: "simulating [{bar}] {percentage}% | {events} events | {day}", stream: process.stderr, hideCursor: true },
  );
  const span = Math.max(1, sim.untilMs - sim.startMs);
  bar.start(1000, 0, { events: 0, day: "" });
  return {
    tick: (occurredAt, events) =>
      bar.update(Math.round(((Date.parse(occurredAt) - sim.startMs) / span) * 1000), { events, day: occurredAt.slice(0, 10) }),
    stop: () => bar.stop(),
  };
}

/** Streams NDJSON with backpressure: a few hundred kilobytes in flight, never the whole history. */
async function writeEvents(sim: Simulation, out: Writable, onProgress?: (occurredAt: string, n: number) => void): Promise<number> {
  let buffer = "";
  let n = 0;
  for (const event of sim) {
    buffer += JSON.stringify(event) + "\n";
    n++;
    if (onProgress && n % PROGRESS_EVERY === 0) onProgress(event.occurredAt, n);
    if (buffer.length >= CHUNK_BYTES) {
      const ok = out.write(buffer);
      buffer = "";
      if (!ok) await once(out, "drain");
    }
  }
  if (buffer) out.write(buffer);
  return n;
}

async function main(argv: readonly string[]): Promise<number> {
  let command;
  try {
    command = parseCli(argv);
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    process.stderr.write(`churnwatch-simulate: ${err.message}\n\n${usage}`);
    return 2;
  }
  if (command.kind === "help") {
    process.stdout.write(usage);
    return 0;
  }
  const sim = simulate(command.options);
  if (command.labels !== undefined) await writeFile(command.labels, labelsToCsv(sim.labels), "utf8");

  const toStdout = command.out === "-";
  const out: Writable = toStdout ? process.stdout : createWriteStream(command.out, { encoding: "utf8" });
  const failed = new Promise<never>((_, reject) => out.once("error", reject));
  const bar = command.progress && process.stderr.isTTY ? progressBar(sim) : undefined;
  try {
    const n = await Promise.race([writeEvents(sim, out, bar?.tick), failed]);
    bar?.stop();
    if (!toStdout) {
      out.end();
      await Promise.race([once(out, "finish"), failed]);
    }
    const where = toStdout ? "stdout" : command.out;
    const labelNote = command.labels === undefined ? "" : `, ${sim.labels.length} defector labels to ${command.labels}`;
    process.stderr.write(`wrote ${n} events to ${where}${labelNote}\n`);
    return 0;
  } catch (err) {
    bar?.stop();
    // A closed pipe (e.g. `| head`) is the reader's choice, not a failure.
    if ((err as NodeJS.ErrnoException).code === "EPIPE") return 0;
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`churnwatch-simulate: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
