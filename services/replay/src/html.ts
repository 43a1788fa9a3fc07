import type { BacktestReport, Metrics } from "./report.ts";
import type { SweepRow } from "./sweep.ts";

/** Escapes text for HTML element content and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const pct = (x: number | null) => (x === null ? "–" : `${(x * 100).toFixed(1)}%`);
const days = (x: number | null) => (x === null ? "–" : x.toFixed(1));

/** Vertical bar chart of the lead-time histogram. */
function histogramSvg(report: BacktestReport): string {
  const bins = report.overall.leadTimeDays.histogram;
  const max = Math.max(1, ...bins.map((b) => b.count));
  const w = 640;
  const h = 220;
  const pad = 30;
  const bw = (w - pad * 2) / bins.length;
  const bars = bins
    .map((b, i) => {
      const bh = ((h - pad * 2) * b.count) / max;
      const x = pad + i * bw;
      const y = h - pad - bh;
      const label = b.toDays === null ? `${b.fromDays}+` : `${b.fromDays}`;
      return (
        `<rect x="${x + 2}" y="${y}" width="${bw - 4}" height="${bh}" fill="#3b6ea8"><title>${esc(label)} d: ${b.count}</title></rect>` +
        `<text x="${x + bw / 2}" y="${h - pad + 14}" font-size="10" text-anchor="middle">${esc(label)}</text>` +
        (b.count > 0 ? `<text x="${x + bw / 2}" y="${y - 3}" font-size="10" text-anchor="middle">${b.count}</text>` : "")
      );
    })
    .join("");
  return (
    `<svg width="${w}" height="${h}" role="img" aria-label="Lead time histogram">` +
    `<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="#333"/>${bars}` +
    `<text x="${w / 2}" y="${h - 2}" font-size="11" text-anchor="middle">days from first alert to defection (30-day bins)</text></svg>`
  );
}

/** Grouped horizontal bars: precision and recall per group. */
function prBarsSvg(title: string, groups: Array<[string, Metrics]>): string {
  const rowH = 34;
  const labelW = 150;
  const barW = 380;
  const h = groups.length * rowH + 30;
  const w = labelW + barW + 80;
  const rows = groups
    .map(([name, m], i) => {
      const y = 20 + i * rowH;
      const p = m.precision ?? 0;
      const r = m.recall ?? 0;
      return (
        `<text x="${labelW - 6}" y="${y + 16}" font-size="11" text-anchor="end">${esc(name)}</text>` +
        `<rect x="${labelW}" y="${y}" width="${barW * p}" height="12" fill="#3b6ea8"><title>precision ${pct(m.precision)}</title></rect>` +
        `<text x="${labelW + barW * p + 4}" y="${y + 10}" font-size="10">P ${pct(m.precision)}</text>` +
        `<rect x="${labelW}" y="${y + 14}" width="${barW * r}" height="12" fill="#e08a2c"><title>recall ${pct(m.recall)}</title></rect>` +
        `<text x="${labelW + barW * r + 4}" y="${y + 24}" font-size="10">R ${pct(m.recall)}</text>`
      );
    })
    .join("");
  return (
    `<svg width="${w}" height="${h}" role="img" aria-label="${esc(title)}">` +
    `<text x="0" y="12" font-size="12" font-weight="bold">${esc(title)}</text>${rows}</svg>`
  );
}

function metricsTable(groups: Array<[string, Metrics]>): string {
  const head =
    "<tr><th></th><th>accounts</th><th>churners</th><th>TP</th><th>FP</th><th>FN</th><th>precision</th><th>recall</th>" +
    "<th>median lead (d)</th><th>p25–p75 (d)</th><th>alerts</th><th>alerts / account-month</th></tr>";
  const rows = groups
    .map(([name, m]) => {
      const l = m.leadTimeDays;
      return (
        `<tr><th>${esc(name)}</th><td>${m.accounts}</td><td>${m.churners}</td><td>${m.truePositives}</td><td>${m.falsePositives}</td>` +
        `<td>${m.falseNegatives}</td><td>${pct(m.precision)}</td><td>${pct(m.recall)}</td><td>${days(l.median)}</td>` +
        `<td>${days(l.p25)}–${days(l.p75)}</td><td>${m.alerts}</td><td>${m.alertsPerAccountMonth?.toFixed(3) ?? "–"}</td></tr>`
      );
    })
    .join("");
  return scrolling(`<table>${head}${rows}</table>`);
}

