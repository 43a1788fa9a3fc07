import { DateTime } from "luxon";
import type { Level, Locale, RuleId } from "@churnwatch/contracts";
import { escapeHtml as e, explainEvidence, formatDateTime, formatMoney, vocabulary } from "@churnwatch/explain";
import { formatMoney as majorUnits, parseAmount, toReportingMicros, type ExchangeRates } from "@churnwatch/engine";
import type { AccountView } from "../readModel/queries.ts";
import { ANSWER_WINDOW_DAYS, type RuleAnswers } from "../readModel/overview.ts";
import type { BacktestSummary } from "../backtestSummary.ts";
import { overviewMessages } from "./overviewMessages.ts";
import { csrfField, page, type PageContext } from "./layout.ts";
import { consoleMessages } from "./messages.ts";
import { answerText, iso, levelBadge, percent } from "./format.ts";
import { barChart, scoreChart } from "./svg.ts";

const day = (at: Date | string, locale: Locale, zone: string) => DateTime.fromISO(iso(at)).setZone(zone).setLocale(locale).toLocaleString(DateTime.DATE_MED);

/** The reporting-currency figure beside the account's own, so the page matches the portfolio's ranking. */
function inReporting(raw: string, currency: string | null, fx: ExchangeRates | undefined, locale: Locale): string {
  if (!fx || (currency ?? fx.reporting) === fx.reporting) return "";
  const micros = toReportingMicros(parseAmount(raw), currency ?? undefined, fx);
  const m = consoleMessages[locale].account;
  return micros === undefined ? ` (${m.noRate})` : ` (${m.inReporting(formatMoney(majorUnits(micros), locale, fx.reporting), fx.asOf)})`;
}

/** How alerts of a rule have turned out: the answers given to them, and the latest backtest's precision. */
export interface TrackRecord {
  answers: readonly RuleAnswers[];
  backtest?: BacktestSummary | undefined;
}

function trackLine(rule: RuleId, track: TrackRecord, locale: Locale): string {
  const t = overviewMessages[locale].track;
  const a = track.answers.find((x) => x.rule === rule);
  const share = a && a.answered > 0 ? percent(a.notARisk / a.answered, locale) : "";
  const answers = a && a.answered > 0 ? t.answers({ answered: a.answered, days: ANSWER_WINDOW_DAYS, notARisk: a.notARisk, share }) : t.noAnswers(ANSWER_WINDOW_DAYS);
  const precision = track.backtest?.perRule[rule]?.precision;
  const bt = precision === undefined || precision === null ? "" : ` ${t.backtest(percent(precision, locale))}`;
  return `<p class="muted" data-test="track-record">${e(answers + bt)}</p>`;
}

