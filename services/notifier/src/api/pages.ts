import { createHash } from "node:crypto";
import type { Locale } from "@churnwatch/contracts";
import { escapeHtml as e } from "../render/index.ts";
import type { LinkAction } from "../actionLinks.ts";

// The pages behind the links in an email. A GET only shows a form: mail scanners and link previews open
// links on their own, and must never acknowledge or dismiss anything. The POST from the form does it.

const text = {
  en: {
    title: { acknowledge: "Acknowledge the alert", snooze: "Snooze the alert", dismiss: "Mark as not a risk" },
    intro: (account: string, rule: string) => `${account} · ${rule}`,
    acknowledge: "I'm on it",
    snoozeUntil: "Quiet until (date)",
    snoozeWorse: "or until it gets worse",
    snooze: "Snooze",
    reason: "Why is this not a risk?",
    dismiss: "Mark as not a risk",
    done: "Thank you: recorded.",
    refused: "Not recorded",
    reasons: {
      malformed: "This link is incomplete or damaged.",
      "bad-signature": "This link is not valid.",
      expired: "This link has expired. Open the account in Churnwatch instead.",
      "no-alert": "This alert no longer exists on the account.",
      "unknown-key": "This link is no longer valid. Open the account in Churnwatch instead.",
      "not-recipient": "This link was sent to someone who no longer owns, manages or sponsors this account, so it cannot answer its alerts any more.",
      "alert-changed": "This alert has changed since this email was sent: it ended and fired again, so this link no longer answers it.",
    } as Record<string, string>,
    openAccount: "Open the account to see the alert as it is now",
    openInConsole: "Open the account in the Churnwatch console",
    openConsole: "Open the Churnwatch console",
  },
  "zh-CN": {
    title: { acknowledge: "确认处理该预警", snooze: "暂缓提醒", dismiss: "标记为不构成风险" },
    intro: (account: string, rule: string) => `${account} · ${rule}`,
    acknowledge: "我来处理",
    snoozeUntil: "暂缓至（日期）",
    snoozeWorse: "或直到风险升级",
    snooze: "暂缓",
    reason: "为什么不构成风险？",
    dismiss: "标记为不构成风险",
    done: "谢谢，已记录。",
    refused: "未能记录",
    reasons: {
      malformed: "链接不完整或已损坏。",
      "bad-signature": "链接无效。",
      expired: "链接已过期，请在 Churnwatch 中打开该客户。",
      "no-alert": "该客户已没有这条预警。",
      "unknown-key": "链接已失效，请在 Churnwatch 中打开该客户。",
      "not-recipient": "此链接的收件人已不再是该客户的负责人、上级或高层联系人，因此不能再处理其预警。",
      "alert-changed": "自这封邮件发出后，该预警已发生变化：它曾结束并再次触发，此链接不再适用于当前预警。",
    } as Record<string, string>,
    openAccount: "打开客户页面，查看当前预警",
    openInConsole: "在 Churnwatch 控制台中打开该客户",
    openConsole: "打开 Churnwatch 控制台",
  },
} satisfies Record<Locale, unknown>;

/**
 * Every page's whole styling, one fixed stylesheet. No style attributes: the pages' Content-Security-Policy
 * allows this stylesheet by its hash and nothing else, so an injected style (or script) would not apply.
 */
const STYLESHEET =
  "body{font-family:Arial,'PingFang SC',sans-serif;max-width:560px;margin:40px auto;padding:0 16px;color:#111827}" +
  "h1{font-size:20px}h2{font-size:16px}h2.alert{margin:20px 0 6px}button{padding:8px 16px}.answer{color:#374151}";

/** The CSP source that allows the pages' stylesheet (and only it): `'sha256-…'` of its exact text. */
export const PAGE_STYLE_SOURCE = `'sha256-${createHash("sha256").update(STYLESHEET, "utf8").digest("base64")}'`;

export function page(locale: Locale, title: string, body: string): string {
  return (
    `<!DOCTYPE html><html lang="${e(locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
    `<meta name="referrer" content="no-referrer"><title>${e(title)}</title><style>${STYLESHEET}</style></head>` +
    `<body><h1>${e(title)}</h1>${body}</body></html>`
  );
}

export function formPage(locale: Locale, action: LinkAction, account: string, rule: string, postUrl: string): string {
  const t = text[locale];
  const fields =
    action === "snooze"
      ? `<p><label>${e(t.snoozeUntil)} <input type="date" name="until"></label></p>` +
        `<p><label><input type="checkbox" name="untilWorse" value="1"> ${e(t.snoozeWorse)}</label></p>`
      : action === "dismiss"
        ? `<p><label>${e(t.reason)}<br><textarea name="reason" rows="3" cols="50" required maxlength="1000"></textarea></label></p>`
        : "";
  const button = action === "snooze" ? t.snooze : action === "dismiss" ? t.dismiss : t.acknowledge;
  return page(
    locale,
    t.title[action],
    `<p>${e(t.intro(account, rule))}</p><form method="post" action="${e(postUrl)}">${fields}` +
      `<p><button type="submit">${e(button)}</button></p></form>`,
  );
}

/**
 * Where a refused link sends its reader on: the account in the console when the link's signature told which
 * account it was about, the console's front page when it did not.
 */
export interface Onward {
  href: string;
  to: "account" | "console";
}

/** The console's page for an account, or its front page; the console asks for a sign-in first if need be. */
export function consoleOnward(consoleBaseUrl: string | undefined, accountId: string | undefined): Onward | undefined {
  if (consoleBaseUrl === undefined) return undefined;
  const base = consoleBaseUrl.replace(/\/+$/, "");
  return accountId === undefined ? { href: `${base}/`, to: "console" } : { href: `${base}/accounts/${encodeURIComponent(accountId)}`, to: "account" };
}

export function resultPage(locale: Locale, ok: boolean, detail?: string, onward?: Onward): string {
  const t = text[locale];
  const next = onward ? `<p><a href="${e(onward.href)}">${e(onward.to === "account" ? t.openInConsole : t.openConsole)}</a></p>` : "";
  return page(locale, ok ? t.done : t.refused, `${detail ? `<p>${e(t.reasons[detail] ?? detail)}</p>` : ""}${next}`);
}

/** A link from an earlier episode of the alert: refused, with the (signed) account page to look at instead. */
export function alertChangedPage(locale: Locale, accountUrl: string): string {
  const t = text[locale];
  return page(locale, t.refused, `<p>${e(t.reasons["alert-changed"] ?? "")}</p><p><a href="${e(accountUrl)}">${e(t.openAccount)}</a></p>`);
}

export interface AccountPageAlert {
  title: string;
  level: string;
  state: string;
  sentences: string[];
  answer: string | undefined;
}

/** The page behind the signed account link in an email: the account's alerts, their evidence and history. */
export function accountPage(locale: Locale, account: string, alerts: AccountPageAlert[], history: string[]): string {
  const zh = locale === "zh-CN";
  const list = alerts
    .map(
      (a) =>
        `<h2 class="alert">${e(a.title)} · ${e(a.level)} · ${e(a.state)}</h2>` +
        `<ul>${a.sentences.map((s) => `<li>${e(s)}</li>`).join("")}</ul>` +
        (a.answer ? `<p class="answer">${e(a.answer)}</p>` : ""),
    )
    .join("");
  const log = history.length > 0 ? `<h2>${zh ? "预警历史" : "History"}</h2><ol>${history.map((h) => `<li>${e(h)}</li>`).join("")}</ol>` : "";
  return page(locale, account, `${list || `<p>${zh ? "该客户当前没有预警。" : "No alerts on this account."}</p>`}${log}`);
}
