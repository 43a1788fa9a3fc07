import { escapeHtml as e } from "@churnwatch/explain";
import { csrfField, page, type PageContext } from "./layout.ts";
import { consoleMessages } from "./messages.ts";

export function signinPage(ctx: PageContext, sent: boolean): string {
  const m = consoleMessages[ctx.locale].signin;
  const body = sent
    ? `<p class="notice" role="status">${e(m.sent)}</p>`
    : `<p>${e(m.intro)}</p><form method="post" action="/signin">${csrfField(ctx)}<label for="email">${e(m.email)}</label>` +
      `<input id="email" name="email" type="email" required autocomplete="email"><button type="submit">${e(m.send)}</button></form>`;
  return page(ctx, m.title, `<div class="signin"><h1>${e(m.title)}</h1>${body}</div>`);
}

/** The emailed link lands here and a button spends it: a mail scanner that fetches links spends nothing. */
export function confirmSigninPage(ctx: PageContext, token: string): string {
  const m = consoleMessages[ctx.locale].signin;
  return page(
    ctx,
    m.confirmTitle,
    `<div class="signin"><h1>${e(m.confirmTitle)}</h1><form method="post" action="/signin/${encodeURIComponent(token)}">${csrfField(ctx)}<button type="submit">${e(m.confirm)}</button></form></div>`,
  );
}
