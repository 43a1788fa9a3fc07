// The console end to end in a real Chromium (Debian's package, driven by playwright-core: no download):
// sign in through the emailed link, see only one's own accounts, open one, acknowledge an alert, switch
// the language. Real Kafka, PostgreSQL and SMTP behind it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { consoleAnswerSchema } from "@churnwatch/contracts";
import { consumeAll } from "@churnwatch/testing";
import { startConsoleHarness, type ConsoleHarness } from "./testSupport/harness.ts";
import { demoAccounts, demoPeople } from "./testSupport/demoAccounts.ts";
import { encodeAlertRef } from "./pages/inboxPage.ts";
import { accessibilityProblems } from "./testSupport/axe.ts";
import { launchChromium, signInHere } from "./testSupport/browser.ts";

describe("the console in a real browser", () => {
  let h: ConsoleHarness;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    h = await startConsoleHarness({ accounts: demoAccounts, nowMs: Date.now(), executives: [demoPeople.executive] });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  /** Opens a page without a session, asks for a link, reads it from the SMTP sink, follows it back to that page. */
  async function signIn(page: Page, email: string, from = "/"): Promise<string> {
    await page.goto(`${h.url}${from}`);
    expect(new URL(page.url()).pathname).toBe("/signin");
    const link = await signInHere(page, h.maildev.webUrl, email);
    expect(page.url()).toBe(`${h.url}${from}`);
    return link;
  }

  it("shows no account data without a session", async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${h.url}/accounts/acc-hz-001`);
    expect(new URL(page.url()).pathname).toBe("/signin");
    expect(res?.status()).toBe(200);
    expect(await page.content()).not.toContain("杭州明远");
    await page.close();
    // A form posted without its CSRF token is refused.
    const forged = await fetch(`${h.url}/signin`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "email=wang.fang%40example.com" });
    expect(forged.status).toBe(403);
  });

  it("signs in by emailed link, shows the owner's portfolio, acknowledges an alert and switches language", async () => {
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    const link = await signIn(page, demoPeople.owner.email);

    // The owner's two accounts, ranked by revenue at risk; not the other owner's.
    const rows = page.locator("tbody tr");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.first().getAttribute("data-account")).toBe("acc-hz-001");
    expect(await page.content()).not.toContain("Northwind");
    expect(await page.locator("svg.spark").count()).toBe(2);
    // Not even by address.
    expect((await page.goto(`${h.url}/accounts/acc-us-003`))?.status()).toBe(404);

    await page.goto(`${h.url}/`);
    await page.getByRole("link", { name: "杭州明远机电有限公司" }).click();
    await page.getByRole("heading", { name: /杭州明远/ }).waitFor();
    const overdue = page.locator('[data-rule="payments.overdue"]');
    expect(await overdue.textContent()).toContain("Unanswered");
    expect(await overdue.textContent()).toMatch(/47 days/);
    await overdue.getByRole("button", { name: "Acknowledge" }).click();
    await page.getByRole("status").waitFor();
    expect(await overdue.textContent()).toContain(`Acknowledged by ${demoPeople.owner.email}`);

    // The answer is an event on the console-answers topic, the durable record.
    const messages = await consumeAll(h.topics.consoleAnswers, { until: (m) => m.length >= 1 });
    expect(consoleAnswerSchema.parse(JSON.parse(messages[0]?.value ?? "null"))).toMatchObject({ type: "acknowledge", accountId: "acc-hz-001", rule: "payments.overdue", actor: demoPeople.owner.email });

    // A logged visit is an interaction.logged event, on the topic the engine reads contacts from.
    await page.locator('form[action$="/contacts"] select[name="kind"]').selectOption("visit");
    await page.getByLabel("What was said").fill("Met the buyer");
    await page.getByRole("button", { name: "Log it" }).click();
    await page.getByText("Met the buyer").waitFor();
    const contacts = await consumeAll(h.topics.interactions, { until: (m) => m.length >= 1 });
    expect(JSON.parse(contacts[0]?.value ?? "null")).toMatchObject({ type: "interaction.logged", accountId: "acc-hz-001", data: { kind: "visit", direction: "outbound", answered: true } });

    // The language switch keeps the page and turns every word, number and date.
    await page.getByRole("button", { name: "中文" }).click();
    await page.getByRole("heading", { name: "未关闭的预警" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    expect(await overdue.textContent()).toContain("已确认");
    expect(await overdue.textContent()).toContain("47天");
    await page.getByRole("link", { name: "客户组合" }).click();
    await page.getByRole("heading", { name: "风险客户" }).waitFor();

    // The link was spent by the first use.
    const again = await context.newPage();
    await again.goto(link);
    await again.getByRole("button", { name: /^(Sign in|登录)$/ }).click();
    expect(await again.content()).toMatch(/used or has expired|已使用或已过期/);
    await context.close();
  });

  it("answers several inbox alerts at once for a manager, skipping any the manager may not answer", async () => {
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    await signIn(page, demoPeople.manager.email);
    await page.getByRole("link", { name: "Inbox" }).click();
    await page.getByRole("heading", { name: "My open alerts" }).waitFor();
    // Nothing selected: a reason, not an error page.
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByRole("status").filter({ hasText: "Select at least one alert." }).waitFor();
    const picks = page.locator('tr[data-account="acc-sh-002"] input[type="checkbox"], tr[data-account="acc-us-003"] input[type="checkbox"]');
    const n = await picks.count();
    expect(n).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < n; i++) await picks.nth(i).check();
    // A reference the page never offered (an account outside any scope, as a forged form would send): skipped.
    const forged = encodeAlertRef("acc-not-yours", "payments.overdue");
    await page.locator('tr[data-account="acc-hz-001"] input[type="checkbox"]').first().evaluate((el, v) => el.setAttribute("value", v), forged);
    await page.locator('tr[data-account="acc-hz-001"] input[type="checkbox"]').first().check();
    await page.getByLabel("With the selected alerts").selectOption("week");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByRole("status").filter({ hasText: `${n} alerts answered.` }).waitFor();
    for (const id of ["acc-sh-002", "acc-us-003"]) expect(await page.locator(`tr[data-account="${id}"]`).first().textContent()).toContain(`Snoozed by ${demoPeople.manager.email}`);
    const snoozes = await consumeAll(h.topics.consoleAnswers, { until: (m) => m.filter((x) => x.value?.includes('"snooze"')).length >= n });
    const answered = snoozes.map((x) => consoleAnswerSchema.parse(JSON.parse(x.value ?? "null"))).filter((x) => x.type === "snooze");
    expect(new Set(answered.map((x) => x.accountId))).toEqual(new Set(["acc-sh-002", "acc-us-003"]));
    expect(answered.every((x) => x.actor === demoPeople.manager.email)).toBe(true);
    await context.close();
  });

  it("shows an executive every account, read-only, after signing in from the account page asked for", async () => {
    const context = await browser.newContext({ locale: "zh-CN" });
    const page = await context.newPage();
    // Where an expired email link sends its reader: the console's account page, through sign-in, and back.
    await signIn(page, demoPeople.executive, "/accounts/acc-us-003");
    await page.getByRole("heading", { name: "Northwind Traders" }).waitFor();
    expect(await page.locator('[data-test="acknowledge"]').count()).toBe(0);
    await page.goto(`${h.url}/`);
    await expect.poll(() => page.locator("tbody tr").count()).toBe(3);
    // The overview: revenue at risk by region and tier, the week, and how good the warnings are.
    await page.getByRole("link", { name: "总览" }).click();
    await page.getByRole("heading", { level: 1, name: "总览" }).waitFor();
    expect(await page.getByRole("img", { name: /各区域风险收入/ }).count() + (await page.getByText("未配置报表币种").count())).toBeGreaterThan(0);
    expect(await page.locator('[data-test="quality"]').textContent()).toContain("预警的准确度");
    await context.close();
  });

  /** Signs in from the sign-in page itself, checking that page on the way, then every main page. */
  async function checkMainPages(locale: "en-US" | "zh-CN", email: string, accountId: string): Promise<Record<string, string[]>> {
    const context = await browser.newContext({ locale });
    const page = await context.newPage();
    const found: Record<string, string[]> = {};
    await page.goto(`${h.url}/signin`);
    found["/signin"] = await accessibilityProblems(page);
    await signIn(page, email);
    for (const path of ["/", "/?level=critical&q=a", `/accounts/${accountId}`, "/inbox", "/overview", "/accounts/no-such-account"]) {
      await page.goto(`${h.url}${path}`);
      found[path] = await accessibilityProblems(page);
    }
    await context.close();
    return found;
  }

  it("has no serious or critical axe-core violations on sign-in, portfolio, account page, inbox and overview, in both languages", async () => {
    // A manager (all three accounts, the action forms) in English; an account manager in Chinese.
    const en = await checkMainPages("en-US", demoPeople.manager.email, "acc-hz-001");
    const zh = await checkMainPages("zh-CN", demoPeople.otherOwner.email, "acc-us-003");
    const problems = [...Object.entries(en).map(([p, v]) => [`en ${p}`, v] as const), ...Object.entries(zh).map(([p, v]) => [`zh-CN ${p}`, v] as const)]
      .filter(([, v]) => v.length > 0)
      .map(([p, v]) => `${p}:\n  ${v.join("\n  ")}`);
    expect(problems.join("\n"), problems.join("\n")).toBe("");
    expect(Object.keys(en)).toHaveLength(7);
  });

  it("the accessibility check finds violations where there are some", async () => {
    const page = await browser.newPage();
    await page.setContent(`<!doctype html><html><head><title>x</title></head><body><main><img src="/x.png"><input name="q"><p style="color:#ccc">low contrast</p></main></body></html>`);
    const problems = await accessibilityProblems(page);
    expect(problems.map((p) => p.split(" ")[0])).toEqual(expect.arrayContaining(["image-alt", "label", "html-has-lang", "color-contrast"]));
    expect(problems.join("\n")).toContain("img");
    await page.close();
  });
});
