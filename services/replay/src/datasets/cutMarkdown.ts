/** The cut evaluation as Markdown (pure): a table of predictors per cut, then each score's calibration. */
import type { CutResult } from "./cutEvaluate.ts";

const f = (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? "–" : x.toFixed(digits));
const pct = (x: number | null | undefined) => (x === null || x === undefined ? "–" : `${(x * 100).toFixed(1)}%`);

export function cutMarkdown(results: readonly CutResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(
      `### Cut ${r.cut.slice(0, 10)} (horizon ${r.horizonMonths} months)`,
      "",
      `${r.accountsSeen} accounts seen before the cut, **${r.eligible} eligible, ${r.defected} defected** (base rate ${f(r.baseRate)}).`,
      "",
      "| predictor | AUC | flagged / top-k | precision | recall | lift |",
      "| --- | --- | --- | --- | --- | --- |",
    );
    for (const p of r.predictors) {
      if (p.flag) {
        out.push(`| ${p.name} | ${f(p.auc)} | ${p.flag.flagged} flagged | ${f(p.flag.precision)} | ${f(p.flag.recall)} | ${f(p.flag.lift, 2)} |`);
      } else if (p.atRecall) {
        const a = p.atRecall;
        out.push(`| ${p.name} | ${f(p.auc)} | top ${a.k} (recall ≥ ${a.targetRecall.toFixed(2)}) | ${f(a.precision)} | ${f(a.recall)} | ${f(a.lift, 2)} |`);
      }
    }
    for (const p of r.predictors) {
      if (!p.calibration) continue;
      out.push("", `Calibration of ${p.name}${p.largestTie ? ` (largest tie: ${p.largestTie.accounts} accounts at ${p.largestTie.score})` : ""}:`, "");
      const prob = p.calibration.some((b) => b.meanProbability !== null);
      out.push(`| bin | accounts | score range | mean score |${prob ? " predicted |" : ""} observed defection |`);
      out.push(`| --- | --- | --- | --- |${prob ? " --- |" : ""} --- |`);
      p.calibration.forEach((b, i) => {
        out.push(`| ${i + 1} | ${b.n} | ${f(b.minScore, 1)} – ${f(b.maxScore, 1)} | ${f(b.meanScore, 1)} |${prob ? ` ${pct(b.meanProbability)} |` : ""} ${pct(b.observedRate)} |`);
      });
    }
    out.push("");
  }
  return out.join("\n") + "\n";
}
