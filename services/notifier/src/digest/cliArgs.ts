/** Command-line parsing for `pnpm --filter @churnwatch/notifier digests`, pure so it is tested without a process. */
import { parseArgs } from "node:util";

export class CliUsageError extends Error {
  override readonly name = "CliUsageError";
}

export const digestsUsage = `Usage: pnpm --filter @churnwatch/notifier digests <command> [options]

Manages executive digest subscriptions through the notifier's API (NOTIFIER_URL, default
http://127.0.0.1:8080) with an operations token (NOTIFIER_TOKEN, an API_TOKENS entry with scope *).

Commands:
  list                       every subscription, with its next runs
  show <id>                  one subscription as JSON
  preview <id>               the digest it would get now (plain-text part), without sending it
  add [options]              subscribe someone; prints the id and the next three runs
  remove <id>                delete a subscription (its digest stops at once)

Options of add:
  --email <address>          who receives the digest (required)
  --name <name>              their name, for the greeting (required)
  --locale <en|zh-CN>        language of the digest (default en)
  --cadence <c>              daily, weekly or monthly (required)
  --weekday <mon..sun>       weekly: the day it goes out
  --day-of-month <1-28>      monthly: the day it goes out
  --time <HH:mm>             local time, 24-hour (required)
  --timezone <IANA zone>     e.g. Asia/Shanghai, America/New_York (required)
  --region <r>               only accounts in this region (repeat for several)
  --tier <t>                 strategic, partner or ordinary (repeat for several)
  --min-level <l>            low, medium, high or critical
  --owner <address>          only accounts this manager owns (repeat for a team)
  --top <N>                  accounts listed (default 10; totals count them all)
  --send-when-empty          send an "all clear" instead of skipping when nothing is at risk
  --starts-at <ISO instant>  no digest before this instant
  -h, --help                 show this help
`;

export type DigestsCommand =
  | { kind: "help" }
  | { kind: "list" }
  | { kind: "show"; id: string }
  | { kind: "preview"; id: string }
  | { kind: "remove"; id: string }
  | { kind: "add"; body: Record<string, unknown> };

const dropSeparator = (argv: readonly string[]) => argv.filter((a, i) => !(i === 0 && a === "--"));

function integer(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new CliUsageError(`${flag} must be a whole number (got ${JSON.stringify(raw)})`);
  return Number(raw);
}

/** Builds the API request body; the notifier validates it and names what is wrong. */
export function parseDigestsArgs(argv: readonly string[]): DigestsCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: dropSeparator(argv),
      strict: true,
      allowPositionals: true,
      options: {
        email: { type: "string" },
        name: { type: "string" },
        locale: { type: "string" },
        cadence: { type: "string" },
        weekday: { type: "string" },
        "day-of-month": { type: "string" },
        time: { type: "string" },
        timezone: { type: "string" },
        region: { type: "string", multiple: true },
        tier: { type: "string", multiple: true },
        "min-level": { type: "string" },
        owner: { type: "string", multiple: true },
        top: { type: "string" },
        "send-when-empty": { type: "boolean" },
        "starts-at": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
  const { values: v, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (v.help || command === undefined || command === "help") return { kind: "help" };
  if (command === "list") return { kind: "list" };
  if (command === "show" || command === "preview" || command === "remove") {
    if (rest.length !== 1 || !rest[0]) throw new CliUsageError(`${command} takes exactly one subscription id`);
    return { kind: command, id: rest[0] };
  }
  if (command !== "add") throw new CliUsageError(`unknown command ${JSON.stringify(command)}: list, show, preview, add or remove`);
  for (const flag of ["email", "name", "cadence", "time", "timezone"] as const) {
    if (!v[flag]) throw new CliUsageError(`add needs --${flag}`);
  }
  const filters = {
    ...(v.region ? { regions: v.region } : {}),
    ...(v.tier ? { tiers: v.tier } : {}),
    ...(v["min-level"] ? { minLevel: v["min-level"] } : {}),
    ...(v.owner ? { owners: v.owner } : {}),
  };
  const dayOfMonth = integer("--day-of-month", v["day-of-month"]);
  const top = integer("--top", v.top);
  return {
    kind: "add",
    body: {
      recipient: { email: v.email, name: v.name, ...(v.locale ? { locale: v.locale } : {}) },
      schedule: {
        cadence: v.cadence,
        ...(v.weekday ? { weekday: v.weekday } : {}),
        ...(dayOfMonth !== undefined ? { dayOfMonth } : {}),
        time: v.time,
        timezone: v.timezone,
      },
      filters,
      ...(top !== undefined ? { top } : {}),
      ...(v["send-when-empty"] ? { whenEmpty: "send" } : {}),
      ...(v["starts-at"] ? { startsAt: v["starts-at"] } : {}),
    },
  };
}
