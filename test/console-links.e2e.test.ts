// The notifier and the console together, in Debian's Chromium (issue 16, item 8): an acknowledgement given in
// the console reaches the alert the notifier holds (over the console-answers topic), and the email's link,
// once expired, leads into the console, through its sign-in, to the account and its alert as it is now.
// Real Kafka, Redis, PostgreSQL and SMTP behind both.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@churnwatch/testing";
import { startConsoleHarness, type ConsoleHarness } from "../services/console/src/testSupport/harness.ts";
import { demoAccounts, demoPeople } from "../services/console/src/testSupport/demoAccounts.ts";
import { launchChromium, signInHere } from "../services/console/src/testSupport/browser.ts";
import { cleanupHarnesses, startHarness } from "../services/notifier/src/testSupport/harness.ts";

const DAY = 86_400_000;
type Browser = Awaited<ReturnType<typeof launchChromium>>;
const account = demoAccounts[0];

describe("from an alert email into the console", () => {
  let c: ConsoleHarness;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    c = await startConsoleHarness({ accounts: demoAccounts, nowMs: Date.now() });
  });
  afterAll(async () => {
    await cleanupHarnesses();
    await browser?.close();
    await c?.close();
  });

  it("an acknowledgement in the console changes the alert's state in the notifier's API; the expired email link then leads to the account in the console", async () => {
    if (!account) throw new Error("no demo account");
    // The notifier reads the console's answers topic and sends its readers to the console.
    const n = await startHarness({ startAt: new Date().toISOString(), consoleBaseUrl: c.url, answersTopic: c.topics.consoleAnswers });
    const base = n.notification();
    // The console's account and alert episode (its fixture's alert id), owned by the console's demo owner.
    const alert = n.notification({
      accountId: account.accountId,
      rule: "payments.overdue",
      level: "critical",
      score: 88,
      alertId: `${account.accountId}:payments.overdue:1`,
      notificationId: `${account.accountId}:payments.overdue:1:critical`,
      account: { ...base.account, name: account.name, owner: demoPeople.owner, manager: demoPeople.manager },
    });
    await n.enqueue(alert);
    await n.decided(alert);
    const [mail] = await n.waitEmails(demoPeople.owner.email, 1);
    const emailLink = /href="([^"]+\/actions\/[^"]+)"/.exec(mail?.html ?? "")?.[1]?.replaceAll("&amp;", "&");
    if (!emailLink) throw new Error("no action link in the alert email");
    const delivery = async () =>
      ((await (await n.api(`/api/alerts/${alert.accountId}/${alert.rule}`)).json()) as { delivery: { acknowledgedAt?: string; acknowledgedBy?: string } }).delivery;
    expect((await delivery()).acknowledgedAt).toBeUndefined();

    // Acknowledged in the console, by its owner...
    const owner = await browser.newContext({ locale: "en-US" });
    const page = await owner.newPage();
    await page.goto(`${c.url}/accounts/${account.accountId}`);
    await signInHere(page, c.maildev.webUrl, demoPeople.owner.email);
    const overdue = page.locator('[data-rule="payments.overdue"]');
    await overdue.getByRole("button", { name: "Acknowledge" }).click();
    await page.getByRole("status").waitFor();
    await owner.close();
    // ...is the alert's state in the notifier's API: escalation stops as after an email link.
    const acknowledged = await waitFor(delivery, { until: (d) => d.acknowledgedAt !== undefined, timeoutMs: 30_000, description: "the notifier applied the console's acknowledgement" });
    expect(acknowledged.acknowledgedBy).toBe(demoPeople.owner.email);

    // Fifteen days on, the email's link has expired: its page points at the account in the console.
    n.clock.advance(15 * DAY);
    const reader = await browser.newContext({ locale: "en-US" });
    const later = await reader.newPage();
    const refused = await later.goto(emailLink);
    expect(refused?.status()).toBe(410);
    await later.getByRole("link", { name: /Open the account in the Churnwatch console|在 Churnwatch 控制台中打开该客户/ }).click();
    // No session in this browser: the console's sign-in first, then back to that account.
    await later.waitForURL(`${c.url}/signin`);
    await signInHere(later, c.maildev.webUrl, demoPeople.owner.email);
    expect(later.url()).toBe(`${c.url}/accounts/${account.accountId}`);
    await later.getByRole("heading", { name: account.name }).waitFor();
    expect(await later.locator('[data-rule="payments.overdue"]').textContent()).toContain(`Acknowledged by ${demoPeople.owner.email}`);
    await reader.close();
  });
});