export function accountPage(ctx: PageContext, view: AccountView, levelFloors: Partial<Record<Level, number>>, fx?: ExchangeRates, track?: TrackRecord): string {
  const { account: a } = view;
  const locale = ctx.locale;
  const m = consoleMessages[locale];
  const v = vocabulary[locale];
  const zone = a.timezone ?? "UTC";
  const money = (raw: string) => formatMoney(raw, locale, a.currency ?? undefined);
  const f = m.account.facts;
  const facts =
    `<dl class="facts">` +
    [
      [f.tier, a.tier ? (v.tiers[a.tier as keyof typeof v.tiers] ?? a.tier) : "—"],
      [f.region, a.region ?? "—"],
      [f.owner, a.owner_name ?? "—"],
      [f.manager, a.manager_name ?? "—"],
      [f.trailing, money(a.trailing_value)],
      [f.revenueAtRisk, money(a.revenue_at_risk) + inReporting(a.revenue_at_risk, a.currency, fx, locale)],
      [f.evaluated, a.evaluated_at ? formatDateTime(iso(a.evaluated_at), locale, zone) : "—"],
    ]
      .map(([k, val]) => `<div><dt>${e(k ?? "")}</dt><dd>${e(val ?? "")}</dd></div>`)
      .join("") +
    "</dl>";

  const points = view.risk.map((p) => ({ x: day(p.day, locale, zone), y: p.score }));
  const guides = (["medium", "high", "critical"] as const)
    .filter((l) => levelFloors[l] !== undefined)
    .map((l) => ({ y: levelFloors[l] ?? 0, label: v.levels[l] }));
  const riskChart = points.length > 0
    ? scoreChart({ label: m.account.riskChartLabel({ from: points[0]?.x ?? "", to: points.at(-1)?.x ?? "", last: String(a.score) }), points, guides })
    : "";
  const spend = a.spend;
  const spendChart = spend.months.length === 0 || spend.baseline === null
    ? `<p class="muted">${e(m.account.noSpend)}</p>`
    : barChart({
        label: m.account.spendChartLabel(money(spend.baseline)),
        bars: spend.months.map((s) => ({ x: DateTime.fromFormat(s.month, "yyyy-MM").setLocale(locale).toFormat("LLL"), value: Number(s.value), shown: money(s.value) })),
        baseline: { value: Number(spend.baseline), label: `${m.account.baseline} ${money(spend.baseline)}` },
      });

  const act = m.account.actions;
  const base = `/accounts/${encodeURIComponent(a.account_id)}`;
  const alertForms = (rule: RuleId) =>
    ctx.viewer?.canAct
      ? `<div class="actions">` +
        `<form class="inline" method="post" action="${base}/alerts/${rule}/acknowledge">${csrfField(ctx)}<button type="submit" data-test="acknowledge">${e(act.acknowledge)}</button></form>` +
        `<form class="inline" method="post" action="${base}/alerts/${rule}/snooze">${csrfField(ctx)}<select name="preset" aria-label="${e(act.snooze)}"><option value="week">${e(act.snoozeWeek)}</option><option value="month">${e(act.snoozeMonth)}</option></select> <button class="secondary" type="submit">${e(act.snooze)}</button></form>` +
        `<form class="inline" method="post" action="${base}/alerts/${rule}/dismiss">${csrfField(ctx)}<input name="reason" required maxlength="1000" placeholder="${e(act.reason)}" aria-label="${e(act.reason)}"> <button class="secondary" type="submit">${e(act.dismiss)}</button></form>` +
        `</div>`
      : "";
  const alerts = a.alerts.length === 0
    ? `<p class="muted">${e(m.account.noAlerts)}</p>`
    : a.alerts
        .map((al) =>
          `<div class="card" data-rule="${e(al.rule)}"><strong>${e(v.rules[al.rule]?.title ?? al.rule)}</strong> ${levelBadge(al.level, locale)} <span class="muted">${e(formatDateTime(al.firedAt, locale, zone))}</span>` +
          `<div>${answerText(al.response, locale, zone)}</div><div class="muted">${e(m.account.evidence)}</div><ul>` +
          al.evidence.map((ev) => `<li>${e(explainEvidence(ev, locale, a.currency ?? undefined).sentence)}</li>`).join("") +
          `</ul>${track ? trackLine(al.rule, track, locale) : ""}${alertForms(al.rule)}</div>`,
        )
        .join("");
  const history = view.history.length === 0
    ? `<p class="muted">${e(m.account.noHistory)}</p>`
    : `<ul class="plain">${view.history
        .map((t) => `<li><span class="muted">${e(formatDateTime(iso(t.at), locale, zone))}</span> · ${e(m.transition({ type: t.type, rule: v.rules[t.rule]?.title ?? t.rule, level: v.levels[t.level] ?? t.level, actor: t.actor, note: t.note ?? undefined }))}</li>`)
        .join("")}</ul>`;
  const notes = view.notes.map((n) => `<li><span class="muted">${e(formatDateTime(iso(n.at), locale, zone))} · ${e(n.actor)}</span><div>${e(n.text)}</div></li>`).join("");
  const kinds = m.account.kinds;
  const contacts = view.contacts
    .map((c) => `<li><span class="muted">${e(formatDateTime(iso(c.occurred_at), locale, zone))}${c.logged_by ? ` · ${e(c.logged_by)}` : ""}</span> ${e(kinds[c.kind as keyof typeof kinds] ?? c.kind)}${c.note ? `: ${e(c.note)}` : ""}</li>`)
    .join("");
  const noteForm = ctx.viewer?.canAct
    ? `<form method="post" action="${base}/notes" class="card">${csrfField(ctx)}<label>${e(act.note)}<br><textarea name="text" rows="2" cols="60" required maxlength="4000"></textarea></label><br><button type="submit">${e(act.addNote)}</button></form>`
    : "";
  const contactForm = ctx.viewer?.canAct
    ? `<form method="post" action="${base}/contacts" class="card">${csrfField(ctx)}<strong>${e(act.logContact)}</strong><div class="actions">` +
      `<label>${e(act.kind)} <select name="kind"><option value="visit">${e(kinds.visit)}</option><option value="call">${e(kinds.call)}</option></select></label>` +
      `<label><input type="checkbox" name="answered" value="1" checked> ${e(act.answered)}</label>` +
      `<input name="note" maxlength="2000" placeholder="${e(act.contactNote)}" aria-label="${e(act.contactNote)}"><button type="submit">${e(act.log)}</button></div></form>`
    : `<p class="muted">${e(m.account.readOnly)}</p>`;

  const body =
    `<h1>${e(a.name ?? a.account_id)} ${levelBadge(a.level, locale)} <span class="muted">${a.score}</span></h1>${facts}` +
    `<div class="charts"><section><h2>${e(m.account.riskChart)}</h2>${riskChart}</section><section><h2>${e(m.account.spendChart)}</h2>${spendChart}</section></div>` +
    `<h2>${e(m.account.openAlerts)}</h2>${alerts}` +
    `<h2>${e(m.account.history)}</h2>${history}` +
    `<h2>${e(m.account.notes)}</h2><ul class="plain">${notes}</ul>${noteForm}` +
    `<h2>${e(m.account.contacts)}</h2><ul class="plain">${contacts}</ul>${contactForm}`;
  return page(ctx, a.name ?? a.account_id, body);
}
