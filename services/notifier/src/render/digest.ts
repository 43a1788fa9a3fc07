import type { Locale } from "@churnwatch/contracts";
import { explainEvidence, formatDateTime, formatMoney } from "@churnwatch/explain";
import type { DigestContent, DigestLine, DigestTotal } from "../digest/content.ts";
import type { Subscription } from "../digest/subscription.ts";
import { catalogs, type Messages } from "./catalog.ts";
import { digestCatalogs, type DigestMessages } from "./digestCatalog.ts";
import { escapeHtml as e, headerSafe } from "./escape.ts";
import { automatedHeaders, type RenderedEmail } from "./index.ts";
import { sparkHtml, sparkText } from "./sparkline.ts";

export interface DigestRenderOptions {
  subscription: Subscription;
  unsubscribeUrl: string;
  /** The signed link to an account's page. */
  accountUrl: (accountId: string) => string;
}

const FONT = "font-family:Arial,'PingFang SC','Microsoft YaHei',sans-serif;";
const CELL = "padding:6px 8px;border-bottom:1px solid #e5e7eb;font-size:13px;color:#111827;text-align:left;vertical-align:top;";
const HEAD = `${CELL}background:#f3f4f6;font-weight:bold;white-space:nowrap;`;
const LEVEL_COLOUR = { low: "#374151", medium: "#b45309", high: "#b91c1c", critical: "#7f1d1d" } as const;

/** Untrusted one-line text (account, owner and region names come from producers). */
const one = (s: string, max = 200) => headerSafe(s, max);

/** Everything the email says, as plain strings: the two layouts below only arrange and escape them. */
function view(c: DigestContent, o: DigestRenderOptions) {
  const sub = o.subscription;
  const locale: Locale = sub.recipient.locale;
  const m: Messages = catalogs[locale];
  const d: DigestMessages = digestCatalogs[locale];
  const colon = m.ui.colon;
  const money = (amount: string, currency: string | undefined) => formatMoney(amount, locale, currency);
  const totalMoney = (t: DigestTotal) => t.revenueAtRisk.map((r) => `${money(r.amount, r.currency)}${r.unconverted ? ` (${d.noRate})` : ""}`).join(" + ");
  /** Converted first when rates are configured, the account's own amount beside it: both are true. */
  const atRisk = (l: DigestLine) => {
    const own = money(l.revenueAtRisk, l.currency);
    if (!c.fx) return own;
    if (l.reportingRevenueAtRisk === undefined) return `${own} (${d.noRate})`;
    const reported = money(l.reportingRevenueAtRisk, c.fx.reporting);
    return l.currency === undefined || l.currency === c.fx.reporting ? reported : `${reported} (${own})`;
  };
  const f = sub.filters;
  const scopeParts = [
    f.regions?.length ? `${d.scopeParts.region} ${f.regions.map((r) => one(r, 100)).join(", ")}` : "",
    f.tiers?.length ? `${d.scopeParts.tier} ${f.tiers.map((t) => m.tiers[t]).join(", ")}` : "",
    f.minLevel ? `${d.scopeParts.level} ${m.levels[f.minLevel]}` : "",
    f.owners?.length ? `${d.scopeParts.owner} ${f.owners.join(", ")}` : "",
  ].filter(Boolean);
  const line = (l: DigestLine) => ({
    rank: String(l.rank),
    name: one(l.name),
    details: [l.tier ? m.tiers[l.tier] : "", l.region ? one(l.region, 100) : ""].filter(Boolean).join(" · "),
    change: l.change === "same" ? "" : d.change[l.change],
    level: m.levels[l.level],
    levelKey: l.level,
    atRisk: atRisk(l),
    signals: l.signals.map((s) => ({
      title: `${m.rules[s.rule].title} (${m.levels[s.level]})`,
      sentence: s.evidence[0] ? explainEvidence(s.evidence[0], locale, l.currency).sentence : "",
    })),
    trend: l.trend,
    trendLabel: l.trend.map((p) => (p > 0 ? String(p) : "–")).join(" → "),
    owner: l.owner ? one(l.owner.name, 100) : "—",
    answered: d.answered[l.acknowledged],
    url: o.accountUrl(l.accountId),
  });
  const names = (xs: Array<{ name: string }>) => xs.map((x) => one(x.name)).join(", ");
  const since = c.first
    ? [d.first]
    : [
        c.added.length > 0 ? `${d.added}${colon}${names(c.added)}` : "",
        c.escalated.length > 0 ? `${d.escalated}${colon}${c.escalated.map((x) => `${one(x.name)} (${m.levels[x.from]} → ${m.levels[x.to]})`).join(", ")}` : "",
        c.recovered.length > 0
          ? `${d.recovered}${colon}${c.recovered.map((x) => (x.now ? `${one(x.name)} (${d.eased(m.levels[x.now])})` : one(x.name))).join(", ")}`
          : "",
      ].filter(Boolean);
  const due = formatDateTime(c.scheduledFor, locale, sub.schedule.timezone);
  return {
    locale,
    d,
    subject: one(d.subject({ name: d.name[sub.schedule.cadence], period: c.periodKey, count: c.matching, late: c.late }), 250),
    greeting: d.greeting(one(sub.recipient.name, 100)),
    late: c.late ? d.late(due) : "",
    intro: c.matching === 0 ? d.allClear : d.intro(c.matching),
    scope: `${d.scope}${colon}${scopeParts.length > 0 ? scopeParts.join(" · ") : d.everyAccount}`,
    lines: c.lines.map(line),
    showing: c.matching > c.lines.length ? d.showing(c.lines.length, c.matching) : "",
    since: since.length > 0 ? since : [d.noChange],
    byRegion: c.byRegion.map((t) => ({ key: one(t.key, 100), accounts: String(t.accounts), atRisk: totalMoney(t) })),
    byTier: c.byTier.map((t) => ({ key: t.key in m.tiers ? m.tiers[t.key as keyof Messages["tiers"]] : t.key, accounts: String(t.accounts), atRisk: totalMoney(t) })),
    converted: c.fx ? d.converted(c.fx.reporting, c.fx.asOf) : "",
    unsubscribeUrl: o.unsubscribeUrl,
  };
}
type View = ReturnType<typeof view>;

