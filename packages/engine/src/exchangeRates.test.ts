import { describe, expect, it } from "vitest";
import { exchangeRatesSchema, toReportingMicros } from "./exchangeRates.ts";
import { formatMoney, parseAmount } from "./money.ts";

const fx = exchangeRatesSchema.parse({ reporting: "CNY", asOf: "2026-12-01", rates: { USD: "7.1234", EUR: "7.7" } });

describe("exchange rates", () => {
  it("converts exactly, rounding half away from zero at the micro-unit", () => {
    expect(formatMoney(toReportingMicros(parseAmount("71055"), "USD", fx) ?? -1n)).toBe("506153.19");
    expect(toReportingMicros(parseAmount("0.000001"), "EUR", fx)).toBe(8n); // 7.7 micros → 8
    expect(toReportingMicros(parseAmount("126176"), "CNY", fx)).toBe(parseAmount("126176"));
  });

  it("takes an account with no currency to be in the reporting currency, and has no answer for a currency with no rate", () => {
    expect(toReportingMicros(5n, undefined, fx)).toBe(5n);
    expect(toReportingMicros(5n, "JPY", fx)).toBeUndefined();
  });

  it("refuses a file it cannot trust, saying which field and why", () => {
    const bad = (v: unknown) => exchangeRatesSchema.safeParse(v).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(bad({ reporting: "cny", asOf: "2026-12-01", rates: {} })?.[0]).toMatch(/^reporting: an ISO 4217 code/);
    expect(bad({ reporting: "CNY", asOf: "2026-12-01", rates: { USD: 7.1 } })?.[0]).toMatch(/^rates.USD:/);
    expect(bad({ reporting: "CNY", asOf: "2026-12-01", rates: { USD: "0" } })?.[0]).toBe("rates.USD: must be above zero");
    expect(bad({ reporting: "CNY", asOf: "2026-12-01", rates: { CNY: "2" } })?.[0]).toMatch(/^rates: the reporting currency's own rate must be 1/);
    expect(bad({ reporting: "CNY", asOf: "yesterday", rates: {} })?.[0]).toMatch(/^asOf:/);
  });
});
