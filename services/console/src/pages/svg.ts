import { escapeHtml as e } from "@churnwatch/explain";

// Charts drawn on the server as inline SVG: no script, no library in the browser, and the page's strict CSP
// holds (presentation attributes only: a style attribute would need 'unsafe-inline').

const round = (n: number) => Math.round(n * 10) / 10;

/** A 0–100 score trend, as a small line with its last point marked. */
export function sparkline(points: readonly number[], label: string, width = 96, height = 24): string {
  if (points.length === 0) return "";
  const step = points.length > 1 ? width / (points.length - 1) : 0;
  const y = (p: number) => round(height - 2 - (Math.max(0, Math.min(100, p)) / 100) * (height - 4));
  const coords = points.map((p, i) => `${round(i * step)},${y(p)}`).join(" ");
  const last = points.at(-1) ?? 0;
  return (
    `<svg class="spark" role="img" aria-label="${e(label)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<title>${e(label)}</title><polyline points="${coords}" fill="none" stroke="#b91c1c" stroke-width="1.5"/>` +
    `<circle cx="${round((points.length - 1) * step)}" cy="${y(last)}" r="2" fill="#b91c1c"/></svg>`
  );
}

export interface LineChart {
  label: string;
  points: ReadonlyArray<{ x: string; y: number }>;
  /** Levels drawn as dashed guides (e.g. the medium / high / critical thresholds). */
  guides?: ReadonlyArray<{ y: number; label: string }>;
}

const W = 640;
const H = 200;
const PAD = { left: 36, right: 12, top: 10, bottom: 24 };

/** A 0–100 score over time, with the first and last dates under the axis. */
export function scoreChart(c: LineChart): string {
  const n = c.points.length;
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const x = (i: number) => round(PAD.left + (n > 1 ? (i / (n - 1)) * iw : iw / 2));
  const y = (v: number) => round(PAD.top + ih - (Math.max(0, Math.min(100, v)) / 100) * ih);
  const guides = (c.guides ?? [])
    .map((g) => `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(g.y)}" y2="${y(g.y)}" stroke="#d1d5db" stroke-dasharray="4 3"/><text x="${W - PAD.right}" y="${y(g.y) - 3}" text-anchor="end" font-size="10" fill="#6b7280">${e(g.label)}</text>`)
    .join("");
  const axis = [0, 50, 100].map((v) => `<text x="${PAD.left - 6}" y="${y(v) + 3}" text-anchor="end" font-size="10" fill="#6b7280">${v}</text>`).join("");
  const line = c.points.map((p, i) => `${x(i)},${y(p.y)}`).join(" ");
  const first = c.points[0];
  const last = c.points.at(-1);
  const dates = first && last
    ? `<text x="${PAD.left}" y="${H - 6}" font-size="10" fill="#6b7280">${e(first.x)}</text><text x="${W - PAD.right}" y="${H - 6}" text-anchor="end" font-size="10" fill="#6b7280">${e(last.x)}</text>`
    : "";
  const dots = n <= 40 ? c.points.map((p, i) => `<circle cx="${x(i)}" cy="${y(p.y)}" r="2.5" fill="#b91c1c"><title>${e(`${p.x}: ${p.y}`)}</title></circle>`).join("") : "";
  return (
    `<svg class="chart" role="img" aria-label="${e(c.label)}" viewBox="0 0 ${W} ${H}" width="100%"><title>${e(c.label)}</title>` +
    `${axis}${guides}<polyline points="${line}" fill="none" stroke="#b91c1c" stroke-width="2"/>${dots}${dates}</svg>`
  );
}

export interface BarChart {
  label: string;
  bars: ReadonlyArray<{ x: string; value: number; shown: string }>;
  baseline?: { value: number; label: string } | undefined;
}

/** Bars (monthly spend) against a dashed baseline (the account's usual month). */
export function barChart(c: BarChart): string {
  const max = Math.max(1, ...c.bars.map((b) => b.value), c.baseline?.value ?? 0);
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const slot = iw / Math.max(1, c.bars.length);
  const y = (v: number) => round(PAD.top + ih - (v / max) * ih);
  const bars = c.bars
    .map((b, i) => {
      const below = c.baseline !== undefined && b.value < c.baseline.value;
      return (
        `<rect x="${round(PAD.left + i * slot + slot * 0.15)}" y="${y(b.value)}" width="${round(slot * 0.7)}" height="${round(PAD.top + ih - y(b.value))}" fill="${below ? "#f87171" : "#60a5fa"}"><title>${e(`${b.x}: ${b.shown}`)}</title></rect>` +
        `<text x="${round(PAD.left + i * slot + slot / 2)}" y="${H - 6}" text-anchor="middle" font-size="10" fill="#6b7280">${e(b.x)}</text>`
      );
    })
    .join("");
  const base = c.baseline
    ? `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(c.baseline.value)}" y2="${y(c.baseline.value)}" stroke="#111827" stroke-dasharray="5 3"/><text x="${PAD.left + 4}" y="${y(c.baseline.value) - 4}" font-size="10" fill="#111827">${e(c.baseline.label)}</text>`
    : "";
  return `<svg class="chart" role="img" aria-label="${e(c.label)}" viewBox="0 0 ${W} ${H}" width="100%"><title>${e(c.label)}</title>${bars}${base}</svg>`;
}

/** Horizontal bars, one per group (revenue at risk by region or tier), the figure written beside each. */
export function horizontalBars(label: string, bars: ReadonlyArray<{ label: string; value: number; shown: string }>): string {
  const rowH = 24;
  const labelW = 160;
  const figureW = 150;
  const h = bars.length * rowH + 8;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const iw = W - labelW - figureW;
  const rows = bars
    .map((b, i) => {
      const y = 4 + i * rowH;
      const w = round((Math.max(0, b.value) / max) * iw);
      return (
        `<text x="${labelW - 8}" y="${y + 16}" text-anchor="end" font-size="12" fill="#111827">${e(b.label)}</text>` +
        `<rect x="${labelW}" y="${y + 4}" width="${w}" height="${rowH - 8}" fill="#b91c1c"><title>${e(`${b.label}: ${b.shown}`)}</title></rect>` +
        `<text x="${labelW + w + 6}" y="${y + 16}" font-size="12" fill="#374151">${e(b.shown)}</text>`
      );
    })
    .join("");
  return `<svg class="chart" role="img" aria-label="${e(label)}" viewBox="0 0 ${W} ${h}" width="100%"><title>${e(label)}</title>${rows}</svg>`;
}
