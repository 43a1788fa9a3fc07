import type { AlertNotification, Evidence, Locale } from "@churnwatch/contracts";
import { suggestedActions } from "./actions.ts";
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
  rows: EvidenceRow[];
  /** The other alerts of the account in this email, each with its own evidence. */
  more: Array<{ title: string; summary: string; scoreLine: string; rows: EvidenceRow[] }>;
  actions: string[];
  accountUrl: string;
  linkExpires: string;
  refs: string;
}

/** Untrusted free text shown on one line: control characters (CR/LF included) become spaces. */
const oneLine = (s: string, max = 300) => headerSafe(s, max);

function evidenceRow(e: Evidence, n: AlertNotification, m: Messages): EvidenceRow {
  const { label, value, baseline, threshold, change, sentence } = explainEvidence(e, n.account.locale, n.account.currency);
  const trend = e.changePct === undefined ? "none" : e.changePct < 0 ? "down" : e.changePct > 0 ? "up" : "flat";
  return {
    label,
    value,
    reference: baseline ?? (threshold ? m.ui.threshold(threshold) : "—"),
    change: change ?? "—",
    trend,
    sentence,
  };
}

export function buildView(n: AlertNotification, accountUrl: string, linkExpiresAt: string): EmailView {
  const { account } = n;
  const m = catalogs[account.locale];
  const rule = m.rules[n.rule];
  const level = m.levels[n.level];
  const escalated = n.kind === "escalated";
  const related = n.related ?? [];
  const titleWithMore = related.length > 0 ? `${rule.title} (+${related.length})` : rule.title;
  const scoreLine = (lvl: AlertNotification["level"], score: number, firedAt: string) =>
    m.ui.scoreLine({
      level: m.levels[lvl],
      score: formatDecimal(String(Math.round(score)), account.locale),
      when: formatDateTime(firedAt, account.locale, account.timezone),
    });
  // One list of next steps for the whole account: the ladder's steps for every alert, each once.
  const actions = [n, ...related].flatMap((a) => suggestedActions(a.rule, a.level, account.tier));
  const accountName = oneLine(account.name, 200);
  const ownerName = account.owner ? oneLine(account.owner.name, 100) : "";
  const details = [account.tier ? m.tiers[account.tier] : undefined, account.region ? oneLine(account.region, 100) : undefined];
  return {
    locale: account.locale,
    messages: m,
    title: rule.title,
    subject: oneLine(m.subject({ account: accountName, level, title: titleWithMore, escalated }), 250),
    greeting: m.ui.greeting(ownerName),
    accountLine: [accountName, ...details.filter(Boolean), `ID ${oneLine(n.accountId, 200)}`].join(" · "),
    summary: rule.summary,
    scoreLine: scoreLine(n.level, n.score, n.firedAt),
    escalated,
    rows: n.evidence.map((e) => evidenceRow(e, n, m)),
    more: related.map((r) => ({
      title: m.rules[r.rule].title,
      summary: m.rules[r.rule].summary,
      scoreLine: scoreLine(r.level, r.score, r.firedAt),
      rows: r.evidence.map((e) => evidenceRow(e, n, m)),
    })),
    actions: [...new Set(actions)].map((key) => m.actions[key]),
    accountUrl,
    linkExpires: m.ui.linkExpires(formatDateTime(linkExpiresAt, account.locale, account.timezone)),
    refs: `${m.ui.refs}${m.ui.colon}alert ${oneLine(n.alertId, 200)} · notification ${oneLine(n.notificationId, 200)} · ${n.rule} · config ${oneLine(n.configVersion, 100)}`,
  };
}
