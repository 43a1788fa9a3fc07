import { readFileSync } from "node:fs";
import { exchangeRatesSchema, type ExchangeRates } from "@churnwatch/engine";
import { ConfigError } from "./env.ts";

/**
 * The reporting currency and its rates (FX_RATES_PATH), read by every surface that ranks or totals money across
 * accounts (the console, the digests), so they all convert alike. None configured: amounts stay per currency.
 * A bad file stops start-up, naming the file and each bad field.
 */
export function loadExchangeRates(path: string | undefined, variable = "FX_RATES_PATH"): ExchangeRates | undefined {
  if (!path) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new ConfigError(`${variable} ${path}: ${(err as Error).message}`);
  }
  const parsed = exchangeRatesSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`${variable} ${path}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}
