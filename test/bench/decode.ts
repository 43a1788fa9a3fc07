/**
 * The cost of validating events, the ceiling under the replay and the live worker (issue 14):
 *   pnpm exec tsx test/bench/decode.ts [--accounts 300] [--months 12] [--seed 42] [--reps 5]
 * On the same simulated history, as Buffers (what Kafka hands the worker), per rep in rotating order:
 *   (a) JSON.parse alone, the baseline;
 *   (b) JSON.parse + zod's safeParse of the whole union, the decoder before the fast path;
 *   (c) decodeEvent as shipped: ajv's compiled validator for orders, invoices, payments and complaints,
 *       zod for the rest and for every refusal.
 * and, on values parsed beforehand, validation alone:
 *   (d) zod's safeParse;  (e) the fast path's validator (ajv where compiled, zod for the other types).
 * Progress on stderr, figures on stdout: events/s (median, min, max) and the ratios per rep. On a loaded
 * machine read the max (the least disturbed rep) beside the median.
 */
import { churnEventSchema, decodeEvent, decodeWithZod, fastValidator, type EventType } from "@churnwatch/contracts";
import { simulate } from "@churnwatch/simulator";
import { benchArgs, describeSummary, fmt, log, machineLine, progress, runBench, summarize } from "./support.ts";

const args = benchArgs(import.meta.url, {
  accounts: { type: "string", default: "300" },
  months: { type: "string", default: "12" },
  seed: { type: "string", default: "42" },
  reps: { type: "string", default: "5" },
});

type Variant = "a" | "b" | "c" | "d" | "e";
const variants: Variant[] = ["a", "b", "c", "d", "e"];
const label: Record<Variant, string> = {
  a: "(a) JSON.parse",
  b: "(b) JSON.parse + zod",
  c: "(c) decodeEvent (ajv fast path)",
  d: "(d) zod alone, parsed values",
  e: "(e) fast validator alone, parsed values",
};

function run(variant: Variant, values: readonly Buffer[], parsed: ReadonlyArray<{ type: EventType }>): number {
  let ok = 0;
  const t0 = process.hrtime.bigint();
  if (variant === "d") for (const p of parsed) ok += churnEventSchema.safeParse(p).success ? 1 : 0;
  else if (variant === "e") for (const p of parsed) ok += (fastValidator(p.type)?.(p) ?? churnEventSchema.safeParse(p).success) ? 1 : 0;
  else
    for (const v of values) {
      if (variant === "a") ok += JSON.parse(v.toString("utf8")) ? 1 : 0;
      else if (variant === "b") ok += decodeWithZod(JSON.parse(v.toString("utf8"))).ok ? 1 : 0;
      else ok += decodeEvent(v).ok ? 1 : 0;
    }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  // Every event of the simulator is valid: a variant that refused some would be measuring something else.
  if (variant !== "a" && ok !== values.length) throw new Error(`${label[variant]} accepted ${ok} of ${values.length}`);
  return values.length / seconds;
}

runBench(async () => {
  const sim = simulate({ seed: Number(args.seed), accounts: Number(args.accounts), months: Number(args.months), end: "2026-11-01T00:00:00Z" });
  const values = [...sim].map((e) => Buffer.from(JSON.stringify(e)));
  const parsed = values.map((v) => JSON.parse(v.toString("utf8")) as { type: EventType });
  log(`${fmt(values.length)} events from ${args.accounts} simulated accounts × ${args.months} months`);
  // Warm-up: compile ajv's validators and let the JIT settle before anything is timed.
  for (const v of variants) run(v, values.slice(0, 20_000), parsed.slice(0, 20_000));
  const reps = Number(args.reps);
  const rates: Record<Variant, number[]> = { a: [], b: [], c: [], d: [], e: [] };
  const bar = progress("decoding", reps * variants.length, "runs");
  for (let r = 0; r < reps; r++) {
    // Rotate the order so no variant always runs first (or just after a garbage collection).
    for (let i = 0; i < variants.length; i++) {
      const v = variants[(r + i) % variants.length] as Variant;
      rates[v].push(run(v, values, parsed));
      bar.update(r * variants.length + i + 1);
    }
  }
  bar.stop();
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(machineLine());
  out(`${fmt(values.length)} events, ${reps} reps`);
  for (const v of variants) out(`${label[v]}: ${describeSummary(summarize(rates[v]), "events/s")}`);
  const ratio = (x: Variant, y: Variant) => summarize(rates[x].map((r, i) => r / (rates[y][i] ?? Number.NaN)));
  out(`b/a (decode with zod ÷ parse): ${describeSummary(ratio("b", "a"), "", 3)}`);
  out(`c/a (decode with the fast path ÷ parse): ${describeSummary(ratio("c", "a"), "", 3)}`);
  out(`c/b (decode speed-up): ${describeSummary(ratio("c", "b"), "×", 2)}`);
  out(`e/d (validation speed-up): ${describeSummary(ratio("e", "d"), "×", 2)}`);
  out(`e/a (validation alone ÷ parse; above 1 means validating costs less than parsing): ${describeSummary(ratio("e", "a"), "", 2)}`);
});
