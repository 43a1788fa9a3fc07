#!/usr/bin/env -S npx tsx
/**
 * Converts a real data set of the shared data folder to wire events (NDJSON, sorted by occurredAt):
 *
 *   pnpm exec tsx services/replay/src/datasets/convert.ts online-retail|receivables [--data <dir>] --out events.ndjson
 *     [--tier-cut <date|instant>] [--per-invoice] [--disputes skip|complaint] [--no-progress]
 *
 * `--data` defaults to $CHURNWATCH_DATA, else the `shared/data` folder beside the repository's checkout
 * (../shared/data from the worktree; datasetFiles.ts). Every event is checked against the wire contract before anything is
 * written. The decisions each conversion makes are in onlineRetailEvents.ts and receivablesEvents.ts.
 */
import { CliUsageError } from "../args.ts";
import { cutArg, forEachArg, runCli } from "../cliMain.ts";
import { churnEventSchema, type ChurnEvent } from "@churnwatch/contracts";
import { dataFile, defaultDataDir, ONLINE_RETAIL_FILE, readGzipText, RECEIVABLES_FILE } from "../datasetFiles.ts";
import { writeLines } from "../output.ts";
import { createProgress } from "../progress.ts";
import { convertOnlineRetail } from "./onlineRetailEvents.ts";
import { parseOnlineRetail, type RejectedRow } from "./onlineRetailRows.ts";
import { convertReceivables } from "./receivablesEvents.ts";
import { parseReceivables } from "./receivablesRows.ts";

const USAGE = `usage: convert.ts online-retail|receivables [--data <dir>] --out <events.ndjson|->
  --tier-cut <date|instant>  rank tiers on revenue before this (default: the whole file, which looks ahead)
  --per-invoice              online-retail: one order per invoice (default: one per customer and UK day)
  --disputes skip|complaint  receivables: Disputed = Yes as nothing (default) or a low complaint at the due date
  --no-progress              no progress bar (it is drawn only on a terminal anyway)
`;

interface Args {
  dataset: "online-retail" | "receivables";
  data: string;
  out: string;
  tierCutMs?: number;
  perInvoice: boolean;
  disputes: "skip" | "complaint";
  progress: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const [dataset, ...rest] = argv;
  if (dataset !== "online-retail" && dataset !== "receivables") throw new CliUsageError(`first argument: online-retail or receivables (got ${JSON.stringify(dataset ?? "")})`);
  const args: Args = { dataset, data: defaultDataDir(), out: "", perInvoice: false, disputes: "skip", progress: true };
  forEachArg(rest, (flag, value) => {
    if (flag === "--data") args.data = value();
    else if (flag === "--out") args.out = value();
    else if (flag === "--tier-cut") args.tierCutMs = cutArg(flag, value());
    else if (flag === "--per-invoice") args.perInvoice = true;
    else if (flag === "--disputes") {
      const v = value();
      if (v !== "skip" && v !== "complaint") throw new CliUsageError(`--disputes is skip or complaint (got ${v})`);
      args.disputes = v;
    } else if (flag === "--no-progress") args.progress = false;
    else throw new CliUsageError(`unknown flag ${flag}`);
  });
  if (args.out === "") throw new CliUsageError("--out is required (- for stdout)");
  return args;
}

function convert(args: Args, text: string): { events: ChurnEvent[]; rejected: RejectedRow[]; summary: string } {
  const tier = args.tierCutMs === undefined ? {} : { tierCutMs: args.tierCutMs };
  if (args.dataset === "online-retail") {
    const { rows, rejected } = parseOnlineRetail(text);
    const { events, summary: s } = convertOnlineRetail(rows, { ...tier, mergeSameDay: !args.perInvoice });
    const summary =
      `${s.rows} rows → ${s.accounts} accounts, ${s.orders} orders (${s.invoicesMerged} same-day invoices merged, ${s.zeroValueOrders} of value 0), ` +
      `${s.creditNotesSkipped} credit notes skipped (${s.creditOnlyCustomers} credit-only customers), ${s.badAmounts} bad amounts; ` +
      `tiers ${s.tiers.strategic} strategic / ${s.tiers.partner} partner / ${s.tiers.ordinary} ordinary by ${s.tierBasis}`;
    return { events, rejected, summary };
  }
  const { rows, rejected } = parseReceivables(text);
  const { events, summary: s } = convertReceivables(rows, { ...tier, disputes: args.disputes });
  const summary =
    `${s.rows} rows → ${s.accounts} accounts, ${s.invoices} invoices, ${s.payments} payments (${s.unsettled} unsettled), ` +
    `${s.disputed} disputed (${s.disputeComplaints} as approximated low complaints), ${s.badAmounts} bad amounts; ` +
    `tiers ${s.tiers.strategic} strategic / ${s.tiers.partner} partner / ${s.tiers.ordinary} ordinary by ${s.tierBasis}`;
  return { events, rejected, summary };
}

async function main(args: Args): Promise<number> {
  const started = performance.now();
  const file = dataFile(args.data, args.dataset === "online-retail" ? ONLINE_RETAIL_FILE : RECEIVABLES_FILE);
  const { events, rejected, summary } = convert(args, await readGzipText(file));
  for (const r of rejected.slice(0, 20)) process.stderr.write(`${file}: record ${r.record}: ${r.reason}\n`);

  // The contract is the gate: nothing is written unless every event passes it.
  const progress = createProgress(args.progress);
  let invalid = 0;
  try {
    progress.phase("validating", events.length, (p) => p.events);
    events.forEach((e, i) => {
      const checked = churnEventSchema.safeParse(e);
      if (!checked.success) {
        if (++invalid <= 5) process.stderr.write(`convert: event ${e.eventId} fails the wire contract: ${checked.error.message}\n`);
      }
      if (i % 2000 === 0) progress.update({ events: i, at: e.occurredAt });
    });
    progress.update({ events: events.length, at: events[events.length - 1]?.occurredAt ?? "" });
  } finally {
    progress.stop();
  }
  if (invalid > 0) {
    process.stderr.write(`convert: ${invalid} events fail the wire contract; nothing written\n`);
    return 1;
  }
  await writeLines(args.out, (function* () {
    for (const e of events) yield JSON.stringify(e);
  })());
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(
    `converted ${args.dataset}: ${summary}; ${rejected.length} rejected rows; ${events.length} events ` +
      `(${events[0]?.occurredAt ?? "-"} … ${events[events.length - 1]?.occurredAt ?? "-"}), all valid, ${seconds.toFixed(1)} s` +
      `${args.out === "-" ? "" : `; wrote ${args.out}`}\n`,
  );
  return 0;
}

runCli("convert", USAGE, parseArgs, main);
