// Driving the console in Debian's Chromium (playwright-core, no browser download), shared by the console's
// browser test and the end-to-end tests that cross into it from the notifier's pages.
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { listEmails, waitFor } from "@churnwatch/testing";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk (or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}

/**
 * On the console's sign-in page: asks for a link for `email`, reads the new one from the SMTP sink, follows
 * it and presses Sign in. Returns the link (spent now), once the browser has left the confirmation page.
 */
export async function signInHere(page: Page, maildevUrl: string, email: string): Promise<string> {
  if (new URL(page.url()).pathname !== "/signin") throw new Error(`expected the sign-in page, on ${page.url()}`);
  const mailsTo = async () => (await listEmails(maildevUrl)).filter((m) => m.to.some((t) => t.address === email));
  const before = (await mailsTo()).length;
  await page.getByLabel(/Work email|工作邮箱/).fill(email);
  await page.getByRole("button", { name: /sign-in link|发送登录链接/ }).click();
  await page.getByRole("status").waitFor();
  const mails = await waitFor(mailsTo, { until: (m) => m.length > before, timeoutMs: 15_000, description: `a sign-in email to ${email}` });
  const text = mails.at(-1)?.text ?? "";
  const link = /https?:\/\/\S+\/signin\/[A-Za-z0-9_-]+/.exec(text)?.[0];
  if (!link) throw new Error(`no sign-in link in: ${text}`);
  await page.goto(link);
  await page.getByRole("button", { name: /^(Sign in|登录)$/ }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/signin"));
  return link;
}
