import { z } from "zod";
import { divRound, MICROS_PER_UNIT, parseAmount } from "./money.ts";

/**
 * A reporting currency and the rates that bring every account's money into it, so that rankings and totals
 * compare like with like. Rates are decimal strings (units of the reporting currency for one unit of the
 * other), converted exactly like every other amount: no float takes part.
 */
const currencyCode = z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code in capitals, e.g. CNY");
const rate = z.string().regex(/^\d{1,12}(\.\d{1,6})?$/, "a positive decimal string with at most 6 places, e.g. \"7.1234\"").refine((s) => parseAmount(s) > 0n, "must be above zero");

export const exchangeRatesSchema = z
  .object({
    reporting: currencyCode,
    /** The day the rates were taken: shown beside every converted figure, since rates go stale. */
    asOf: z.iso.date(),
    source: z.string().min(1).max(200).optional(),
    rates: z.record(currencyCode, rate),
  })
  .strict()
  .refine((fx) => fx.rates[fx.reporting] === undefined || parseAmount(fx.rates[fx.reporting] ?? "1") === MICROS_PER_UNIT, {
    message: "the reporting currency's own rate must be 1 (or left out)",
    path: ["rates"],
  });
export type ExchangeRates = z.infer<typeof exchangeRatesSchema>;

/**
 * Micro-units of `currency` in micro-units of the reporting currency, or undefined when there is no rate for
 * it: a caller shows such an amount in its own currency and leaves it out of converted totals, never adds it
 * as if it were already converted. An account without a currency is taken to be in the reporting currency.
 */
export function toReportingMicros(micros: bigint, currency: string | undefined, fx: ExchangeRates): bigint | undefined {
  if (currency === undefined || currency === fx.reporting) return micros;
  const r = fx.rates[currency];
  if (r === undefined) return undefined;
  return divRound(micros * parseAmount(r), MICROS_PER_UNIT);
}
