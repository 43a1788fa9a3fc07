/** Command-line parsing for the replay CLI, pure so it can be tested without a process. */
import { parseArgs } from "node:util";
import type { Locale } from "@churnwatch/contracts";

export const usage = `Usage: churnwatch-replay <events.ndjson|-> [options]

Replays wire events (NDJSON) through the live engine in event time and writes the alert episodes.

  --alerts <file|->        alert episodes as NDJSON (default - : stdout)
  --as-of <ISO instant>    also snapshot every account at this instant of event time
  --snapshot <file>        where the --as-of snapshot goes (JSON; default snapshot.json)
  --labels <csv>           ground truth accountId,churnedAt[,pattern]: adds a backtest report
  --report <file>          backtest report as JSON (default report.json; needs --labels)
  --html <file>            backtest report as a self-contained HTML page (needs --labels)
  --sweep                  vary thresholds, replay once per point, print the frontier (needs --labels)
  --threads <n>            worker threads (default: the cores, at most 4; 1 replays in this thread): the replay
                           splits the accounts over them; --sweep replays that many points at once, each
                           thread with its own copy of the events and states (1 for the least memory)
  --config <rules.json>    backtest a rules file (the format of ENGINE_CONFIG_PATH) instead of the defaults
  --tick <duration>        timer period in event time: 1d, 12h, 30m (default 1d)
  --order <auto|sorted|sort>
                           auto: stream, and if the file turns out unsorted, re-read and sort it
                           sorted: stream; out-of-order events are applied late and counted
                           sort: load everything into memory and sort first (default auto)
  --locale <en|zh-CN>      language of the explanation sentences (default en)
  --no-progress            no progress bar (it only shows when stderr is a terminal)
  -h, --help               show this help
`;

export class CliUsageError extends Error {
  override readonly name = "CliUsageError";
}

export type Order = "auto" | "sorted" | "sort";

export interface RunCommand {
  kind: "run";
  input: string;
  alerts: string;
  asOfMs?: number;
  snapshot: string;
  labels?: string;
  report: string;
  html?: string;
  /** A rules file to replay with instead of the built-in defaults. */
  config?: string;
  sweep: boolean;
  /** Worker threads for the replay (accounts split over them) and the sweep (points at once); undefined: the machine's cores, at most 4. */
  threads?: number;
  tickMs: number;
  order: Order;
  locale: Locale;
  progress: boolean;
}

export type CliCommand = { kind: "help" } | RunCommand;

const UNITS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 };

export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)([dhms])$/.exec(text.trim());
  const ms = m ? Number(m[1]) * (UNITS[m[2] as string] as number) : NaN;
  if (!(ms >= 60_000)) throw new CliUsageError(`${flag} must be a duration of at least a minute such as 1d, 12h or 30m (got ${JSON.stringify(text)})`);
  return ms;
}

function instant(flag: string, text: string): number {
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || !Number.isFinite(ms)) {
    throw new CliUsageError(`${flag} must be an ISO instant such as 2026-09-01T00:00:00Z (got ${JSON.stringify(text)})`);
  }
  return ms;
}

export function parseCli(argv: readonly string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.filter((a, i) => !(i === 0 && a === "--")), // `pnpm start -- args` passes the separator on
      strict: true,
      allowPositionals: true,
      options: {
        alerts: { type: "string" },
        "as-of": { type: "string" },
        snapshot: { type: "string" },
        labels: { type: "string" },
        report: { type: "string" },
        html: { type: "string" },
        sweep: { type: "boolean" },
        threads: { type: "string" },
        config: { type: "string" },
        tick: { type: "string" },
        order: { type: "string" },
        locale: { type: "string" },
        "no-progress": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: "help" };
  if (positionals.length !== 1) {
    throw new CliUsageError(positionals.length === 0 ? "an input file is required (or - for stdin)" : `one input file expected, got ${positionals.length}: ${positionals.join(" ")}`);
  }
  const order = values.order ?? "auto";
  if (order !== "auto" && order !== "sorted" && order !== "sort") throw new CliUsageError(`--order must be auto, sorted or sort (got ${JSON.stringify(order)})`);
  const locale = values.locale ?? "en";
  if (locale !== "en" && locale !== "zh-CN") throw new CliUsageError(`--locale must be en or zh-CN (got ${JSON.stringify(locale)})`);
  if (values.labels === undefined) {
    for (const flag of ["report", "html", "sweep"] as const) {
      if (values[flag] !== undefined) throw new CliUsageError(`--${flag} needs --labels <csv> (the ground truth to score against)`);
    }
  }
  if (values.snapshot !== undefined && values["as-of"] === undefined) throw new CliUsageError("--snapshot needs --as-of <ISO instant>");
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 64)) {
    throw new CliUsageError(`--threads must be a whole number from 1 to 64 (got ${JSON.stringify(values.threads)})`);
  }
  const input = positionals[0] as string;
  const alerts = values.alerts ?? "-";
  return {
    kind: "run",
    input,
    alerts,
    ...(values["as-of"] === undefined ? {} : { asOfMs: instant("--as-of", values["as-of"]) }),
    snapshot: values.snapshot ?? "snapshot.json",
    ...(values.labels === undefined ? {} : { labels: values.labels }),
    report: values.report ?? "report.json",
    ...(values.html === undefined ? {} : { html: values.html }),
    ...(values.config === undefined ? {} : { config: values.config }),
    sweep: values.sweep ?? false,
    ...(threads === undefined ? {} : { threads }),
    tickMs: values.tick === undefined ? UNITS.d as number : parseDuration("--tick", values.tick),
    order,
    locale,
    progress: !values["no-progress"],
  };
}
