import type { Locale } from "@churnwatch/contracts";
import { escapeHtml as e } from "@churnwatch/explain";
import type { Viewer } from "../auth/roles.ts";
import { consoleMessages } from "./messages.ts";

export interface PageContext {
  locale: Locale;
  viewer: Viewer | undefined;
  /** The CSRF token every form of the page posts back. */
  csrf: string;
  /** Where the queue dashboard is, for operations. */
  queuesUrl?: string | undefined;
  /** The path to return to after a language switch. */
  path: string;
  notice?: string | undefined;
}

export const csrfField = (ctx: PageContext) => `<input type="hidden" name="_csrf" value="${e(ctx.csrf)}">`;

export function page(ctx: PageContext, title: string, body: string): string {
  const m = consoleMessages[ctx.locale];
  const other: Locale = ctx.locale === "en" ? "zh-CN" : "en";
  const nav = ctx.viewer
    ? `<nav><a href="/">${e(m.nav.portfolio)}</a><a href="/overview">${e(m.nav.overview)}</a><a href="/inbox">${e(m.nav.inbox)}</a>${ctx.viewer.seesQueues && ctx.queuesUrl ? `<a href="${e(ctx.queuesUrl)}">${e(m.nav.queues)}</a>` : ""}</nav>` +
      `<span class="who">${e(ctx.viewer.email)} · ${e(m.roles[ctx.viewer.role])}</span>` +
      `<form class="inline" method="post" action="/signout">${csrfField(ctx)}<button class="link" type="submit">${e(m.nav.signOut)}</button></form>`
    : "<nav></nav>";
  const lang =
    `<form class="inline" method="post" action="/locale">${csrfField(ctx)}<input type="hidden" name="locale" value="${other}">` +
    `<input type="hidden" name="back" value="${e(ctx.path)}"><button class="secondary" type="submit" lang="${other}" data-test="language">${e(m.nav.language)}</button></form>`;
  return (
    `<!doctype html><html lang="${ctx.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${e(title)} · ${e(m.appName)}</title><link rel="stylesheet" href="/assets/console.css"></head><body>` +
    `<header><span class="brand">${e(m.appName)}</span>${nav}${lang}</header>` +
    `<main>${ctx.notice ? `<p class="notice" role="status">${e(ctx.notice)}</p>` : ""}${body}</main></body></html>`
  );
}

export function messagePage(ctx: PageContext, title: string, text: string, kind: "error" | "notice" = "error"): string {
  return page(ctx, title, `<h1>${e(title)}</h1><p class="${kind}">${e(text)}</p>`);
}
