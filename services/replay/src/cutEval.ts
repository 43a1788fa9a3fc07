#!/usr/bin/env -S npx tsx
/**
 * Judges predictors of defection at cuts of a wire-event history (see ../README.md, "Cut evaluation"):
 *
 *   pnpm exec tsx services/replay/src/cutEval.ts events.ndjson --cut 2010-12-10 --cut 2011-06-10
 *     [--horizon-months 6] [--config rules.json] [--json out.json] [--html out.html] [--keep-tiers]
 *
 * Markdown on stdout; JSON and an HTML page with calibration plots when asked for.
 */
import { CliUsageError } from "./args.ts";
import { cutArg, forEachArg, runCli } from "./cliMain.ts";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { defaultConfig, parseDefectionModel, readEngineConfig, type DefectionModel, type EngineConfig } from "@churnwatch/engine";
import { fitModelAtCut, refitPopulation, trainingCutFor, type FitAtCut } from "./datasets/cutFit.ts";
import { cutHtml } from "./datasets/cutHtml.ts";
import { evaluateCut, type CutResult } from "./datasets/cutEvaluate.ts";
import { DEFAULT_HORIZON_MONTHS } from "./datasets/cutLabels.ts";
import { cutMarkdown } from "./datasets/cutMarkdown.ts";
import { defaultPredictors } from "./datasets/cutPredictors.ts";
import { newReadStats, openInput, readEvents } from "./ndjson.ts";
import { loadSorted } from "./order.ts";

const USAGE = `usage: cutEval.ts <events.ndjson|-> --cut <date|instant> [--cut …] [--horizon-months 6]
  [--config rules.json] [--json out.json] [--html out.html] [--keep-tiers]
  [--fit] [--model model.json]
  --keep-tiers  feed the engine the tiers as converted (default: re-rank them on revenue before each cut)
  --fit         before judging each cut C, fit the defection model at C − horizon (features then, labels up to C)
                and judge the engine with it: nothing at or after C informs the model
  --model       judge the engine with this model file (the fit command's output) instead
`;

interface Args {
  input: string;
  cuts: number[];
  horizonMonths: number;
  config?: string;
  json?: string;
  html?: string;
  retier: boolean;
  fit: boolean;
  model?: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { input: "", cuts: [], horizonMonths: DEFAULT_HORIZON_MONTHS, retier: true, fit: false };
  forEachArg(argv, (flag, value) => {
    if (flag === "--cut") args.cuts.push(cutArg(flag, value()));
    else if (flag === "--horizon-months") {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new CliUsageError("--horizon-months is a whole number of months ≥ 1");
      args.horizonMonths = n;
    } else if (flag === "--config") args.config = value();
    else if (flag === "--json") args.json = value();
    else if (flag === "--html") args.html = value();
    else if (flag === "--keep-tiers") args.retier = false;
    else if (flag === "--fit") args.fit = true;
    else if (flag === "--model") args.model = value();
    else if (flag.startsWith("--")) throw new CliUsageError(`unknown flag ${flag}`);
    else if (args.input === "") args.input = flag;
    else throw new CliUsageError(`one input file only (got ${flag} too)`);
  });
  if (args.input === "") throw new CliUsageError("an events file (or - for stdin) is required");
  if (args.cuts.length === 0) throw new CliUsageError("at least one --cut is required");
  if (args.fit && args.model !== undefined) throw new CliUsageError("--fit and --model both choose the model: give one");
  return args;
}

function loadConfig(path: string | undefined, modelPath: string | undefined): EngineConfig {
  let config = defaultConfig;
  if (path !== undefined) {
    const parsed = readEngineConfig(path, (p) => readFileSync(p, "utf8"));
    if (!parsed.ok) throw new CliUsageError(`--config ${path} is not a valid rules file:\n  ${parsed.errors.join("\n  ")}`);
    config = parsed.config;
  }
  if (modelPath === undefined) return config;
  const model = parseDefectionModel(readFileSync(modelPath, "utf8"), `--model ${modelPath}`);
  if (!model.ok) throw new CliUsageError(model.errors.join("\n  "));
  return { ...config, model: model.model };
}

async function main(args: Args): Promise<number> {
  const started = performance.now();
  const config = loadConfig(args.config, args.model);
  const read = newReadStats();
  const events = await loadSorted(readEvents(openInput(args.input), { stats: read }));
  const results: CutResult[] = [];
  const fits: Array<{ cut: string; trainingCut: string } & Omit<FitAtCut, "model"> & { model: DefectionModel }> = [];
  for (const cutMs of args.cuts) {
    let judged = config;
    if (args.fit) {
      const trainMs = trainingCutFor(cutMs, args.horizonMonths);
      const before = events.filter((e) => Date.parse(e.occurredAt) < cutMs);
      const fit = fitModelAtCut(before, trainMs, { horizonMonths: args.horizonMonths, config, version: `fit-${new Date(trainMs).toISOString().slice(0, 10)}`, source: args.input });
      fits.push({ cut: new Date(cutMs).toISOString(), trainingCut: new Date(trainMs).toISOString(), ...fit });
      process.stderr.write(`fitted at ${new Date(trainMs).toISOString().slice(0, 10)} for the cut ${new Date(cutMs).toISOString().slice(0, 10)}: ${fit.examples} labelled (${fit.defected} defected), ${fit.population} in the population\n`);
      // The population parts need no labels: refitted on everything before the cut being judged.
      judged = { ...config, model: refitPopulation(fit.model, before, cutMs, config) };
    }
    results.push(await evaluateCut(events, cutMs, defaultPredictors(judged), { horizonMonths: args.horizonMonths, retier: args.retier }));
  }
  process.stdout.write(cutMarkdown(results));
  const written: string[] = [];
  const meta = { input: args.input, events: events.length, invalidLines: read.invalid, configVersion: config.version, retier: args.retier, ...(fits.length ? { fits } : { model: config.model.version }) };
  if (args.json !== undefined) {
    await writeFile(args.json, JSON.stringify({ ...meta, cuts: results }, null, 2) + "\n", "utf8");
    written.push(args.json);
  }
  if (args.html !== undefined) {
    await writeFile(args.html, cutHtml(results, `Cut evaluation of ${args.input}`), "utf8");
    written.push(args.html);
  }
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(
    `cut evaluation: ${events.length} events (${read.invalid} invalid lines), ${results.length} cut(s): ` +
      results.map((r) => `${r.cut.slice(0, 10)} ${r.eligible} eligible, ${r.defected} defected`).join("; ") +
      `; ${seconds.toFixed(1)} s${written.length ? `; wrote ${written.join(", ")}` : ""}\n`,
  );
  return 0;
}

runCli("cutEval", USAGE, parseArgs, main);
