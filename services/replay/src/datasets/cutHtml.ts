/**
 * The cut evaluation as a self-contained HTML page (pure): the same tables as the Markdown, and per score a
 * calibration plot in inline SVG — predicted against observed defection with the diagonal for a score meant
 * as a probability, observed defection per score bin for any other. Styled like the backtest report (html.ts).
 */
import { esc } from "../html.ts";
import type { CalibrationBin } from "./cutMetrics.ts";
import type { CutResult, PredictorResult } from "./cutEvaluate.ts";

const f = (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? "–" : x.toFixed(digits));
const pct = (x: number | null | undefined) => (x === null || x === undefined ? "–" : `${(x * 100).toFixed(1)}%`);

const W = 360;
const H = 260;
const PAD = 40;

function axes(xLabel: string): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((t) => {
      const y = H - PAD - t * (H - 2 * PAD);
      return `<line x1="${PAD - 3}" y1="${y}" x2="${PAD}" y2="${y}" stroke="#333"/><text x="${PAD - 6}" y="${y + 3}" font-size="10" text-anchor="end">${t * 100}%</text>`;
    })
    .join("");
  return (
    `<line x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}" stroke="#333"/>` +
    `<line x1="${PAD}" y1="${PAD}" x2="${PAD}" y2="${H - PAD}" stroke="#333"/>${ticks}` +
    `<text x="${W / 2}" y="${H - 6}" font-size="11" text-anchor="middle">${esc(xLabel)}</text>` +
    `<text x="12" y="${H / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${H / 2})">observed defection</text>`
  );
}

/** Observed against predicted probability, the diagonal being perfect calibration; area ∝ accounts. */
function probabilitySvg(bins: readonly CalibrationBin[], name: string): string {
  const span = W - 2 * PAD;
  const top = H - 2 * PAD;
  const maxN = Math.max(1, ...bins.map((b) => b.n));
  const dots = bins
    .map((b) => {
      const x = PAD + (b.meanProbability ?? 0) * span;
      const y = H - PAD - b.observedRate * top;
      const r = 3 + 9 * Math.sqrt(b.n / maxN);
      return `<circle cx="${x}" cy="${y}" r="${r}" fill="#3b6ea8" fill-opacity=".6"><title>${b.n} accounts: predicted ${pct(b.meanProbability)}, observed ${pct(b.observedRate)}</title></circle>`;
    })
    .join("");
  return (
    `<svg width="${W}" height="${H}" role="img" aria-label="Calibration of ${esc(name)}">${axes("predicted probability")}` +
    `<line x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${PAD}" stroke="#999" stroke-dasharray="4 3"/>${dots}</svg>`
  );
}

/** Observed defection per score bin (lowest scores left). */
function binsSvg(bins: readonly CalibrationBin[], name: string): string {
  const bw = (W - 2 * PAD) / Math.max(1, bins.length);
  const top = H - 2 * PAD;
  const bars = bins
    .map((b, i) => {
      const h = b.observedRate * top;
      const x = PAD + i * bw;
      return `<rect x="${x + 2}" y="${H - PAD - h}" width="${bw - 4}" height="${h}" fill="#e08a2c"><title>scores ${f(b.minScore, 1)}–${f(b.maxScore, 1)}: ${b.n} accounts, observed ${pct(b.observedRate)}</title></rect>`;
    })
    .join("");
  return `<svg width="${W}" height="${H}" role="img" aria-label="Defection by score bin of ${esc(name)}">${axes("score bin, lowest to highest")}${bars}</svg>`;
}

function row(p: PredictorResult): string {
  if (p.flag) {
    return `<tr><td class="name">${esc(p.name)}</td><td>${f(p.auc)}</td><td>${p.flag.flagged} flagged</td><td>${f(p.flag.precision)}</td><td>${f(p.flag.recall)}</td><td>${f(p.flag.lift, 2)}</td></tr>`;
  }
  const a = p.atRecall;
  return `<tr><td class="name">${esc(p.name)}</td><td>${f(p.auc)}</td><td>top ${a?.k ?? "–"}</td><td>${f(a?.precision)}</td><td>${f(a?.recall)}</td><td>${f(a?.lift, 2)}</td></tr>`;
}

export function cutHtml(results: readonly CutResult[], title: string): string {
  const sections = results
    .map((r) => {
      const plots = r.predictors
        .filter((p) => p.calibration)
        .map((p) => {
          const bins = p.calibration as CalibrationBin[];
          const svg = bins.some((b) => b.meanProbability !== null) ? probabilitySvg(bins, p.name) : binsSvg(bins, p.name);
          return `<figure style="display:inline-block;margin:0 1rem 1rem 0">${svg}<figcaption><small>${esc(p.name)}</small></figcaption></figure>`;
        })
        .join("");
      return (
        `<h2>Cut ${esc(r.cut.slice(0, 10))} (horizon ${r.horizonMonths} months)</h2>` +
        `<p>${r.accountsSeen} accounts seen before the cut; <b>${r.eligible} eligible, ${r.defected} defected</b> (base rate ${f(r.baseRate)}).</p>` +
        `<table><tr><th>predictor</th><th>AUC</th><th>flagged / top-k</th><th>precision</th><th>recall</th><th>lift</th></tr>${r.predictors.map(row).join("")}</table>` +
        plots
      );
    })
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:70rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.875rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
td{white-space:nowrap}.name{text-align:left}th:first-child{text-align:left}small{color:#666}
</style></head><body>
<h1>${esc(title)}</h1>
<p><small>Eligible: orders in ≥ 4 calendar months before the cut and one in the 6 months before it; defected: no order in
the horizon after it. Every predictor saw only the events before the cut. Lift at recall 0.40: the top-k accounts that
reach recall 0.40 (ties broken at random, in expectation).</small></p>
${sections}
</body></html>
`;
}
