import type { Level, Locale } from "@churnwatch/contracts";
import { escapeHtml as e, formatDateTime, vocabulary } from "@churnwatch/explain";
import { consoleMessages } from "./messages.ts";

export const iso = (at: Date | string) => (typeof at === "string" ? at : at.toISOString());

/** A share as a percentage in the page's locale, or a dash when there is none. */
export const percent = (x: number | null | undefined, locale: Locale, digits = 0) =>
  x === null || x === undefined ? "—" : new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: digits }).format(x);

export const levelBadge = (level: Level | null, locale: Locale) =>
  level ? `<span class="level level-${level}">${e(vocabulary[locale].levels[level])}</span>` : "";

/** An alert's latest answer in words, or "unanswered". */
export function answerText(response: { type: string; actor: string; at: string } | null, locale: Locale, timezone?: string): string {
  const m = consoleMessages[locale];
  if (!response) return `<span class="unanswered">${e(m.unanswered)}</span>`;
  const say = m.answers[response.type as keyof typeof m.answers] as ((who: string, when: string) => string) | undefined;
  const when = formatDateTime(iso(response.at), locale, timezone);
  return `<span class="answered">${e(say ? say(response.actor.replace(/^link:/, ""), when) : response.type)}</span>`;
}
