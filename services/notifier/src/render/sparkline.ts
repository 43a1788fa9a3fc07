import { escapeHtml as e } from "./escape.ts";

// A trend that works in every mail client: no images, no scripts, no SVG (Outlook and Gmail drop it).
// The text part uses Unicode block elements; the HTML part draws bars as table cells of fixed height.

const BLOCKS = "▁▂▃▄▅▆▇█";
const BAR_PX = 24;

/** 0–100 scores as Unicode blocks; "·" where the account was not in that digest. */
export function sparkText(points: readonly number[]): string {
  return points.map((p) => (p <= 0 ? "·" : BLOCKS[Math.min(7, Math.round((p / 100) * 7))] ?? "█")).join("");
}

/** The same as a one-row table of bottom-aligned cells, with the points as its accessible label. */
export function sparkHtml(points: readonly number[], label: string): string {
  const cells = points
    .map((p, i) => {
      const h = p <= 0 ? 1 : Math.max(2, Math.round((p / 100) * BAR_PX));
      const colour = p <= 0 ? "#e5e7eb" : i === points.length - 1 ? "#b91c1c" : "#f87171";
      return (
        `<td valign="bottom" style="padding:0 1px 0 0;vertical-align:bottom;">` +
        `<table role="presentation" cellpadding="0" cellspacing="0"><tr><td width="7" height="${h}" bgcolor="${colour}" ` +
        `style="width:7px;height:${h}px;background:${colour};font-size:0;line-height:0;">&nbsp;</td></tr></table></td>`
      );
    })
    .join("");
  return (
    `<table role="img" aria-label="${e(label)}" title="${e(label)}" cellpadding="0" cellspacing="0" ` +
    `style="border-collapse:collapse;height:${BAR_PX}px;"><tr>${cells}</tr></table>`
  );
}