function text(v: View): string {
  const c = v.d.columns;
  const totals = (title: string, rows: View["byRegion"]) => (rows.length === 0 ? [] : ["", title, ...rows.map((r) => `- ${r.key}: ${r.accounts} · ${r.atRisk}`)]);
  return [
    v.greeting,
    "",
    ...(v.late ? [v.late, ""] : []),
    v.intro,
    v.scope,
    "",
    ...v.lines.flatMap((l) => [
      `${l.rank}. ${l.name}${l.change ? ` [${l.change}]` : ""} · ${l.level} · ${c.atRisk} ${l.atRisk}`,
      ...(l.details ? [`   ${l.details}`] : []),
      ...l.signals.map((s) => `   - ${s.title}${s.sentence ? `: ${s.sentence}` : ""}`),
      `   ${c.trend} ${sparkText(l.trend)} (${l.trendLabel}) · ${c.owner} ${l.owner} · ${c.answered} ${l.answered}`,
      `   ${l.url}`,
    ]),
    ...(v.showing ? [v.showing] : []),
    "",
    v.d.sinceLast,
    ...v.since.map((s) => `- ${s}`),
    ...totals(v.d.byRegion, v.byRegion),
    ...totals(v.d.byTier, v.byTier),
    ...(v.converted ? ["", v.converted] : []),
    "",
    "--",
    v.d.footer,
    `${v.d.unsubscribe}: ${v.unsubscribeUrl}`,
    "",
  ].join("\n");
}

