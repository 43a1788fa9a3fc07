import { escapeHtml as e, formatDateTime, vocabulary } from "@churnwatch/explain";
import type { InboxRow } from "../readModel/queries.ts";
import { csrfField, page, type PageContext } from "./layout.ts";
import { consoleMessages } from "./messages.ts";
import { answerText, levelBadge } from "./format.ts";

/** A selected alert in the bulk form: account id and rule, opaque to the reader (an id may hold any character). */
export const encodeAlertRef = (accountId: string, rule: string) => Buffer.from(JSON.stringify([accountId, rule])).toString("base64url");

export function inboxPage(ctx: PageContext, rows: readonly InboxRow[]): string {
  const m = consoleMessages[ctx.locale];
  const v = vocabulary[ctx.locale];
  const c = m.inbox.columns;
  const b = m.inbox.bulk;
  const bulk = ctx.viewer?.canAct === true && rows.length > 0;
  const table =
    `<table><thead><tr>${bulk ? "<td></td>" : ""}<th scope="col">${e(c.account)}</th><th scope="col">${e(c.alert)}</th><th scope="col">${e(c.level)}</th><th scope="col">${e(c.fired)}</th><th scope="col">${e(c.answer)}</th></tr></thead><tbody>` +
    rows
      .map((r) => {
        const title = v.rules[r.alert.rule]?.title ?? r.alert.rule;
        const pick = bulk
          ? `<td><input type="checkbox" name="alert" value="${e(encodeAlertRef(r.account_id, r.alert.rule))}" aria-label="${e(b.select(`${r.name ?? r.account_id} · ${title}`))}"></td>`
          : "";
        return (
          `<tr data-account="${e(r.account_id)}">${pick}<td><a href="/accounts/${encodeURIComponent(r.account_id)}">${e(r.name ?? r.account_id)}</a></td>` +
          `<td>${e(title)}</td><td>${levelBadge(r.alert.level, ctx.locale)}</td>` +
          `<td>${e(formatDateTime(r.alert.firedAt, ctx.locale))}</td><td>${answerText(r.response, ctx.locale)}</td></tr>`
        );
      })
      .join("") +
    "</tbody></table>";
  const body = rows.length === 0
    ? `<p class="muted">${e(m.inbox.empty)}</p>`
    : bulk
      ? `<form method="post" action="/inbox/answers">${csrfField(ctx)}${table}` +
        `<div class="actions"><label>${e(b.action)} <select name="action"><option value="acknowledge">${e(b.acknowledge)}</option><option value="week">${e(b.snoozeWeek)}</option><option value="month">${e(b.snoozeMonth)}</option></select></label>` +
        ` <button type="submit" data-test="bulk-apply">${e(b.apply)}</button></div></form>`
      : table;
  return page(ctx, m.inbox.title, `<h1>${e(m.inbox.title)}</h1>${body}`);
}
