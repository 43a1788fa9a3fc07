/** Command-line parsing for the simulator CLI, kept pure so it can be tested without a process. */
import { parseArgs } from "node:util";
import { resolveOptions, type SimulateOptions } from "./simulate.ts";
import type { World } from "./hardWorld.ts";

export const usage = `Usage: churnwatch-simulate --end <ISO instant> [options]

Writes a deterministic key-account event history as NDJSON (one churn event per line).

  --seed <n|text>               seed; the same seed gives byte-identical output (default 1)
  --accounts <n>                number of accounts (default 200)
  --months <n>                  months of history before --end (default 24)
  --end <ISO instant>           last instant of history, e.g. 2026-11-01T00:00:00Z (required)
  --until <ISO instant>         continue the same accounts past --end up to here
  --after <ISO instant>         skip events at or before this instant (resume a feed)
  --defector-share <0..1>       share of accounts that defect (default 0.2)
  --id-prefix <text>            account id prefix (default sim)
  --start-account-index <n>     first account index, to shard a run (default 0)
  --interactions                also log contacts (interaction.logged); the other events stay the same
  --world <standard|hard>       hard: seasonal buyers, one-off bulk orders, occasions split into several
                                orders (default standard); add --months 30 for histories past the retention
  --out <file|->                NDJSON destination; - for stdout (default -)
  --labels <file>               also write defector labels as CSV: accountId,churnedAt,pattern
  --no-progress                 no progress bar (it only shows when stderr is a terminal)
  -h, --help                    show this help
`;

export class CliUsageError extends Error {
  override readonly name = "CliUsageError";
}

export type CliCommand =
  | { kind: "help" }
  | { kind: "run"; options: SimulateOptions; out: string; labels?: string; progress: boolean };

function integer(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new CliUsageError(`${flag} must be a whole number (got ${JSON.stringify(text)})`);
  return Number(text);
}

function share(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(text)) {
    throw new CliUsageError(`--defector-share must be a number from 0 to 1 (got ${JSON.stringify(text)})`);
  }
  return Number(text);
}

export function parseCli(argv: readonly string[]): CliCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        seed: { type: "string" },
        accounts: { type: "string" },
        months: { type: "string" },
        end: { type: "string" },
        until: { type: "string" },
        after: { type: "string" },
        "defector-share": { type: "string" },
        "id-prefix": { type: "string" },
        "start-account-index": { type: "string" },
        out: { type: "string" },
        labels: { type: "string" },
        "no-progress": { type: "boolean" },
        interactions: { type: "boolean" },
        world: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
  if (values.help) return { kind: "help" };
  if (values.end === undefined) throw new CliUsageError("--end is required, e.g. --end 2026-11-01T00:00:00Z");
  const defectorShare = share(values["defector-share"]);
  const options: SimulateOptions = {
    seed: values.seed ?? "1",
    accounts: integer("--accounts", values.accounts, 200),
    months: integer("--months", values.months, 24),
    end: values.end,
    ...(values.until === undefined ? {} : { until: values.until }),
    ...(values.after === undefined ? {} : { after: values.after }),
    ...(defectorShare === undefined ? {} : { defectorShare }),
    ...(values["id-prefix"] === undefined ? {} : { idPrefix: values["id-prefix"] }),
    startAccountIndex: integer("--start-account-index", values["start-account-index"], 0),
    ...(values.interactions ? { interactions: true } : {}),
    ...(values.world === undefined ? {} : { world: values.world as World }),
  };
  try {
    resolveOptions(options); // same checks as the library, reported as usage errors
  } catch (err) {
    // Library messages start with the option's name: report it as the flag the user typed.
    const [name = "", ...rest] = (err as Error).message.split(" ");
    throw new CliUsageError(`--${kebab(name)} ${rest.join(" ")}`);
  }
  return {
    kind: "run",
    options,
    out: values.out ?? "-",
    ...(values.labels === undefined ? {} : { labels: values.labels }),
    progress: !values["no-progress"],
  };
}

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
