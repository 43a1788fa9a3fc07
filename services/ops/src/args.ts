/** Command-line parsing for the ops CLIs, pure so it can be tested without a process. */
import { parseArgs } from "node:util";
import { localeSchema, type Locale } from "@churnwatch/contracts";

export class CliUsageError extends Error {
  override readonly name = "CliUsageError";
}

export const inspectUsage = `Usage: pnpm --filter @churnwatch/ops inspect <accountId> [--json] [--locale en|zh-CN]

Shows one account as the signal worker holds it in Redis (REDIS_URL, KEY_PREFIX): profile, clock,
trailing-12-month order value, risk, firing alerts with their evidence, open invoices and complaints.

  --json                 print the same facts as JSON
  --locale <en|zh-CN>    language of the evidence sentences (default en)
  -h, --help             show this help
`;

export const replayUsage = `Usage: pnpm --filter @churnwatch/ops replay-dead-letters [--reason <r>] [--dry-run] [--limit N]

Re-sends dead letters (TOPIC_DEAD_LETTER on KAFKA_BROKERS) to the topic they came from, with their original
key, value and headers plus dlq.replayedFrom. Letters already replayed (recorded in Redis) are never re-sent.

  --reason <r>      only letters with this dlq.reason (oversize, bad-json, unknown-type, schema, processing)
  --dry-run         print what would be sent; send and record nothing
  --limit <N>       send at most N letters in this run
  -h, --help        show this help
`;

export type InspectCommand = { kind: "help" } | { kind: "run"; accountId: string; json: boolean; locale: Locale };
export type ReplayCommand = { kind: "help" } | { kind: "run"; reason?: string; dryRun: boolean; limit?: number };

// `pnpm run x -- args` passes the separator on.
const dropSeparator = (argv: readonly string[]) => argv.filter((a, i) => !(i === 0 && a === "--"));

/** node:util's parse errors become usage errors, so the CLI prints them with the usage, not a stack. */
function usageErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
}

export function parseInspectArgs(argv: readonly string[]): InspectCommand {
  const { values, positionals } = usageErrors(() =>
    parseArgs({
      args: dropSeparator(argv),
      strict: true,
      allowPositionals: true,
      options: { json: { type: "boolean" }, locale: { type: "string" }, help: { type: "boolean", short: "h" } },
    }),
  );
  if (values.help) return { kind: "help" };
  const [accountId, ...extra] = positionals;
  if (!accountId || extra.length > 0) throw new CliUsageError("give exactly one account id");
  const locale = localeSchema.safeParse(values.locale ?? "en");
  if (!locale.success) throw new CliUsageError(`--locale must be en or zh-CN (got ${JSON.stringify(values.locale)})`);
  return { kind: "run", accountId, json: values.json === true, locale: locale.data };
}

export function parseReplayArgs(argv: readonly string[]): ReplayCommand {
  const { values } = usageErrors(() =>
    parseArgs({
      args: dropSeparator(argv),
      strict: true,
      options: { reason: { type: "string" }, "dry-run": { type: "boolean" }, limit: { type: "string" }, help: { type: "boolean", short: "h" } },
    }),
  );
  if (values.help) return { kind: "help" };
  let limit: number | undefined;
  if (values.limit !== undefined) {
    limit = Number(values.limit);
    if (!/^\d+$/.test(values.limit) || !Number.isSafeInteger(limit) || limit < 1) {
      throw new CliUsageError(`--limit must be a whole number of at least 1 (got ${JSON.stringify(values.limit)})`);
    }
  }
  const reason = values.reason;
  if (reason !== undefined && reason.trim() === "") throw new CliUsageError("--reason needs a value");
  return { kind: "run", dryRun: values["dry-run"] === true, ...(reason ? { reason } : {}), ...(limit ? { limit } : {}) };
}
