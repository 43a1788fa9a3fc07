import type { Locale } from "@churnwatch/contracts";
import { catalogs } from "./catalog.ts";
import { escapeHtml as e, headerSafe } from "./escape.ts";
import { automatedHeaders, type RenderedEmail } from "./index.ts";

export interface SummaryLine {
  account: string;
  title: string;
  level: string;
  why: "low-level" | "budget";
  /** The first evidence sentence: enough to decide whether to open the account. */
  sentence: string;
  accountUrl: string;
}

/** The daily summary: every alert that waited instead of interrupting, one line each, with its account link. */
export function renderSummaryEmail(p: { id: string; locale: Locale; name: string; day: string; lines: SummaryLine[] }): RenderedEmail {
  const m = catalogs[p.locale];
  const s = m.ui.summary;
  const subject = headerSafe(s.subject({ count: p.lines.length, day: p.day }), 250);
  const label = (l: SummaryLine) => `${headerSafe(l.account, 200)} · ${l.title} · ${l.level} (${s.why[l.why]})`;
  const text = [m.ui.greeting(headerSafe(p.name, 100)), "", s.intro(p.lines.length), "", ...p.lines.flatMap((l) => [`- ${label(l)}`, `  ${l.sentence}`, `  ${l.accountUrl}`]), "", "--", m.ui.footer, ""].join("\n");
  const items = p.lines
    .map((l) => `<li style="margin:0 0 10px;"><a href="${e(l.accountUrl)}" style="color:#1d4ed8;">${e(label(l))}</a><br><span style="color:#374151;">${e(l.sentence)}</span></li>`)
    .join("");
  const html =
    `<!DOCTYPE html>\n<html lang="${e(p.locale)}"><head><meta charset="utf-8"><title>${e(subject)}</title></head>` +
    `<body style="font-family:Arial,'PingFang SC','Microsoft YaHei',sans-serif;font-size:14px;color:#111827;max-width:600px;margin:0 auto;padding:24px;">` +
    `<p>${e(m.ui.greeting(headerSafe(p.name, 100)))}</p><p>${e(s.intro(p.lines.length))}</p><ul style="padding-left:18px;">${items}</ul>` +
    `<p style="font-size:12px;color:#6b7280;">${e(m.ui.footer)}</p></body></html>\n`;
  return {
    subject,
    html,
    text,
    headers: automatedHeaders(p.id),
  };
}