/** Wide tables scroll inside their own box instead of pushing the whole page sideways on a narrow window. */
function scrolling(table: string): string {
  return `<div class="wide">${table}</div>`;
}

/** The period as calendar dates (UTC): the seconds of the first and last event say nothing to a reader. */
function period(report: BacktestReport): string {
  return `${esc(report.period.from.slice(0, 10))} to ${esc(report.period.to.slice(0, 10))} (UTC)`;
}

/**
 * The sweep's points on precision (up) against recall (across), numbered as in the table: where a threshold
 * trades one for the other is easier seen than read. Frontier points are filled, the default is ringed; points
 * with the same precision and recall share a dot and list every number.
 */
function sweepScatterSvg(rows: readonly SweepRow[]): string {
  const scored = rows.map((r, i) => ({ ...r, n: i + 1 })).filter((r) => r.precision !== null && r.recall !== null);
  if (scored.length === 0) return "";
  // The plot's size and the margins left for the axes' labels.
  const [w, h, left, bottom, top, right] = [520, 360, 50, 40, 20, 20];
  // Axes from a round tenth below the lowest value to 100%, so that close points do not pile up.
  const lo = (xs: number[]) => Math.max(0, Math.floor(Math.min(...xs) * 10 - 0.5) / 10);
  const xMin = lo(scored.map((r) => r.recall as number));
  const yMin = lo(scored.map((r) => r.precision as number));
  const x = (v: number) => left + ((v - xMin) / (1 - xMin)) * (w - left - right);
  const y = (v: number) => h - bottom - ((v - yMin) / (1 - yMin)) * (h - top - bottom);
  const ticks = (min: number) => Array.from({ length: Math.round((1 - min) * 10) + 1 }, (_, i) => min + i / 10);
  const grid =
    ticks(xMin)
      .map((v) => `<line x1="${x(v)}" y1="${top}" x2="${x(v)}" y2="${h - bottom}" stroke="#eee"/><text x="${x(v)}" y="${h - bottom + 14}" font-size="10" text-anchor="middle">${pct(v)}</text>`)
      .join("") +
    ticks(yMin)
      .map((v) => `<line x1="${left}" y1="${y(v)}" x2="${w - right}" y2="${y(v)}" stroke="#eee"/><text x="${left - 4}" y="${y(v) + 3}" font-size="10" text-anchor="end">${pct(v)}</text>`)
      .join("");
  const spots = new Map<string, typeof scored>();
  for (const r of scored) {
    const key = `${r.precision}|${r.recall}`;
    spots.set(key, [...(spots.get(key) ?? []), r]);
  }
  const dots = [...spots.values()]
    .map((group) => {
      const first = group[0] as (typeof scored)[number];
      const cx = x(first.recall as number);
      const cy = y(first.precision as number);
      const frontier = group.some((r) => r.frontier);
      const isDefault = group.some((r) => r.name === "default");
      const title = group.map((r) => `${r.n}. ${r.name}: precision ${pct(r.precision)}, recall ${pct(r.recall)}, median lead ${days(r.medianLeadDays)} d`).join("\n");
      return (
        (isDefault ? `<circle cx="${cx}" cy="${cy}" r="9" fill="none" stroke="#222" stroke-width="1.5"/>` : "") +
        `<circle cx="${cx}" cy="${cy}" r="5" fill="${frontier ? "#2e8b57" : "#fff"}" stroke="${frontier ? "#2e8b57" : "#888"}" stroke-width="1.5"><title>${esc(title)}</title></circle>` +
        `<text x="${cx + 11}" y="${cy + 4}" font-size="10">${esc(group.map((r) => r.n).join(","))}</text>`
      );
    })
    .join("");
  return (
    `<svg width="${w}" height="${h}" role="img" aria-label="Sweep points: precision against recall">${grid}` +
    `<line x1="${left}" y1="${h - bottom}" x2="${w - right}" y2="${h - bottom}" stroke="#333"/><line x1="${left}" y1="${top}" x2="${left}" y2="${h - bottom}" stroke="#333"/>` +
    `${dots}<text x="${(left + w - right) / 2}" y="${h - 6}" font-size="11" text-anchor="middle">recall</text>` +
    `<text x="12" y="${(top + h - bottom) / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${(top + h - bottom) / 2})">precision</text></svg>` +
    `<p><small>Filled: on the frontier (no other point better on precision, recall and lead time at once). Ringed: the rules as configured. Numbers refer to the table.</small></p>`
  );
}

