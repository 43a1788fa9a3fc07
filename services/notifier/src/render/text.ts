import type { AnswerLinks, EmailView } from "./view.ts";

function answerLines(view: EmailView, links: AnswerLinks | undefined): string[] {
  if (!links) return [];
  const l = view.messages.ui.answerLinks;
  const colon = view.messages.ui.colon;
  return [`${view.messages.ui.answer}${colon.trim()}`, `- ${l.acknowledge}${colon}${links.acknowledge}`, `- ${l.snooze}${colon}${links.snooze}`, `- ${l.dismiss}${colon}${links.dismiss}`, ""];
}

/** The plain-text alternative: same content, one evidence sentence per line. */
export function renderText(view: EmailView): string {
  const ui = view.messages.ui;
  return [
    view.title,
    "",
    view.greeting,
    "",
    ...(view.intro ? [view.intro, ""] : []),
    ...(view.escalated ? [ui.escalated, ""] : []),
    `${ui.account}${ui.colon}${view.accountLine}`,
    view.summary,
    view.scoreLine,
    "",
    `${ui.evidence}${ui.colon.trim()}`,
    ...view.rows.map((r) => `- ${r.sentence}`),
    "",
    ...answerLines(view, view.answer),
    ...(view.complaints.length > 0 ? [`${ui.complaints}${ui.colon.trim()}`, ...view.complaints.flatMap((c) => [`- ${c.line}`, `  ${c.text}`]), ""] : []),
    ...(view.more.length > 0 ? [`${ui.alsoOnAccount}${ui.colon.trim()}`, ""] : []),
    ...view.more.flatMap((alert) => [alert.title, alert.summary, alert.levelLine, ...alert.rows.map((r) => `- ${r.sentence}`), "", ...answerLines(view, alert.answer)]),
    ...(view.actions.length > 0 ? [`${ui.actions}${ui.colon.trim()}`, ...view.actions.map((a, i) => `${i + 1}. ${a}`), ""] : []),
    `${ui.open}${ui.colon}${view.accountUrl}`,
    view.linkExpires,
    "",
    "--",
    view.footer,
    view.refs,
    "",
  ].join("\n");
}
