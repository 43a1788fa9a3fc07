import { escapeHtml as e, formatDateTime, vocabulary } from "@churnwatch/explain";
import type { InboxRow } from "../readModel/queries.ts";
import { page, type PageContext } from "./layout.ts";
import { consoleMessages } from "./messages.ts";
import { answerText, levelBadge } from "./format.ts";

export function inboxPage(ctx: PageContext, rows: readonly InboxRow[]): string {
  const m = consoleMessages[ctx.locale];
  const v = vocabulary[ctx.locale];
  const c = m.inbox.columns;
  const body = rows.length === 0
    ? `<p class="muted">${e(m.inbox.empty)}</p>`
    : `<table><thead><tr><th>${e(c.account)}</th><th>${e(c.alert)}</th><th>${e(c.level)}</th><th>${e(c.fired)}</th><th>${e(c.answer)}</th></tr></thead><tbody>` +
      rows
        .map((r) =>
          `<tr><td><a href="/accounts/${encodeURIComponent(r.account_id)}">${e(r.name ?? r.account_id)}</a></td>` +
          `<td>${e(v.rules[r.alert.rule]?.title ?? r.alert.rule)}</td><td>${levelBadge(r.alert.level, ctx.locale)}</td>` +
          `<td>${e(formatDateTime(r.alert.firedAt, ctx.locale))}</td><td>${answerText(r.response, ctx.locale)}</td></tr>`,
        )
        .join("") +
      "</tbody></table>";
  return page(ctx, m.inbox.title, `<h1>${e(m.inbox.title)}</h1>${body}`);
}
