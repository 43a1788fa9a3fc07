import { describe, expect, it } from "vitest";
import type { Locale } from "@churnwatch/contracts";
import type { PortfolioRow, PortfolioView } from "../readModel/queries.ts";
import { portfolioPage } from "./portfolioPage.ts";

const row = (id: string, currency: string, own: string, reporting: string | null): PortfolioRow => ({
  account_id: id, name: id, tier: "partner", region: "East", currency, owner_name: "Li Wei", owner_email: "li.wei@example.com",
  score: 70, level: "high", revenue_at_risk: own, reporting_risk: reporting, rank_key: reporting ?? "-1", trend: [60, 70], answers: [],
});
const view = (fx: PortfolioView["fx"]): PortfolioView => ({
  rows: [row("usd", "USD", "30000.00", fx ? "213000.000000" : null), row("cny", "CNY", "100000.00", fx ? "100000.00" : null), row("jpy", "JPY", "5000000", null)],
  next: undefined, filters: {}, fx, options: { regions: ["East"], owners: [] },
});
const render = (locale: Locale, fx: PortfolioView["fx"]) =>
  portfolioPage({ locale, viewer: { email: "ceo@example.com", role: "executive", canAct: false, seesQueues: false }, csrf: "t", path: "/" }, view(fx), {});
const cell = (html: string, id: string) => html.split(`data-account="${id}"`)[1]?.split("</tr>")[0] ?? "";

describe("portfolio page: revenue at risk in the reporting currency", () => {
  it("shows the converted amount with the account's own under it, and marks a currency with no rate", () => {
    const en = render("en", { reporting: "CNY", asOf: "2026-11-30" });
    expect(cell(en, "usd")).toContain("CN¥213,000.00<div class=\"muted\">$30,000.00</div>");
    expect(cell(en, "cny")).toContain("CN¥100,000.00</td>");
    expect(cell(en, "cny")).not.toContain("muted\">CN¥");
    expect(cell(en, "jpy")).toContain("not converted: no exchange rate");
    expect(en).toContain("converted to CNY at the rates of 2026-11-30");
    const zh = render("zh-CN", { reporting: "CNY", asOf: "2026-11-30" });
    expect(cell(zh, "jpy")).toContain("未折算：缺少汇率");
    expect(zh).toContain("按 2026-11-30 的汇率折算为 CNY");
  });

  it("without rates shows each amount in its own currency and no note", () => {
    const en = render("en", undefined);
    expect(cell(en, "usd")).toContain("$30,000.00</td>");
    expect(en).not.toContain("data-test=\"fx-note\"");
    expect(en).not.toContain("not converted");
  });
});
