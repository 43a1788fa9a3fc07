import { DateTime } from "luxon";
import type { Locale, Unit } from "@churnwatch/contracts";

const DECIMAL = /^-?\d{1,18}(\.\d{1,12})?$/;

/** Untrusted text shown on one line: control characters (CR/LF included) become spaces, then it is cut. */
export function oneLine(value: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, " ").slice(0, max);
}
const CURRENCY = /^[A-Z]{3}$/;

function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat | undefined {
  try {
    return new Intl.NumberFormat(locale, options);
  } catch {
    return undefined; // e.g. an unknown currency code: fall back to a plain number
  }
}

/**
 * Formats a decimal string exactly: Intl.NumberFormat takes the string itself (ES2023), so large money
 * amounts are never rounded through a float.
 */
export function formatDecimal(raw: string, locale: Locale, options: Intl.NumberFormatOptions = {}): string {
  const value = raw.trim();
  if (!DECIMAL.test(value)) return oneLine(value, 60); // not a number: shown as-is (escaped later)
  const fmt = numberFormat(locale, options) ?? numberFormat(locale, { maximumFractionDigits: 2 });
  return fmt ? fmt.format(value as `${number}`) : value;
}

export function formatMoney(raw: string, locale: Locale, currency?: string): string {
  if (currency && CURRENCY.test(currency) && numberFormat(locale, { style: "currency", currency })) {
    return formatDecimal(raw, locale, { style: "currency", currency });
  }
  return formatDecimal(raw, locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** A value with its unit, in the account's locale and currency. */
export function formatQuantity(raw: string, unit: Unit, locale: Locale, currency?: string): string {
  switch (unit) {
    case "money":
      return formatMoney(raw, locale, currency);
    case "count":
      return formatDecimal(raw, locale, { maximumFractionDigits: 2 });
    case "days": {
      const n = formatDecimal(raw, locale, { maximumFractionDigits: 1 });
      if (locale === "zh-CN") return `${n}天`;
      return raw.trim() === "1" ? `${n} day` : `${n} days`;
    }
    case "points": {
      const n = formatDecimal(raw, locale, { maximumFractionDigits: 2 });
      return locale === "zh-CN" ? `${n}分` : `${n} points`;
    }
    case "percent":
      return `${formatDecimal(raw, locale, { maximumFractionDigits: 1 })}%`;
  }
}

/** A relative change: en "−71%" / "+35%", zh "下降71%" / "上升35%". */
export function formatChange(changePct: number, locale: Locale): string {
  if (!Number.isFinite(changePct)) return "";
  const abs = formatDecimal(String(Math.abs(Math.round(changePct * 10) / 10)), locale, { maximumFractionDigits: 1 });
  if (locale === "zh-CN") return changePct < 0 ? `下降${abs}%` : changePct > 0 ? `上升${abs}%` : "持平";
  return changePct < 0 ? `\u2212${abs}%` : changePct > 0 ? `+${abs}%` : "±0%";
}

/** A timestamp in the account's timezone (UTC when unknown or invalid), with the zone named. */
export function formatDateTime(iso: string, locale: Locale, timezone?: string): string {
  let dt = DateTime.fromISO(iso, { setZone: true });
  if (!dt.isValid) return oneLine(iso, 40);
  const zoned = timezone ? dt.setZone(timezone) : dt.toUTC();
  dt = zoned.isValid ? zoned : dt.toUTC();
  const pattern = locale === "zh-CN" ? "yyyy年M月d日 HH:mm" : "d LLL yyyy, HH:mm";
  return `${dt.setLocale(locale).toFormat(pattern)} (${dt.zoneName ?? "UTC"})`;
}
