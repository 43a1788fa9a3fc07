import { describe, expect, it } from "vitest";
import { formatChange, formatMoney, formatQuantity } from "./format.ts";

describe("format", () => {
  it("formats money exactly with thousands separators and the currency", () => {
    expect(formatMoney("410000", "en", "CNY")).toBe("CN¥410,000.00");
    expect(formatMoney("410000", "zh-CN", "CNY")).toBe("¥410,000.00");
    expect(formatMoney("123456789012345.67", "en", "USD")).toBe("$123,456,789,012,345.67");
    expect(formatMoney("1000", "en", "JPY")).toBe("¥1,000");
    expect(formatMoney("1000", "en")).toBe("1,000.00");
    expect(formatMoney("1000", "en", "bad")).toBe("1,000.00");
  });

  it("formats units per locale and leaves non-numbers as text", () => {
    expect(formatQuantity("1", "days", "en")).toBe("1 day");
    expect(formatQuantity("12", "days", "zh-CN")).toBe("12天");
    expect(formatQuantity("3.5", "points", "zh-CN")).toBe("3.5分");
    expect(formatQuantity("12.25", "percent", "en")).toBe("12.3%");
    expect(formatQuantity("n/a", "count", "en")).toBe("n/a");
  });

  it("formats relative change in both locales", () => {
    expect(formatChange(-71, "en")).toBe("\u221271%");
    expect(formatChange(35, "en")).toBe("+35%");
    expect(formatChange(-71, "zh-CN")).toBe("下降71%");
    expect(formatChange(0, "zh-CN")).toBe("持平");
  });
});
