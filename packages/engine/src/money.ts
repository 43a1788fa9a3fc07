/**
 * Exact money arithmetic. Amounts live as integer micro-units (1e-6 of a major unit): bigint while
 * computing, decimal strings in state so that it stays JSON. Floats never take part in a sum.
 */
export const MICROS_PER_UNIT = 1_000_000n;
const SCALE = 6;
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** Expands exponent notation ("1e-7", "1.5e+21") to a plain decimal string without touching a float. */
function plainDecimal(text: string): string {
  const m = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/i.exec(text);
  if (!m) return text;
  const digits = (m[1] ?? "") + (m[2] ?? "");
  const point = (m[1] ?? "").length + Number(m[3]);
  if (point <= 0) return `0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + "0".repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * Parses a non-negative decimal amount (number or string, major units) into micro-units.
 * Numbers go through String(n), so 0.1 is exactly 100000 micros. Digits past the sixth decimal
 * (only possible for numbers; the contract's strings stop at six) round half-up.
 */
export function parseAmount(amount: number | string): bigint {
  if (typeof amount === "number" && (!Number.isFinite(amount) || amount < 0)) {
    throw new RangeError(`amount ${amount} is not a finite non-negative number`);
  }
  const text = typeof amount === "number" ? plainDecimal(String(amount)) : amount.trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new RangeError(`amount ${JSON.stringify(amount)} is not a non-negative decimal`);
  const whole = m[1] ?? "0";
  const frac = m[2] ?? "";
  const kept = (frac.slice(0, SCALE) + "0".repeat(SCALE)).slice(0, SCALE);
  let micros = BigInt(whole) * MICROS_PER_UNIT + BigInt(kept);
  if (frac.length > SCALE && (frac.charCodeAt(SCALE) - 48) >= 5) micros += 1n;
  return micros;
}

export function toMicros(value: bigint | string): bigint {
  return typeof value === "bigint" ? value : BigInt(value);
}

/** Adds stored micro-unit strings (or bigints) exactly. */
export function addMoney(...values: Array<bigint | string>): bigint {
  let total = 0n;
  for (const v of values) total += toMicros(v);
  return total;
}

/** Integer division rounding half away from zero, for scaling baselines. */
export function divRound(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError("division by zero");
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (n * 2n + d) / (d * 2n);
  return negative ? -q : q;
}

/** Formats micro-units as a major-unit decimal with two places, rounding half away from zero: "120000.00". */
export function formatMoney(value: bigint | string): string {
  const micros = toMicros(value);
  const cents = divRound(micros, 10_000n);
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const whole = abs / 100n;
  const frac = (abs % 100n).toString().padStart(2, "0");
  return `${negative ? "-" : ""}${whole}.${frac}`;
}
