import { escapeHtml as e } from "./escape.ts";
import type { AnswerLinks, EmailView, EvidenceRow } from "./view.ts";

// Email clients ignore <style> blocks and strip scripts, so layout is tables with inline styles only.
const FONT = "font-family:Arial,'PingFang SC','Microsoft YaHei',sans-serif;";
const CELL = "padding:8px 10px;border-bottom:1px solid #e5e7eb;font-size:14px;color:#111827;text-align:left;";
const HEAD = `${CELL}background:#f3f4f6;font-weight:bold;`;
const TREND_COLOUR: Record<EvidenceRow["trend"], string> = {
  down: "#b91c1c",
  up: "#b45309",
  flat: "#374151",
  none: "#374151",
};

function evidenceTable(view: EmailView, rowsOf: EvidenceRow[] = view.rows): string {
  const c = view.messages.ui.columns;
  const head = [c.signal, c.value, c.baseline, c.change].map((h) => `<th style="${HEAD}">${e(h)}</th>`).join("");
  const rows = rowsOf
    .map(
      (r) =>
        `<tr><td style="${CELL}">${e(r.label)}</td><td style="${CELL}font-weight:bold;">${e(r.value)}</td>` +
        `<td style="${CELL}">${e(r.reference)}</td>` +
        `<td style="${CELL}color:${TREND_COLOUR[r.trend]};font-weight:bold;">${e(r.change)}</td></tr>`,
    )
    .join("");
  return (
    `<table role="presentation" cellpadding="0" cellspacing="0" width="100%" ` +
    `style="border-collapse:collapse;${FONT}"><tr>${head}</tr>${rows}</table>`
  );
}

function answerLinks(view: EmailView, links: AnswerLinks | undefined): string {
  if (!links) return "";
  const ui = view.messages.ui;
  const button = (href: string, label: string, colour: string) =>
    `<a href="${e(href)}" style="display:inline-block;margin:0 8px 8px 0;padding:8px 14px;border:1px solid ${colour};` +
    `color:${colour};text-decoration:none;border-radius:4px;font-size:13px;${FONT}">${e(label)}</a>`;
  return (
    `<p style="margin:12px 0 4px;font-size:13px;color:#374151;${FONT}">${e(ui.answer)}</p><p style="margin:0 0 8px;">` +
    button(links.acknowledge, ui.answerLinks.acknowledge, "#15803d") +
    button(links.snooze, ui.answerLinks.snooze, "#1d4ed8") +
    button(links.dismiss, ui.answerLinks.dismiss, "#6b7280") +
    `</p>`
  );
}

export function renderHtml(view: EmailView): string {
  const ui = view.messages.ui;
  const p = (text: string, style = "font-size:14px;color:#111827;") => `<p style="margin:0 0 12px;${style}">${e(text)}</p>`;
  const small = "font-size:12px;color:#6b7280;";
  const h2 = (text: string) => `<h2 style="margin:20px 0 8px;font-size:16px;color:#111827;">${e(text)}</h2>`;
  const actions = view.actions.map((a) => `<li style="margin:0 0 6px;font-size:14px;color:#111827;">${e(a)}</li>`).join("");
  const body = [
    `<h1 style="margin:0 0 16px;font-size:20px;color:#111827;">${e(view.title)}</h1>`,
    p(view.greeting),
    view.intro ? p(view.intro, "font-size:14px;color:#b91c1c;font-weight:bold;") : "",
    view.escalated ? p(ui.escalated, "font-size:14px;color:#b91c1c;font-weight:bold;") : "",
    p(`${ui.account}${ui.colon}${view.accountLine}`, "font-size:14px;color:#111827;font-weight:bold;"),
    p(view.summary),
    p(view.scoreLine),
    h2(ui.evidence),
    evidenceTable(view),
    answerLinks(view, view.answer),
    ...(view.complaints.length > 0 ? [h2(ui.complaints)] : []),
    ...view.complaints.flatMap((c) => [p(c.line, small), p(c.text, "font-size:13px;color:#374151;font-style:italic;")]),
    ...(view.more.length > 0 ? [h2(ui.alsoOnAccount)] : []),
    ...view.more.flatMap((alert) => [
      `<h3 style="margin:16px 0 6px;font-size:15px;color:#111827;">${e(alert.title)}</h3>`,
      p(alert.summary),
      p(alert.levelLine),
      evidenceTable(view, alert.rows),
      answerLinks(view, alert.answer),
    ]),
    ...(view.actions.length > 0 ? [h2(ui.actions), `<ol style="margin:0 0 16px;padding-left:20px;">${actions}</ol>`] : []),
    `<p style="margin:20px 0 4px;"><a href="${e(view.accountUrl)}" ` +
      `style="display:inline-block;padding:10px 16px;background:#1d4ed8;color:#ffffff;text-decoration:none;` +
      `border-radius:4px;font-size:14px;">${e(ui.open)}</a></p>`,
    p(view.linkExpires, small),
    `<hr style="border:none;border-top:1px solid #e5e7eb;margin:20px 0;">`,
    p(view.footer, small),
    p(view.refs, small),
  ].join("\n");
  return (
    `<!DOCTYPE html>\n<html lang="${e(view.locale)}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width"><title>${e(view.subject)}</title></head>\n` +
    `<body style="margin:0;padding:0;background:#f9fafb;">\n` +
    `<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="background:#f9fafb;"><tr><td align="center" style="padding:24px 12px;">\n` +
    `<table role="presentation" cellpadding="0" cellspacing="0" width="600" style="max-width:600px;background:#ffffff;` +
    `border:1px solid #e5e7eb;${FONT}"><tr><td style="padding:24px;">\n${body}\n</td></tr></table>\n` +
    `</td></tr></table>\n</body></html>\n`
  );
}
