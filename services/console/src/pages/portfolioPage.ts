import { levels, tiers, type Locale } from "@churnwatch/contracts";
import { escapeHtml as e, formatMoney, vocabulary } from "@churnwatch/explain";
import type { PortfolioRow, PortfolioView } from "../readModel/queries.ts";
import { page, type PageContext } from "./layout.ts";
import { consoleMessages } from "./messages.ts";
import { answerText, levelBadge } from "./format.ts";
import { sparkline } from "./svg.ts";

const option = (value: string, label: string, selected: string | undefined) =>
  `<option value="${e(value)}"${value === selected ? " selected" : ""}>${e(label)}</option>`;

function select(name: string, label: string, any: string, choices: Array<[string, string]>, selected: string | undefined) {
  return `<label>${e(label)}<select name="${name}">${option("", any, selected ?? "")}${choices.map(([v, l]) => option(v, l, selected)).join("")}</select></label>`;
}

/** The cursor in the next page's link: the last row's rank key, opaque to the reader. */
export const encodeCursor = (c: { risk: string; own: string; id: string }) => Buffer.from(JSON.stringify([c.risk, c.own, c.id])).toString("base64url");

/**
 * With a reporting currency: the converted amount the row is ranked by, and the account's own below it; a
 * currency with no rate shows only its own amount, marked, since it was ranked after the converted ones.
 */
function riskCell(r: PortfolioRow, fx: PortfolioView["fx"], locale: Locale): string {
  const own = e(formatMoney(r.revenue_at_risk, locale, r.currency ?? undefined));
  if (!fx || (r.currency ?? fx.reporting) === fx.reporting) return own;
  if (r.reporting_risk === null) return `${own}<div class="muted">${e(consoleMessages[locale].portfolio.noRate)}</div>`;
  return `${e(formatMoney(r.reporting_risk, locale, fx.reporting))}<div class="muted">${own}</div>`;
}

export function portfolioPage(ctx: PageContext, view: PortfolioView, query: Record<string, string>): string {
  const locale: Locale = ctx.locale;
  const m = consoleMessages[locale];
  const v = vocabulary[locale];
  const f = view.filters;
  const filters =
    `<form class="filters" method="get" action="/">` +
    select("region", m.portfolio.filters.region, m.portfolio.filters.any, view.options.regions.map((r) => [r, r]), f.region) +
    select("tier", m.portfolio.filters.tier, m.portfolio.filters.any, tiers.map((t) => [t, v.tiers[t]]), f.tier) +
    select("level", m.portfolio.filters.level, m.portfolio.filters.any, levels.map((l) => [l, v.levels[l]]), f.level) +
    (view.options.owners.length > 1 ? select("owner", m.portfolio.filters.owner, m.portfolio.filters.any, view.options.owners.map((o) => [o.email, o.name]), f.owner) : "") +
    `<label>${e(m.portfolio.filters.search)}<input type="search" name="q" value="${e(f.q ?? "")}"></label>` +
    `<button type="submit">${e(m.portfolio.filters.apply)}</button></form>`;
  const c = m.portfolio.columns;
  const rows = view.rows
    .map((r) => {
      const trend = r.trend ?? [];
      const answers = r.answers.map((a) => `<div>${e(v.rules[a.rule]?.title ?? a.rule)}: ${answerText(a.response, locale)}</div>`).join("");
      return (
        `<tr data-account="${e(r.account_id)}"><td><a href="/accounts/${encodeURIComponent(r.account_id)}">${e(r.name ?? r.account_id)}</a><div class="muted">${e(r.tier ? v.tiers[r.tier as keyof typeof v.tiers] ?? r.tier : "")}${r.region ? ` · ${e(r.region)}` : ""}</div></td>` +
        `<td class="num">${r.score}</td><td>${levelBadge(r.level, locale)}</td>` +
        `<td>${sparkline(trend, m.portfolio.trendLabel(trend.join(", ")))}</td>` +
        `<td class="num">${riskCell(r, view.fx, locale)}</td>` +
        `<td>${e(r.owner_name ?? "")}</td><td>${answers}</td></tr>`
      );
    })
    .join("");
  const keep = Object.entries(query).filter(([k, val]) => k !== "after" && val !== "");
  const link = (extra: Array<[string, string]>) => `/?${new URLSearchParams([...keep, ...extra]).toString()}`;
  const pager =
    `<div class="pager">${query.after ? `<a href="${e(link([]))}">${e(m.portfolio.first)}</a>` : ""}` +
    `${view.next ? `<a href="${e(link([["after", encodeCursor(view.next)]]))}" rel="next">${e(m.portfolio.next)}</a>` : ""}</div>`;
  const table = view.rows.length === 0
    ? `<p class="muted">${e(m.portfolio.empty)}</p>`
    : `<table><thead><tr><th>${e(c.account)}</th><th class="num">${e(c.score)}</th><th>${e(c.level)}</th><th>${e(c.trend)}</th><th class="num">${e(c.revenueAtRisk)}</th><th>${e(c.owner)}</th><th>${e(c.answer)}</th></tr></thead><tbody>${rows}</tbody></table>`;
  const fxNote = view.fx ? `<p class="muted" data-test="fx-note">${e(m.portfolio.converted(view.fx.reporting, view.fx.asOf))}</p>` : "";
  return page(ctx, m.portfolio.title, `<h1>${e(m.portfolio.title)}</h1>${filters}${table}${fxNote}${pager}`);
}
