import type { Level, Locale } from "@churnwatch/contracts";
import { escapeHtml as e, formatDateTime, formatMoney, vocabulary } from "@churnwatch/explain";
import type { BacktestRead } from "../backtestSummary.ts";
import type { OverviewView, RiskTotal, WeekItem } from "../readModel/overview.ts";
import { ANSWER_WINDOW_DAYS } from "../readModel/overview.ts";
import { levelBadge, percent } from "./format.ts";
import { page, type PageContext } from "./layout.ts";
import { overviewMessages } from "./overviewMessages.ts";
import { horizontalBars } from "./svg.ts";

const pct = (x: number | null, locale: Locale) => percent(x, locale, 1);
const num = (x: number, locale: Locale, digits = 0) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(x);

function totalsSection(title: string, totals: readonly RiskTotal[], view: OverviewView, locale: Locale, name: (key: string) => string): string {
  const m = overviewMessages[locale];
  if (totals.length === 0) return `<section><h2>${e(title)}</h2><p class="muted">${e(m.empty)}</p></section>`;
  const money = (a: RiskTotal["amounts"][number]) => `${e(formatMoney(a.amount, locale, a.currency ?? undefined))}${a.unconverted ? ` <span class="muted">(${e(m.unconverted)})</span>` : ""}`;
  const rows = totals
    .map((t) => `<tr><th scope="row">${e(name(t.key))}</th><td class="num">${num(t.accounts, locale)}</td><td class="num">${t.amounts.map(money).join("<br>")}</td></tr>`)
    .join("");
  // Bars only where the amounts compare: one converted figure per group. Without rates there is no single scale.
  const chart = view.fx
    ? horizontalBars(
        m.chartLabel(title),
        totals.map((t) => {
          const converted = t.amounts.find((a) => !a.unconverted);
          return { label: name(t.key), value: Number(converted?.amount ?? 0), shown: converted ? formatMoney(converted.amount, locale, converted.currency ?? undefined) : "—" };
        }),
      )
    : `<p class="muted">${e(m.perCurrency)}</p>`;
  const c = m.columns;
  return (
    `<section><h2>${e(title)}</h2>${chart}` +
    `<table><thead><tr><th scope="col">${e(c.key)}</th><th scope="col" class="num">${e(c.accounts)}</th><th scope="col" class="num">${e(c.revenueAtRisk)}</th></tr></thead><tbody>${rows}</tbody></table></section>`
  );
}

function weekList(title: string, count: number, items: readonly WeekItem[], locale: Locale): string {
  const m = overviewMessages[locale];
  const v = vocabulary[locale];
  const lines = items
    .map((i) => `<li><a href="/accounts/${encodeURIComponent(i.accountId)}">${e(i.name ?? i.accountId)}</a> · ${e(v.rules[i.rule]?.title ?? i.rule)} ${levelBadge(i.level, locale)} <span class="muted">${e(formatDateTime(i.at, locale))}</span></li>`)
    .join("");
  return `<div><h3>${e(title)} (${num(count, locale)})</h3>${items.length ? `<ul>${lines}</ul>` : `<p class="muted">${e(m.week.none)}</p>`}</div>`;
}

function qualitySection(view: OverviewView, backtest: BacktestRead, locale: Locale): string {
  const m = overviewMessages[locale].quality;
  const v = vocabulary[locale];
  let bt: string;
  if (backtest === undefined) bt = `<p class="muted">${e(m.noBacktest)}</p>`;
  else if (!backtest.ok) bt = `<p class="muted">${e(m.unreadable(backtest.reason))}</p>`;
  else {
    const o = backtest.report.overall;
    // The base rate beside precision: a precision is only good against the share that defects anyway.
    const base = o.accounts > 0 ? o.churners / o.accounts : null;
    bt =
      `<h3>${e(m.backtest(backtest.report.period.from.slice(0, 10), backtest.report.period.to.slice(0, 10)))}</h3><dl class="facts">` +
      [
        [m.precision, `${pct(o.precision, locale)} (${m.baseRate} ${pct(base, locale)})`],
        [m.recall, pct(o.recall, locale)],
        [m.lead, o.leadTimeDays.median === null ? "—" : m.days(Math.round(o.leadTimeDays.median))],
        [m.alertsPerAccountMonth, o.alertsPerAccountMonth === null ? "—" : num(o.alertsPerAccountMonth, locale, 3)],
      ]
        .map(([k, val]) => `<div><dt>${e(k ?? "")}</dt><dd>${e(val ?? "")}</dd></div>`)
        .join("") +
      `</dl>`;
  }
  const c = m.answerColumns;
  const share = (n: number, of: number) => (of > 0 ? ` <span class="muted">${pct(n / of, locale)}</span>` : "");
  const answers = view.answers.length === 0
    ? `<p class="muted">${e(m.noAnswers)}</p>`
    : `<table><thead><tr><th scope="col">${e(c.rule)}</th><th scope="col" class="num">${e(c.answered)}</th><th scope="col" class="num">${e(c.acknowledged)}</th><th scope="col" class="num">${e(c.snoozed)}</th><th scope="col" class="num">${e(c.notARisk)}</th></tr></thead><tbody>` +
      view.answers
        .map((a) => `<tr><th scope="row">${e(v.rules[a.rule]?.title ?? a.rule)}</th><td class="num">${num(a.answered, locale)}</td><td class="num">${num(a.acknowledged, locale)}${share(a.acknowledged, a.answered)}</td><td class="num">${num(a.snoozed, locale)}${share(a.snoozed, a.answered)}</td><td class="num">${num(a.notARisk, locale)}${share(a.notARisk, a.answered)}</td></tr>`)
        .join("") +
      `</tbody></table>`;
  return (
    `<section data-test="quality"><h2>${e(m.title)}</h2><p>${e(m.intro)}</p>${bt}` +
    `<h3>${e(m.answersTitle(ANSWER_WINDOW_DAYS))}</h3><p class="muted">${e(m.answersIntro)}</p>${answers}<p class="muted">${e(m.notShown)}</p></section>`
  );
}

/** Where the money at risk is, what moved this week, and how good the warnings have been. */
export function overviewPage(ctx: PageContext, view: OverviewView, backtest: BacktestRead): string {
  const locale = ctx.locale;
  const m = overviewMessages[locale];
  const v = vocabulary[locale];
  const byLevel = (["critical", "high", "medium", "low"] as const satisfies readonly Level[])
    .map((l) => `<div><dt>${levelBadge(l, locale)}</dt><dd class="num">${num(view.levels[l] ?? 0, locale)}</dd></div>`)
    .join("");
  const tierName = (key: string) => v.tiers[key as keyof typeof v.tiers] ?? key;
  return page(
    ctx,
    m.title,
    `<h1>${e(m.title)}</h1>` +
      `<section><h2>${e(m.atRisk)}</h2><dl class="facts">${byLevel}</dl></section>` +
      totalsSection(m.byRegion, view.byRegion, view, locale, (k) => k) +
      totalsSection(m.byTier, view.byTier, view, locale, tierName) +
      (view.fx ? `<p class="muted">${e(m.converted(view.fx.reporting, view.fx.asOf))}</p>` : "") +
      `<section><h2>${e(m.week.title)}</h2><div class="week">` +
      weekList(m.week.fired, view.week.counts.fired, view.week.fired, locale) +
      weekList(m.week.escalated, view.week.counts.escalated, view.week.escalated, locale) +
      weekList(m.week.resolved, view.week.counts.resolved, view.week.resolved, locale) +
      `</div></section>` +
      qualitySection(view, backtest, locale),
  );
}
