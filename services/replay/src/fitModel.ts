#!/usr/bin/env -S npx tsx
/**
 * Learns the defection model from a history and writes the versioned model file a rules file names
 * (`"model": "…"`, see docs/backtest.md):
 *
 *   pnpm exec tsx services/replay/src/fitModel.ts events.ndjson --train-cut 2010-12-10 --out model.json
 *     [--version 2026-12-04.uci] [--horizon-months 6] [--inputs auto|noOrderChance,yearSpend,…]
 *
 * Features come from the events before the training cut C, labels from the orders in (C, C + horizon]
 * (no order there: defected); BG/NBD's population parameters from every account seen before C (no labels).
 * Nothing after C + horizon is read.
 */
import { CliUsageError } from "./args.ts";
import { cutArg, forEachArg, runCli } from "./cliMain.ts";
import { readFileSync, writeFileSync } from "node:fs";
import { parseLabels } from "./labels.ts";
import { defaultConfig, inputNames, type InputName } from "@churnwatch/engine";
import { fitModelAtCut } from "./datasets/cutFit.ts";
import { DEFAULT_HORIZON_MONTHS } from "./datasets/cutLabels.ts";
import { newReadStats, openInput, readEvents } from "./ndjson.ts";
import { loadSorted } from "./order.ts";

const USAGE = `usage: fitModel.ts <events.ndjson|-> --train-cut <date|instant> --out <model.json>
  [--version <label>] [--horizon-months 6] [--inputs auto|<name>,<name>…] [--labels labels.csv]
  --labels  known defection dates (accountId,churnedAt): label by "defected within the horizon" instead of
            by the orders ("no order within the horizon")
  inputs: ${inputNames.join(", ")} (default noOrderChance,yearSpend; auto: forward selection by cross-validation)
`;

interface Args {
  input: string;
  trainCutMs: number;
  out: string;
  version: string;
  horizonMonths: number;
  inputs: readonly InputName[] | "auto" | undefined;
  labels: string | undefined;
}

export function parseFitArgs(argv: readonly string[]): Args {
  let input = "";
  let trainCutMs: number | undefined;
  let out: string | undefined;
  let version: string | undefined;
  let horizonMonths = DEFAULT_HORIZON_MONTHS;
  let inputs: Args["inputs"];
  let labels: string | undefined;
  forEachArg(argv, (flag, value) => {
    if (flag === "--train-cut") trainCutMs = cutArg(flag, value());
    else if (flag === "--out") out = value();
    else if (flag === "--labels") labels = value();
    else if (flag === "--version") version = value();
    else if (flag === "--horizon-months") {
      horizonMonths = Number(value());
      if (!Number.isInteger(horizonMonths) || horizonMonths < 1) throw new CliUsageError("--horizon-months is a whole number of months ≥ 1");
    } else if (flag === "--inputs") {
      const v = value();
      if (v === "auto") inputs = "auto";
      else {
        const names = v.split(",").map((s) => s.trim());
        const unknown = names.filter((n) => !(inputNames as readonly string[]).includes(n));
        if (unknown.length > 0) throw new CliUsageError(`--inputs: unknown ${unknown.join(", ")} (known: ${inputNames.join(", ")})`);
        inputs = names as InputName[];
      }
    } else if (flag.startsWith("--")) throw new CliUsageError(`unknown flag ${flag}`);
    else if (input === "") input = flag;
    else throw new CliUsageError(`one input file only (got ${flag} too)`);
  });
  if (input === "") throw new CliUsageError("an events file (or - for stdin) is required");
  if (trainCutMs === undefined) throw new CliUsageError("--train-cut is required");
  if (out === undefined) throw new CliUsageError("--out is required");
  return { input, trainCutMs, out, version: version ?? `fit-${new Date(trainCutMs).toISOString().slice(0, 10)}`, horizonMonths, inputs, labels };
}

async function main(args: Args): Promise<number> {
  const started = performance.now();
  const read = newReadStats();
  const events = await loadSorted(readEvents(openInput(args.input), { stats: read }));
  let churnedAt: Map<string, number> | undefined;
  if (args.labels !== undefined) {
    try {
      churnedAt = new Map(parseLabels(readFileSync(args.labels, "utf8")).filter((l) => l.churnedAt !== "").map((l) => [l.accountId, l.churnedMs]));
    } catch (err) {
      process.stderr.write(`fitModel: --labels ${args.labels}: ${(err as Error).message}\n`);
      return 2;
    }
  }
  const fit = fitModelAtCut(events, args.trainCutMs, {
    ...(churnedAt ? { churnedAt } : {}),
    horizonMonths: args.horizonMonths,
    config: defaultConfig,
    version: args.version,
    source: args.input === "-" ? "stdin" : args.input.split("/").pop() ?? args.input,
    ...(args.inputs === undefined ? {} : { inputs: args.inputs }),
  });
  writeFileSync(args.out, `${JSON.stringify(fit.model, null, 2)}\n`, "utf8");
  const m = fit.model;
  process.stderr.write(
    `fitted ${m.version}: ${fit.examples} labelled accounts (${fit.defected} defected), ${fit.population} in the population; ` +
      `inputs ${m.inputs.map((i) => `${i.name} ${i.weight.toFixed(3)}`).join(", ")}; levels ${m.levels.medium}/${m.levels.high}/${m.levels.critical}; ` +
      `${read.invalid} invalid lines; ${((performance.now() - started) / 1000).toFixed(1)} s; wrote ${args.out}\n`,
  );
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) runCli("fitModel", USAGE, parseFitArgs, main);
