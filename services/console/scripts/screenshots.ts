// Screenshots of the portfolio, the overview and the account page for the docs (docs/img), from a console seeded with
// the demo accounts, in Debian's Chromium: `pnpm exec tsx services/console/scripts/screenshots.ts`.
// Needs the shared Kafka broker and the local PostgreSQL, like the tests.
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { listEmails, waitFor } from "@churnwatch/testing";
import { startConsoleHarness } from "../src/testSupport/harness.ts";
import { demoAccounts, demoPeople } from "../src/testSupport/demoAccounts.ts";

const out = (name: string) => fileURLToPath(new URL(`../../../docs/img/${name}`, import.meta.url));
const h = await startConsoleHarness({
  accounts: demoAccounts,
  nowMs: Date.now(),
  env: { FX_RATES_PATH: fileURLToPath(new URL("../../../infra/config/fx.demo.json", import.meta.url)) },
});
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: "zh-CN" });
  await page.goto(`${h.url}/signin`);
  await page.locator("#email").fill(demoPeople.manager.email);
  await page.locator("form button").last().click();
  const mail = await waitFor(async () => (await listEmails(h.maildev.webUrl)).find((m) => m.to.some((t) => t.address === demoPeople.manager.email)), { timeoutMs: 15_000 });
  const link = /https?:\/\/\S+\/signin\/[A-Za-z0-9_-]+/.exec(mail.text ?? "")?.[0] ?? "";
  await page.goto(link);
  await page.locator("main form button").click();
  await page.waitForURL(`${h.url}/`);
  await page.screenshot({ path: out("console-portfolio.png"), fullPage: true });
  await page.goto(`${h.url}/overview`);
  await page.screenshot({ path: out("console-overview.png"), fullPage: true });
  await page.goto(`${h.url}/accounts/acc-hz-001`);
  await page.screenshot({ path: out("console-account.png"), fullPage: true });
  // The same page in English.
  await page.locator('button[data-test="language"]').click();
  await page.screenshot({ path: out("console-account-en.png"), fullPage: true });
} finally {
  await browser.close();
  await h.close();
}
