import type { EmailView } from "./view.ts";

/** The plain-text alternative: same content, one evidence sentence per line. */
export function renderText(view: EmailView): string {
  const ui = view.messages.ui;
  return [
    view.title,
    "",
    view.greeting,
    "",
    ...(view.escalated ? [ui.escalated, ""] : []),
    `${ui.account}${ui.colon}${view.accountLine}`,
    view.summary,
    view.scoreLine,
    "",
    `${ui.evidence}${ui.colon.trim()}`,
    ...view.rows.map((r) => `- ${r.sentence}`),
    "",
    ...(view.more.length > 0 ? [`${ui.alsoOnAccount}${ui.colon.trim()}`, ""] : []),
    ...view.more.flatMap((alert) => [alert.title, alert.summary, alert.scoreLine, ...alert.rows.map((r) => `- ${r.sentence}`), ""]),
    `${ui.actions}${ui.colon.trim()}`,
    ...view.actions.map((a, i) => `${i + 1}. ${a}`),
    "",
    `${ui.open}${ui.colon}${view.accountUrl}`,
    view.linkExpires,
    "",
    "--",
    ui.footer,
    view.refs,
    "",
  ].join("\n");
}
