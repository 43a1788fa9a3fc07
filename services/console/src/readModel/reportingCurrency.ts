import type { ExchangeRates } from "@churnwatch/engine";

/**
 * Revenue at risk in the reporting currency, in SQL so that ranking and paging compare converted amounts:
 * rates travel as one jsonb parameter (code → decimal string, numeric in SQL, never a float). A currency with
 * no rate gives NULL, shown in its own currency and ranked after every converted amount.
 */
export function reportingRisk(fx: ExchangeRates | undefined, values: unknown[]): string {
  if (!fx) return "NULL::numeric";
  values.push(fx.reporting, JSON.stringify(fx.rates));
  const [reporting, rates] = [values.length - 1, values.length];
  return `CASE WHEN accounts.currency IS NULL OR accounts.currency = $${reporting} THEN accounts.revenue_at_risk
    ELSE round(accounts.revenue_at_risk * (($${rates}::jsonb)->>accounts.currency)::numeric, 6) END`;
}
