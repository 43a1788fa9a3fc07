import type { AlertNotification, Evidence, Level, Locale } from "@churnwatch/contracts";
import { suggestedActions, type ActionKey } from "./actions.ts";
import { catalogs, type Messages } from "./catalog.ts";
import { headerSafe } from "./escape.ts";
import { explainEvidence, formatDateTime, formatDecimal } from "@churnwatch/explain";

export interface EvidenceRow {
  label: string;
  value: string;
  /** The baseline, or the threshold when there is no baseline. */
  reference: string;
  change: string;
  trend: "down" | "up" | "flat" | "none";
  sentence: string;
}

/** Everything an email shows, as plain (unescaped) strings; html.ts and text.ts only lay it out. */
export interface EmailView {
  locale: Locale;
  messages: Messages;
  title: string;
  subject: string;
  greeting: string;
  accountLine: string;
  summary: string;
  scoreLine: string;
  escalated: boolean;
  /** Why this email, when it is not the first notice to the owner (a reminder, an escalation, a recovery). */
  intro: string | undefined;
  rows: EvidenceRow[];
  answer: AnswerLinks | undefined;
  /** The other alerts of the account in this email, each with its own evidence. */
  more: Array<{ title: string; summary: string; levelLine: string; rows: EvidenceRow[]; answer: AnswerLinks | undefined }>;
  /** Recent complaint texts (untrusted: escaped by the layouts), for complaint alerts. */
  complaints: Array<{ line: string; text: string }>;
  actions: string[];
  footer: string;
  accountUrl: string;
  linkExpires: string;
  refs: string;
}

export type Role = "owner" | "manager" | "executive";
export type EmailReason = "first" | "escalated" | "repeat" | "resolved" | "escalation-step";
/** Signed links for the recipient's answers to one alert. */
export interface AnswerLinks {
  acknowledge: string;
  snooze: string;
  dismiss: string;
}

export interface ViewOptions {
  accountUrl: string;
  linkExpiresAt: string;
  /** Who reads it; defaults to the account's owner in the account's language. */
  recipient?: { name: string; locale: Locale; role: Role };
  reason?: EmailReason;
  /** Per alert, the lead first, then the related ones in order. */
  answerLinks?: Array<AnswerLinks | undefined>;
  complaints?: Array<{ category: string; severity: string; text: string; at: string }>;
}

/** Untrusted free text shown on one line: control characters (CR/LF included) become spaces. */
const oneLine = (s: string, max = 300) => headerSafe(s, max);

function evidenceRow(e: Evidence, n: AlertNotification, m: Messages, locale: Locale): EvidenceRow {
  const { label, value, baseline, threshold, change, sentence } = explainEvidence(e, locale, n.account.currency);
  const trend = e.changePct === undefined || change === undefined ? "none" : e.changePct < 0 ? "down" : e.changePct > 0 ? "up" : "flat";
  return {
    label,
    value,
    reference: baseline ?? (threshold ? m.ui.threshold(threshold) : "—"),
    change: change ?? "—",
    trend,
    sentence,
  };
}

export function buildView(n: AlertNotification, opts: ViewOptions): EmailView {
  const { account } = n;
  const locale = opts.recipient?.locale ?? account.locale;
  const m = catalogs[locale];
  const rule = m.rules[n.rule];
  const level = m.levels[n.level];
  const reason = opts.reason ?? (n.kind === "escalated" ? "escalated" : n.kind === "resolved" ? "resolved" : "first");
  const escalated = reason === "escalated";
  const related = n.related ?? [];
  const titleWithMore = related.length > 0 ? `${rule.title} (+${related.length})` : rule.title;
  const scoreLine = (lvl: AlertNotification["level"], score: number, firedAt: string) =>
    m.ui.scoreLine({
      level: m.levels[lvl],
      score: formatDecimal(String(Math.round(score)), locale),
      when: formatDateTime(firedAt, locale, account.timezone),
    });
  const role = opts.recipient?.role ?? "owner";
  // One list of next steps for the whole account: the ladder's steps for every alert, each once. An
  // escalation puts the rung it reached first: a visit for the manager, executive contact for the sponsor.
  const ladder: ActionKey[] = role === "manager" ? ["visit", "greenChannel"] : role === "executive" ? ["executive"] : [];
  const actions = reason === "resolved" ? [] : [...ladder, ...[n, ...related].flatMap((a) => suggestedActions(a.rule, a.level, account.tier, a.evidence))];
  const accountName = oneLine(account.name, 200);
  const ownerName = account.owner ? oneLine(account.owner.name, 100) : "";
  const readerName = opts.recipient ? oneLine(opts.recipient.name, 100) : ownerName;
  const details = [account.tier ? m.tiers[account.tier] : undefined, account.region ? oneLine(account.region, 100) : undefined];
  const intro =
    reason === "repeat"
      ? m.ui.reasons.repeat
      : reason === "resolved"
        ? m.ui.reasons.resolved
        : reason === "escalation-step"
          ? role === "executive"
            ? m.ui.reasons.toExecutive(ownerName)
            : m.ui.reasons.toManager(ownerName)
          : undefined;
  const links = opts.answerLinks ?? [];
  return {
    locale,
    messages: m,
    title: rule.title,
    subject: oneLine(m.subject({ account: accountName, level, title: titleWithMore, escalated, resolved: reason === "resolved" }), 250),
    greeting: m.ui.greeting(readerName),
    accountLine: [accountName, ...details.filter(Boolean), `ID ${oneLine(n.accountId, 200)}`].join(" · "),
    summary: rule.summary,
    scoreLine: scoreLine(n.level, n.score, n.firedAt),
    escalated,
    intro,
    rows: n.evidence.map((e) => evidenceRow(e, n, m, locale)),
    answer: links[0],
    more: related.map((r, i) => ({
      title: m.rules[r.rule].title,
      summary: m.rules[r.rule].summary,
      levelLine: m.ui.levelLine({ level: m.levels[r.level], when: formatDateTime(r.firedAt, locale, account.timezone) }),
      rows: r.evidence.map((e) => evidenceRow(e, n, m, locale)),
      answer: links[i + 1],
    })),
    complaints: (opts.complaints ?? []).map((c) => ({
      line: `${formatDateTime(c.at, locale, account.timezone)} · ${c.severity in m.levels ? m.levels[c.severity as Level] : oneLine(c.severity, 20)} · ${oneLine(c.category, 100)}`,
      text: c.text.length > 500 ? `${c.text.slice(0, 499)}…` : c.text,
    })),
    actions: [...new Set(actions)].map((key) => m.actions[key]),
    footer: role === "owner" ? m.ui.footer : m.ui.footerEscalated,
    accountUrl: opts.accountUrl,
    linkExpires: m.ui.linkExpires(formatDateTime(opts.linkExpiresAt, locale, account.timezone)),
    refs: `${m.ui.refs}${m.ui.colon}alert ${oneLine(n.alertId, 200)} · notification ${oneLine(n.notificationId, 200)} · ${n.rule} · config ${oneLine(n.configVersion, 100)}`,
  };
}
