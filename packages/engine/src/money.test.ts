import { describe, expect, it } from "vitest";
import { addMoney, divRound, formatMoney, parseAmount } from "./money.ts";

describe("money", () => {
  it("parses numbers through their decimal string, not their binary value", () => {
    expect(parseAmount(0.1)).toBe(100_000n);
    expect(parseAmount(1250.5)).toBe(1_250_500_000n);
    expect(parseAmount("1250.50")).toBe(1_250_500_000n);
    expect(parseAmount(123.456789)).toBe(123_456_789n);
    expect(parseAmount("0.000001")).toBe(1n);
    expect(parseAmount(0)).toBe(0n);
  });

  it("sums 0.1 ten times to exactly 1.00 (floats would give 0.9999999999999999)", () => {
    let floatSum = 0;
    const amounts: bigint[] = [];
    for (let i = 0; i < 10; i++) {
      floatSum += 0.1;
      amounts.push(parseAmount(0.1));
    }
    expect(floatSum).not.toBe(1);
    expect(addMoney(...amounts)).toBe(1_000_000n);
    expect(formatMoney(addMoney(...amounts))).toBe("1.00");
  });

  it("stays exact for amounts far beyond 2^53 micro-units", () => {
    const big = parseAmount("999999999999999.999999");
    expect(big).toBe(999_999_999_999_999_999_999n);
    expect(formatMoney(addMoney(big, parseAmount("0.000001")))).toBe("1000000000000000.00");
    expect(formatMoney(parseAmount(1e15))).toBe("1000000000000000.00");
    const many = Array.from({ length: 1000 }, () => parseAmount("123456789012.34")).reduce((a, b) => a + b, 0n);
    expect(formatMoney(many)).toBe("123456789012340.00");
  });

  it("adds stored micro-unit strings", () => {
    expect(addMoney("100000", "200000", 300000n)).toBe(600_000n);
  });

  it("expands exponent notation and rounds digits past the sixth decimal half-up", () => {
    expect(parseAmount(1e-7)).toBe(0n);
    expect(parseAmount(5e-7)).toBe(1n);
    expect(parseAmount(1.5e-6)).toBe(2n);
    expect(parseAmount(2.5e10)).toBe(25_000_000_000_000_000n);
  });

  it("rejects negative, non-finite and malformed amounts", () => {
    expect(() => parseAmount(-1)).toThrow(RangeError);
    expect(() => parseAmount(Number.NaN)).toThrow(RangeError);
    expect(() => parseAmount(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => parseAmount("-1.00")).toThrow(RangeError);
    expect(() => parseAmount("1,000.00")).toThrow(RangeError);
    expect(() => parseAmount("1e5")).toThrow(RangeError);
    expect(() => parseAmount("")).toThrow(RangeError);
  });

  it("formats to two decimals, rounding half away from zero", () => {
    expect(formatMoney(120_000_000_000n)).toBe("120000.00");
    expect(formatMoney(parseAmount("0.005"))).toBe("0.01");
    expect(formatMoney(parseAmount("0.004999"))).toBe("0.00");
    expect(formatMoney(parseAmount("7.125"))).toBe("7.13");
    expect(formatMoney(-1_505_000n)).toBe("-1.51");
    expect(formatMoney("42")).toBe("0.00");
    expect(formatMoney(0n)).toBe("0.00");
  });

  it("divides with half-away-from-zero rounding", () => {
    expect(divRound(7n, 2n)).toBe(4n);
    expect(divRound(-7n, 2n)).toBe(-4n);
    expect(divRound(10n, 3n)).toBe(3n);
    expect(() => divRound(1n, 0n)).toThrow(RangeError);
  });
});
