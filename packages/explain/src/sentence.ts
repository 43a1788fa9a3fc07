import type { Evidence, Locale } from "@churnwatch/contracts";
import { formatChange, formatQuantity, oneLine } from "./format.ts";
import { signalLabels } from "./labels.ts";

export interface ExplainedEvidence {
  label: string;
  value: string;
  baseline?: string;
  threshold?: string;
  change?: string;
  /** One plain sentence built from the numbers, e.g. "Order value in the last 90 days: $3,158.38 vs $14,888.19 baseline, −78.8%". */
  sentence: string;
}

/**
 * Why a signal matters, in the reader's language, from its numbers alone. Shared by the alert emails and the
 * replay's explanations, so a manager reads the same words everywhere.
 */
export function explainEvidence(e: Evidence, locale: Locale, currency?: string): ExplainedEvidence {
  const known = signalLabels[locale][e.signal] as ((w: number | undefined) => string) | undefined;
  // An unknown signal (a newer engine than this reader) is still shown, by its name, made safe.
  const w = e.windowDays;
  const name = oneLine(String(e.signal), 80);
  const label = known ? known(w) : locale === "zh-CN" ? `${name}${w ? `（近${w}天）` : ""}` : `${name}${w ? ` (last ${w} days)` : ""}`;
  const value = formatQuantity(e.value, e.unit, locale, currency);
  const baseline = e.baseline === undefined ? undefined : formatQuantity(e.baseline, e.unit, locale, currency);
  const threshold = e.threshold === undefined ? undefined : formatQuantity(e.threshold, e.unit, locale, currency);
  const change = e.changePct === undefined || !Number.isFinite(e.changePct) ? undefined : formatChange(e.changePct, locale);
  let sentence: string;
  const spoken = spokenSentence(e, locale, value, baseline, threshold);
  if (spoken !== undefined) sentence = spoken;
  else if (locale === "zh-CN") {
    sentence = [`${label}：${value}`, baseline && `基线 ${baseline}`, threshold && `阈值 ${threshold}`, change].filter(Boolean).join("，");
  } else {
    sentence = `${label}: ${value}${baseline ? ` vs ${baseline} baseline` : ""}${threshold ? ` (threshold ${threshold})` : ""}${change ? `, ${change}` : ""}`;
  }
  return {
    label,
    value,
    ...(baseline === undefined ? {} : { baseline }),
    ...(threshold === undefined ? {} : { threshold }),
    // A rhythm is read in days, not as a percentage against its baseline: no change column for it.
    ...(change === undefined || spoken !== undefined ? {} : { change }),
    sentence,
  };
}

/**
 * The signals a manager reads as a rhythm, said the way a manager would say them, in the account's own
 * units ("no order for 65 days; this account usually orders every 12 days"), not as a change against a
 * baseline ("+441%"). Undefined for the others, which keep the label: value vs baseline form.
 */
function spokenSentence(e: Evidence, locale: Locale, value: string, baseline: string | undefined, threshold: string | undefined): string | undefined {
  if (e.signal === "orders.daysSinceLast") {
    if (locale === "zh-CN") {
      const usual = baseline === undefined ? "" : `；该客户通常每${baseline}下单一次`;
      return `已${value}没有下单${usual}${threshold === undefined ? "" : `（超过${threshold}即预警）`}。`;
    }
    const usual = baseline === undefined ? "" : `; this account usually orders every ${baseline}`;
    return `No order for ${value}${usual}${threshold === undefined ? "" : ` (an alert from ${threshold})`}.`;
  }
  if (e.signal === "contact.daysSinceLast") {
    if (locale === "zh-CN") {
      const usual = baseline === undefined ? "" : `；该客户通常每${baseline}联系一次`;
      return `已${value}没有联系${usual}${threshold === undefined ? "" : `（超过${threshold}即预警）`}。`;
    }
    const usual = baseline === undefined ? "" : `; this account is usually in touch every ${baseline}`;
    return `No contact for ${value}${usual}${threshold === undefined ? "" : ` (an alert from ${threshold})`}.`;
  }
  return undefined;
}
