// Shared pieces of the benchmark scripts: infrastructure, statistics, progress bars and output.
// Benchmarks are scripts that print figures; nothing here asserts a speed.
import { basename } from "node:path";
import { cpus } from "node:os";
import { parseArgs, type ParseArgsConfig } from "node:util";
import cliProgress from "cli-progress";
import { ensureKafka, stopKafka } from "../../infra/dev/kafka.ts";

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** (max - min) / median: how much the repetitions disagree on this noisy machine */
  spread: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error("summarize needs at least one value");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const min = sorted[0] as number;
  const max = sorted[sorted.length - 1] as number;
  return { median, min, max, spread: median === 0 ? 0 : (max - min) / median };
}

/** Nearest-rank percentile of an unsorted sample. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : String(n);

export function describeSummary(s: Summary, unit: string, digits = 0): string {
  return `median ${fmt(s.median, digits)} ${unit} (min ${fmt(s.min, digits)}, max ${fmt(s.max, digits)}, spread ${fmt(s.spread * 100, 1)}%)`;
}

export function machineLine(): string {
  return `${new Date().toISOString()} · node ${process.version} · ${cpus().length} cpu(s) (${cpus()[0]?.model.trim() ?? "?"})`;
}

export const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);

type Options = NonNullable<ParseArgsConfig["options"]>;
type Values<O extends Options> = ReturnType<typeof parseArgs<{ options: O }>>["values"];
type Choices<O extends Options> = Partial<Record<keyof O & string, readonly string[]>>;

/** The usage line of a benchmark, made from its options and their defaults (or the values they may take). */
export function benchUsage<O extends Options>(script: string, options: O, choices: Choices<O> = {}): string {
  const flags = Object.entries(options).map(([flag, o]) => {
    const allowed = choices[flag as keyof O & string];
    return o.type === "boolean" ? `[--${flag}]` : `[--${flag} ${allowed ? allowed.join("|") : String(o.default ?? "<value>")}]`;
  });
  return `Usage: pnpm exec tsx test/bench/${basename(script)} ${flags.join(" ")}\n`;
}

/**
 * Parses and checks a benchmark's arguments; throws with the reason. An option whose default is a whole number
 * must be one, one whose default is an instant must be one, and `choices` lists the values others may take.
 */
export function parseBenchArgs<O extends Options>(argv: string[], options: O, choices: Choices<O> = {}): Values<O> {
  const values = parseArgs({ args: argv, options }).values as Record<string, unknown>;
  for (const [flag, o] of Object.entries(options)) {
    const value = values[flag];
    if (typeof value !== "string") continue;
    const allowed = choices[flag as keyof O & string];
    if (allowed && !allowed.includes(value)) throw new Error(`--${flag} must be one of ${allowed.join(", ")} (got ${JSON.stringify(value)})`);
    if (typeof o.default !== "string") continue;
    if (/^\d+$/.test(o.default) && !/^\d+$/.test(value)) throw new Error(`--${flag} must be a whole number (got ${JSON.stringify(value)})`);
    if (/^\d{4}-\d\d-\d\dT/.test(o.default) && Number.isNaN(Date.parse(value))) throw new Error(`--${flag} must be an ISO instant (got ${JSON.stringify(value)})`);
  }
  return values as Values<O>;
}

/**
 * A benchmark's options from the command line, checked before anything starts: a mistyped flag or a count that
 * is not a number is refused with the usage (exit 2), not with a parser's stack trace or a NaN run minutes
 * later. `--help` prints the usage.
 */
export function benchArgs<const O extends Options>(script: string, options: O, choices: Choices<O> = {}): Values<O> {
  const usage = benchUsage(script, options, choices);
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(usage);
    process.exit(0);
  }
  try {
    return parseBenchArgs(argv, options, choices);
  } catch (err) {
    process.stderr.write(`${basename(script)}: ${err instanceof Error ? err.message : String(err)}\n${usage}`);
    process.exit(2);
  }
}

/** A progress bar on stderr when it is a terminal; silent (but still callable) otherwise. */
export interface Progress {
  update(value: number, payload?: Record<string, unknown>): void;
  stop(): void;
}

export function progress(label: string, total: number, unit = "events"): Progress {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit}`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  let last = 0;
  return {
    // Redrawing on every call would cost more than some of the loops it measures.
    update(value, payload) {
      const now = Date.now();
      if (now - last < 100 && value < total) return;
      last = now;
      bar.update(Math.min(value, total), payload);
    },
    stop: () => bar.stop(),
  };
}

/** Starts Kafka when nothing answers; `release` stops it again only if this script started it. */
export async function useKafka(): Promise<{ brokers: string[]; release(): Promise<void> }> {
  const handle = await ensureKafka();
  return {
    brokers: handle.brokers,
    async release() {
      if (handle.started) await stopKafka();
    },
  };
}

/** Runs cleanup steps one by one: a failing step is reported and never skips the others. */
export async function cleanupAll(steps: Array<[string, () => Promise<unknown>]>): Promise<void> {
  for (const [name, fn] of steps) {
    try {
      await fn();
    } catch (err) {
      log(`cleanup step "${name}" failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    }
  }
}

/** Runs a benchmark's main and reports a failure without a stack dump of unrelated frames. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => undefined,
    (err: unknown) => {
      process.stderr.write(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