function sweepTableHtml(rows: readonly SweepRow[]): string {
  const body = rows
    .map(
      (r, i) =>
        `<tr${r.frontier ? ' class="frontier"' : ""}><td>${i + 1}</td><td class="name">${esc(r.name)}</td><td>${pct(r.precision)}</td><td>${pct(r.recall)}</td>` +
        `<td>${days(r.medianLeadDays)}</td><td>${r.alertsPerAccountMonth?.toFixed(3) ?? "–"}</td><td>${r.frontier ? "★" : ""}</td></tr>`,
    )
    .join("");
  return (
    "<h2>Threshold sweep</h2>" +
    sweepScatterSvg(rows) +
    scrolling(
      '<table><tr><th>#</th><th class="name">point</th><th>precision</th><th>recall</th><th>median lead (d)</th>' +
        `<th>alerts / account-month</th><th>frontier</th></tr>${body}</table>`,
    )
  );
}

/** A self-contained page: inline CSS and SVG, no scripts, no external assets; works offline. */
export function renderHtml(report: BacktestReport, opts: { title?: string; sweep?: readonly SweepRow[] } = {}): string {
  const o = report.overall;
  const l = o.leadTimeDays;
  const tiers = Object.entries(report.perTier).filter((e): e is [string, Metrics] => e[1] !== undefined);
  const rules = Object.entries(report.perRule);
  const title = opts.title ?? "Churnwatch backtest";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:70rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.875rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
.wide{overflow-x:auto}td{white-space:nowrap}.name{text-align:left}
th:first-child{text-align:left}.kpi{display:inline-block;margin:0 2rem 1rem 0}.kpi b{display:block;font-size:1.6rem}
tr.frontier{background:#eef6ee}small{color:#666}
</style></head><body>
<h1>${esc(title)}</h1>
<p><small>Events from ${period(report)}; a churner counts as caught when an alert was firing in the
${report.lookbackDays} days before it churned; any alert on a non-churner is a false positive.</small></p>
<div class="kpi">Precision<b>${pct(o.precision)}</b></div><div class="kpi">Recall<b>${pct(o.recall)}</b></div>
<div class="kpi">Median lead time<b>${days(l.median)} d</b></div><div class="kpi">Alerts / account-month<b>${o.alertsPerAccountMonth?.toFixed(3) ?? "–"}</b></div>
<h2>Lead time</h2>
<p>min ${days(l.min)} · p25 ${days(l.p25)} · median ${days(l.median)} · p75 ${days(l.p75)} · max ${days(l.max)} days (${l.count} caught churners)</p>
${histogramSvg(report)}
<h2>By rule</h2>
${prBarsSvg("Precision and recall per rule", rules)}
${metricsTable(rules)}
<h2>By tier</h2>
${prBarsSvg("Precision and recall per tier", tiers)}
${metricsTable([["all accounts", o], ...tiers])}
<h2>By defection pattern</h2>
<table><tr><th>pattern</th><th>churners</th><th>caught</th><th>recall</th><th>median lead (d)</th></tr>
${Object.entries(report.perPattern)
  .map(([k, p]) => `<tr><th>${esc(k)}</th><td>${p.churners}</td><td>${p.detected}</td><td>${pct(p.recall)}</td><td>${days(p.medianLeadDays)}</td></tr>`)
  .join("")}</table>
${opts.sweep ? sweepTableHtml(opts.sweep) : ""}
${report.unknownLabels.length > 0 ? `<p><small>${report.unknownLabels.length} labelled accounts had no events and were left out.</small></p>` : ""}
</body></html>
`;
}