function html(v: View): string {
  const c = v.d.columns;
  const p = (s: string, style = "") => (s ? `<p style="margin:0 0 10px;font-size:14px;color:#111827;${style}">${e(s)}</p>` : "");
  const h2 = (s: string) => `<h2 style="margin:20px 0 8px;font-size:16px;color:#111827;">${e(s)}</h2>`;
  const table = (head: string[], rows: string[]) =>
    `<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="border-collapse:collapse;${FONT}">` +
    `<tr>${head.map((h) => `<th style="${HEAD}">${e(h)}</th>`).join("")}</tr>${rows.join("")}</table>`;
  const rows = v.lines.map(
    (l) =>
      `<tr><td style="${CELL}">${e(l.rank)}</td>` +
      `<td style="${CELL}"><a href="${e(l.url)}" style="color:#1d4ed8;font-weight:bold;">${e(l.name)}</a>` +
      (l.change ? ` <span style="font-size:11px;color:#b91c1c;font-weight:bold;">${e(l.change)}</span>` : "") +
      (l.details ? `<br><span style="font-size:12px;color:#6b7280;">${e(l.details)}</span>` : "") +
      `</td><td style="${CELL}color:${LEVEL_COLOUR[l.levelKey]};font-weight:bold;white-space:nowrap;">${e(l.level)}</td>` +
      `<td style="${CELL}white-space:nowrap;">${e(l.atRisk)}</td>` +
      `<td style="${CELL}">${l.signals.map((s) => `<b>${e(s.title)}</b>${s.sentence ? `<br><span style="font-size:12px;color:#374151;">${e(s.sentence)}</span>` : ""}`).join("<br>")}</td>` +
      `<td style="${CELL}">${sparkHtml(l.trend, l.trendLabel)}</td>` +
      `<td style="${CELL}">${e(l.owner)}</td><td style="${CELL}">${e(l.answered)}</td></tr>`,
  );
  const totals = (title: string, rs: View["byRegion"]) =>
    rs.length === 0
      ? ""
      : h2(title) +
        table(
          [v.d.totalColumns.key, v.d.totalColumns.accounts, v.d.totalColumns.atRisk],
          rs.map((r) => `<tr><td style="${CELL}">${e(r.key)}</td><td style="${CELL}">${e(r.accounts)}</td><td style="${CELL}">${e(r.atRisk)}</td></tr>`),
        );
  const body = [
    p(v.greeting),
    p(v.late, "color:#b45309;font-weight:bold;"),
    p(v.intro, "font-weight:bold;"),
    p(v.scope, "font-size:12px;color:#6b7280;"),
    v.lines.length > 0 ? table([c.rank, c.account, c.level, c.atRisk, c.signals, c.trend, c.owner, c.answered], rows) : "",
    p(v.showing, "font-size:12px;color:#6b7280;margin-top:6px;"),
    h2(v.d.sinceLast),
    `<ul style="margin:0 0 10px;padding-left:18px;">${v.since.map((s) => `<li style="font-size:14px;margin:0 0 4px;">${e(s)}</li>`).join("")}</ul>`,
    totals(v.d.byRegion, v.byRegion),
    totals(v.d.byTier, v.byTier),
    p(v.converted, "font-size:12px;color:#6b7280;margin-top:6px;"),
    `<hr style="border:none;border-top:1px solid #e5e7eb;margin:20px 0;">`,
    p(v.d.footer, "font-size:12px;color:#6b7280;"),
    `<p style="margin:0;font-size:12px;"><a href="${e(v.unsubscribeUrl)}" style="color:#6b7280;">${e(v.d.unsubscribe)}</a></p>`,
  ].join("\n");
  return (
    `<!DOCTYPE html>\n<html lang="${e(v.locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
    `<title>${e(v.subject)}</title></head>\n<body style="margin:0;padding:0;background:#f9fafb;">\n` +
    `<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="background:#f9fafb;"><tr><td align="center" style="padding:24px 12px;">\n` +
    `<table role="presentation" cellpadding="0" cellspacing="0" width="760" style="max-width:760px;background:#ffffff;border:1px solid #e5e7eb;${FONT}">` +
    `<tr><td style="padding:24px;">\n${body}\n</td></tr></table>\n</td></tr></table>\n</body></html>\n`
  );
}

/** Pure: the same content and options always give the same email (and Message-ID, per subscription and period). */
export function renderDigestEmail(c: DigestContent, o: DigestRenderOptions): RenderedEmail {
  const v = view(c, o);
  return {
    subject: v.subject,
    html: html(v),
    text: text(v),
    headers: {
      ...automatedHeaders(`digest|${c.subscriptionId}|${c.periodKey}`),
      // RFC 2369 and RFC 8058: mail clients show their own unsubscribe button, which POSTs to the link.
      "List-Unsubscribe": `<${o.unsubscribeUrl}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      "X-Churnwatch-Digest": headerSafe(`${c.subscriptionId} ${c.periodKey}`),
    },
  };
}
