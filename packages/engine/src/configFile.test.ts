import { describe, expect, it } from "vitest";
import { defaultConfig, thresholdsFor } from "./config.ts";
import { parseEngineConfig } from "./configFile.ts";

const ok = (text: string) => {
  const r = parseEngineConfig(text);
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.config;
};

describe("parseEngineConfig", () => {
  it("keeps the defaults for what the file does not say, and stamps its version", () => {
    const config = ok(JSON.stringify({ version: "2026-12-01.1" }));
    expect(config.version).toBe("2026-12-01.1");
    expect(config.rules).toEqual(defaultConfig.rules);
    expect(thresholdsFor(config, "strategic")).toEqual(thresholdsFor(defaultConfig, "strategic"));
  });

  it("layers defaults, tier and account overrides, in that order", () => {
    const config = ok(
      JSON.stringify({
        version: "v2",
        rules: { "purchases.decline": { medium: 55, resolve: 28 } },
        tiers: { strategic: { "purchases.decline": { high: 55 }, "payments.overdue": { high: 50 } } },
        accounts: { "acc-7": { "purchases.decline": { medium: 35 } } },
      }),
    );
    expect(thresholdsFor(config, "ordinary")["purchases.decline"]).toMatchObject({ medium: 55, high: 65, resolve: 28 });
    // The strategic defaults (overdue medium 20) still apply where the file is silent; its own highs are 55 and 50.
    expect(thresholdsFor(config, "strategic")["purchases.decline"]).toMatchObject({ medium: 55, high: 55 });
    expect(thresholdsFor(config, "strategic")["payments.overdue"]).toMatchObject({ medium: 20, high: 50 });
    expect(thresholdsFor(config, "ordinary", "acc-7")["purchases.decline"]).toMatchObject({ medium: 35, high: 65 });
    expect(thresholdsFor(config, "ordinary", "acc-8")["purchases.decline"].medium).toBe(55);
  });

  it.each([
    ["not JSON", "{", /not valid JSON/],
    ["a missing version", JSON.stringify({ rules: {} }), /^version: /],
    ["a misspelt rule", JSON.stringify({ version: "v", rules: { "purchases.declne": { medium: 1 } } }), /rules: Unrecognized key: "purchases.declne"/],
    ["a misspelt field", JSON.stringify({ version: "v", rules: { "purchases.decline": { medum: 1 } } }), /rules.purchases.decline: Unrecognized key: "medum"/],
    ["a percentage over 100", JSON.stringify({ version: "v", rules: { "purchases.decline": { medium: 140 } } }), /rules.purchases.decline.medium: Too big/],
    ["levels out of order", JSON.stringify({ version: "v", rules: { "purchases.decline": { high: 35 } } }), /rules: purchases.decline needs medium ≤ high ≤ critical \(got 50, 35, 85\)/],
    ["no hysteresis band", JSON.stringify({ version: "v", accounts: { a1: { "payments.overdue": { resolve: 40 } } } }), /accounts.a1 \(as ordinary\): payments.overdue resolve \(40\) must be below medium \(30\)/],
    ["an empty run of orders to judge", JSON.stringify({ version: "v", rules: { "purchases.narrowing": { recentOrders: 2 } } }), /rules: purchases.narrowing minRecentOrders \(3\) must not exceed recentOrders \(2\)/],
  ])("refuses %s with a precise message", (_, text, message) => {
    const r = parseEngineConfig(text);
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.errors.join("\n")).toMatch(message);
  });
});

describe("the example rules file in infra/config", () => {
  it("parses", async () => {
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(new URL("../../../infra/config/rules.example.json", import.meta.url), "utf8");
    expect(ok(text).version).toBe("2026-11-25.example");
  });
});
