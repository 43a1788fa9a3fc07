#!/usr/bin/env -S npx tsx
/**
 * pnpm --filter @churnwatch/replay start -- events.ndjson --labels labels.csv --report report.json --html report.html
 * See ../README.md for every flag and the metric definitions.
 */
import { readFileSync } from "node:fs";
import { stat, readFile, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import type { ChurnEvent } from "@churnwatch/contracts";
import { defaultConfig, readEngineConfig, type EngineConfig } from "@churnwatch/engine";
import { CliUsageError, parseCli, usage, type RunCommand } from "./args.ts";
import { LabelsError, parseLabels, type Label } from "./labels.ts";
import { newReadStats, openInput, readEvents, type InvalidLine, type ReadStats } from "./ndjson.ts";
import { loadSorted, UnsortedInputError } from "./order.ts";
import { createProgress, type Progress } from "./progress.ts";
import type { ReplayOptions, ReplayResult } from "./replayer.ts";
import { replayInThreads } from "./threadedReplay.ts";
import { buildReport } from "./report.ts";
import { renderHtml } from "./html.ts";
import { runSweep, sweepTable, type SweepRow, type SweepScore } from "./sweep.ts";
import { scoreInWorkers } from "./parallelSweep.ts";
import { scorePoint, type PointContext } from "./sweepPoint.ts";
import { writeLines } from "./output.ts";

const MAX_INVALID_REPORTED = 1000;
// Each sweep thread holds its own copy of the events and of every account's state: more threads, more memory.
// The replay's own threads split the accounts' states, but each adds a heap of its own (2 threads took a million
// events from 2.35 to 3.43 GB of RSS). Only 2 threads were measured (on 2 cores): 4 is a guess at where the one
// reading thread starts to hold the others back.
const MAX_DEFAULT_THREADS = 4;

function invalidReporter(input: string) {
  const reported = new Set<number>();
  return (bad: InvalidLine) => {
    if (reported.has(bad.line)) return; // a re-read after sorting meets the same lines again
    reported.add(bad.line);
    if (reported.size <= MAX_INVALID_REPORTED) {
      process.stderr.write(`${input}:${bad.line}: invalid event (${bad.reason}): ${bad.detail.split("\n").join("; ")}\n`);
    } else if (reported.size === MAX_INVALID_REPORTED + 1) {
      process.stderr.write(`more invalid lines follow; only the count is reported from here\n`);
    }
  };
}

interface Loaded {
  result: ReplayResult;
  /** The events kept in memory (sorted), when the run needed them (sort order or a sweep). */
  events: ChurnEvent[] | undefined;
  read: ReadStats;
}

async function replayInput(cmd: RunCommand, config: EngineConfig, progress: Progress): Promise<Loaded> {
  const threads = threadCount(cmd);
  const replay = (events: AsyncIterable<ChurnEvent> | Iterable<ChurnEvent>, opts: ReplayOptions) => replayInThreads(events, opts, threads);
  const onInvalid = invalidReporter(cmd.input === "-" ? "stdin" : cmd.input);
  const size = cmd.input === "-" ? undefined : (await stat(cmd.input)).size;
  const base = { config, tickMs: cmd.tickMs, locale: cmd.locale, ...(cmd.asOfMs === undefined ? {} : { asOfMs: cmd.asOfMs }) };
  const inMemory = async (): Promise<Loaded> => {
    const read = newReadStats();
    progress.phase("reading", size ?? 1, () => read.bytes);
    const events = await loadSorted(readEvents(openInput(cmd.input), { stats: read, onInvalid }));
    progress.phase("replaying", events.length, (p) => p.events);
    const result = await replay(events, { ...base, onProgress: progress.update });
    return { result, events, read };
  };
  if (cmd.order === "sort" || cmd.sweep) return inMemory();
  const read = newReadStats();
  progress.phase("replaying", size ?? 1, () => (size === undefined ? 0 : read.bytes));
  const stream = readEvents(openInput(cmd.input), { stats: read, onInvalid });
  if (cmd.order === "sorted") return { result: await replay(stream, { ...base, onProgress: progress.update }), events: undefined, read };
  try {
    return { result: await replay(stream, { ...base, onUnsorted: "throw", onProgress: progress.update }), events: undefined, read };
  } catch (err) {
    if (!(err instanceof UnsortedInputError)) throw err;
    if (cmd.input === "-") {
      throw new CliUsageError(`${err.message}. stdin cannot be read twice: pass --order sort to buffer and sort it, or --order sorted to apply late events late`);
    }
    progress.stop();
    process.stderr.write(`${err.message}; re-reading ${cmd.input} to sort it in memory\n`);
    return inMemory();
  }
}

function threadCount(cmd: RunCommand): number {
  return cmd.threads ?? Math.min(availableParallelism(), MAX_DEFAULT_THREADS);
}

/** A rules file (and the model it names), refused with every problem listed (the same check the live worker applies). */
function loadConfig(path: string): EngineConfig {
  const parsed = readEngineConfig(path, (p) => readFileSync(p, "utf8"));
  if (!parsed.ok) throw new CliUsageError(`--config ${path} is not a valid rules file:\n  ${parsed.errors.join("\n  ")}`);
  return parsed.config;
}

async function run(cmd: RunCommand): Promise<number> {
  const started = performance.now();
  let labels: Label[] | undefined;
  if (cmd.labels !== undefined) labels = parseLabels(await readFile(cmd.labels, "utf8"));
  const config = cmd.config === undefined ? defaultConfig : loadConfig(cmd.config);
  const progress = createProgress(cmd.progress);
  let loaded: Loaded;
  try {
    loaded = await replayInput(cmd, config, progress);
  } finally {
    progress.stop();
  }
  const { result, read } = loaded;
  const { stats } = result;
  const seconds = (performance.now() - started) / 1000;

  // Named in the summary line: --snapshot and --report have defaults, and a file written unannounced into
  // the working directory is easy to overlook (and to commit).
  const written: string[] = [];
  await writeLines(cmd.alerts, (function* () {
    for (const e of result.episodes) yield JSON.stringify(e);
  })());
  if (cmd.alerts !== "-") written.push(cmd.alerts);
  if (cmd.asOfMs !== undefined && result.snapshot) {
    await writeFile(cmd.snapshot, JSON.stringify(result.snapshot, null, 2) + "\n", "utf8");
    written.push(cmd.snapshot);
  }

  let headline = "";
  if (labels !== undefined && stats.firstEventAt !== null && stats.lastEventAt !== null) {
    const accounts = result.accounts;
    const period = { periodStartMs: Date.parse(stats.firstEventAt), periodEndMs: Date.parse(stats.lastEventAt) };
    const report = buildReport({ episodes: result.episodes, labels, accounts, ...period });
    let sweep: SweepRow[] | undefined;
    if (cmd.sweep && loaded.events) {
      const events = loaded.events;
      const ctx: PointContext = { tickMs: cmd.tickMs, locale: cmd.locale, labels, periodEndMs: period.periodEndMs, lookbackMs: report.lookbackDays * 86_400_000 };
      const threads = threadCount(cmd);
      const sweepProgress = createProgress(cmd.progress);
      try {
        sweep = await runSweep(config, async (configs) => {
          if (threads > 1) {
            let done = 0;
            sweepProgress.phase(`sweep, ${configs.length} points on ${Math.min(threads, configs.length)} threads`, events.length * configs.length, (p) => p.events);
            return scoreInWorkers(events, ctx, configs, threads, (n) => sweepProgress.update({ events: (done += n), at: "" }));
          }
          const scores: SweepScore[] = [];
          for (const [i, pointConfig] of configs.entries()) {
            sweepProgress.phase(`sweep ${i + 1}/${configs.length}`, events.length, (p) => p.events);
            scores.push(await scorePoint(events, pointConfig, ctx, sweepProgress.update));
          }
          return scores;
        });
      } finally {
        sweepProgress.stop();
      }
      (cmd.alerts === "-" ? process.stderr : process.stdout).write(sweepTable(sweep));
    }
    await writeFile(cmd.report, JSON.stringify({ ...report, ...(sweep ? { sweep } : {}) }, null, 2) + "\n", "utf8");
    written.push(cmd.report);
    if (cmd.html !== undefined) {
      await writeFile(cmd.html, renderHtml(report, sweep ? { sweep } : {}), "utf8");
      written.push(cmd.html);
    }
    const o = report.overall;
    const pct = (x: number | null) => (x === null ? "-" : `${(x * 100).toFixed(1)}%`);
    headline =
      `; backtest: precision ${pct(o.precision)}, recall ${pct(o.recall)} (${o.truePositives}/${o.churners} churners), ` +
      `median lead ${o.leadTimeDays.median ?? "-"} d, ${o.alertsPerAccountMonth ?? "-"} alerts/account-month`;
  }
  const eps = seconds > 0 ? Math.round(stats.events / seconds) : stats.events;
  process.stderr.write(
    `replayed ${stats.events} events (${stats.applied} applied, ${stats.duplicates} duplicates, ${read.invalid} invalid lines` +
      `${stats.outOfOrder ? `, ${stats.outOfOrder} out of order` : ""}${stats.stale ? `, ${stats.stale} stale` : ""}) ` +
      `for ${stats.accounts} accounts: ${result.episodes.length} alert episodes, ${stats.ticks} ticks, ${seconds.toFixed(1)} s, ${eps} events/s${headline}` +
      `${written.length > 0 ? `; wrote ${written.join(", ")}` : ""}\n`,
  );
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  let cmd;
  try {
    cmd = parseCli(argv);
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    process.stderr.write(`churnwatch-replay: ${err.message}\n\n${usage}`);
    return 2;
  }
  if (cmd.kind === "help") {
    process.stdout.write(usage);
    return 0;
  }
  try {
    return await run(cmd);
  } catch (err) {
    if (err instanceof CliUsageError || err instanceof LabelsError) {
      process.stderr.write(`churnwatch-replay: ${err.message}\n`);
      return 2;
    }
    if ((err as NodeJS.ErrnoException).code === "EPIPE") return 0;
    throw err;
  }
}

// A closed pipe (e.g. `| head`) is the reader's choice, not a failure.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`churnwatch-replay: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
