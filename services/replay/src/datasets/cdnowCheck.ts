#!/usr/bin/env -S npx tsx
/**
 * pnpm exec tsx services/replay/src/datasets/cdnowCheck.ts [--data path/to/cdnow_master_1997_1998.csv.gz]
 *
 * Fits the BG/NBD on CDNOW's 39 calibration weeks and prints predicted against actual repeat purchases in
 * the 39 holdout weeks, and how well P(no purchase) ranks the customers who bought nothing (ROC AUC) beside
 * two baselines. Exit status: 0 done (whatever the figures), 2 usage error, 1 anything else.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { loadCdnow } from "./cdnow.ts";
import { runCdnowBacktest, type CdnowBacktest } from "./cdnowBacktest.ts";

/** The shared data folder sits beside the repository (and beside each worktree). */
export const DEFAULT_CDNOW_PATH = resolve(import.meta.dirname, "../../../../../shared/data/cdnow/cdnow_master_1997_1998.csv.gz");

const USAGE = "usage: cdnowCheck.ts [--data path/to/cdnow_master_1997_1998.csv.gz]\n";

function parseArgs(argv: readonly string[]): { data: string } | { help: true } | { error: string } {
  let data = DEFAULT_CDNOW_PATH;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") return { help: true };
    if (arg === "--data") {
      const value = argv[++i];
      if (value === undefined) return { error: "--data needs a path" };
      data = resolve(value);
    } else if (arg?.startsWith("--data=")) {
      data = resolve(arg.slice("--data=".length));
    } else {
      return { error: `unknown argument ${JSON.stringify(arg)}` };
    }
  }
  return { data };
}

const f = (v: number, digits = 3) => v.toFixed(digits);

export function formatBacktest(r: CdnowBacktest): string {
  const { r: shape, alpha, a, b } = r.fit.params;
  const lines = [
    `customers ${r.customers} (skipped ${r.skipped}), calibration repeat occasions ${r.calibrationRepeatOccasions}, time unit: weeks`,
    `fitted params  r=${f(shape)} alpha=${f(alpha)} a=${f(a)} b=${f(b)}  (paper, on a 1/10 sample: r=0.243 alpha=4.414 a=0.793 b=2.426)`,
    `log-likelihood ${f(r.fit.logLikelihood, 1)}, ${r.fit.iterations} Nelder-Mead iterations, converged ${r.fit.converged}, fit time ${f(r.fitMs / 1000, 2)} s`,
    `holdout (${r.holdoutWeeks} weeks) repeat occasions: predicted ${f(r.predictedHoldout, 1)}, actual ${r.actualHoldout}, error ${r.errorPercent >= 0 ? "+" : ""}${f(r.errorPercent, 2)}% (within 5%: ${Math.abs(r.errorPercent) <= 5 ? "yes" : "no"})`,
    `no purchase in the holdout: actual share ${f(r.actualNoPurchaseRate)}, mean predicted P ${f(r.predictedNoPurchaseRate)}`,
    `ROC AUC for "no purchase in the holdout": model P(no purchase, 39 w) ${f(r.auc.model)} | baselines: weeks since last purchase ${f(r.auc.recency)}, fewer repeat purchases ${f(r.auc.frequency)}`,
    `mean holdout occasions by calibration repeat occasions (x: customers, predicted, actual):`,
    ...r.byFrequency.map((row) => `  x=${row.x.padEnd(3)} ${String(row.customers).padStart(6)}  ${f(row.predicted)}  ${f(row.actual)}`),
  ];
  return lines.join("\n") + "\n";
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if ("help" in args) {
    process.stdout.write(USAGE);
    return 0;
  }
  if ("error" in args) {
    process.stderr.write(`cdnowCheck: ${args.error}\n${USAGE}`);
    return 2;
  }
  if (!existsSync(args.data)) {
    process.stderr.write(`cdnowCheck: no CDNOW file at ${args.data}\n${USAGE}`);
    return 2;
  }
  const rows = await loadCdnow(args.data);
  process.stdout.write(`read ${rows.length} rows from ${args.data}\n`);
  process.stdout.write(formatBacktest(runCdnowBacktest(rows)));
  return 0;
}

// Run only as a script: the test imports DEFAULT_CDNOW_PATH and formatBacktest from here.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === import.meta.filename) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`cdnowCheck: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
