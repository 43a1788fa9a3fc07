// The links in alert emails against a real notifier (Kafka, Redis, SMTP): a link answers the alert episode
// it was sent about, for a person still on the account, signed with a key the notifier still holds.
import { afterEach, describe, expect, it } from "vitest";
import type { AlertNotification } from "@churnwatch/contracts";
import { actionUrl } from "./actionLinks.ts";
import { singleKey } from "./linkKeys.ts";
import { legacyActionToken, tokenBody, withBody } from "./testSupport/legacyLinks.ts";
import { cleanupHarnesses, SECRET, startHarness, type Harness } from "./testSupport/harness.ts";
import type { ReceivedEmail } from "./testSupport/mailSink.ts";
import { waitFor } from "@churnwatch/testing";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const form = (body = "") => ({ method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });

afterEach(cleanupHarnesses);

function next(h: Harness, base: AlertNotification, change: Partial<AlertNotification>): AlertNotification {
  const n = { ...base, ...change, evaluatedAt: new Date(h.clock.ms).toISOString() };
  n.notificationId = n.kind === "resolved" ? `${n.alertId}:resolved` : `${n.alertId}:${n.level}`;
  return n;
}

async function send(h: Harness, n: AlertNotification): Promise<void> {
  await h.enqueue(n);
  await h.decided(n);
}

function linkOf(mail: ReceivedEmail | undefined, action: "acknowledge" | "snooze" | "dismiss"): string {
  const label = { acknowledge: "I'm on it", snooze: "Snooze", dismiss: "Not a risk" }[action];
  const url = (mail?.text ?? "").split("\n").find((l) => l.startsWith(`- ${label}: `))?.slice(`- ${label}: `.length).trim();
  if (!url) throw new Error(`no ${action} link in the email`);
  return url;
}

/** The alert resolves an hour on, and a new episode of it fires `gapMs` after that. */
async function endAndFireAgain(h: Harness, n: AlertNotification, gapMs: number): Promise<void> {
  h.clock.advance(HOUR);
  await send(h, next(h, n, { kind: "resolved" }));
  h.clock.advance(gapMs);
  await send(h, next(h, n, { kind: "firing", alertId: `${n.accountId}:purchases.decline:${h.clock.ms}`, firedAt: new Date(h.clock.ms).toISOString() }));
}

const tokenOf = (link: string) => link.slice(link.lastIndexOf("/") + 1);

async function delivery(h: Harness, n: AlertNotification) {
  return ((await (await h.api(`/api/alerts/${n.accountId}/${n.rule}`)).json()) as { delivery: { dismissedAt?: string; acknowledgedAt?: string; acknowledgedBy?: string } }).delivery;
}

describe("action links are bound to the alert episode and its people", () => {
  it("refuses a 13-day-old 'not a risk' link on a new episode of the same rule, offering the account page, and writes no label", async () => {
    const h = await startHarness();
    const n = h.notification();
    await send(h, n);
    const [first] = await h.waitEmails(h.owner, 1);
    const oldDismiss = linkOf(first, "dismiss");

    h.clock.advance(HOUR);
    await send(h, next(h, n, { kind: "resolved" }));
    h.clock.advance(13 * DAY - HOUR); // Tuesday 10:00 in Shanghai, 13 days on: the old link has not expired
    const again = next(h, n, { kind: "firing", alertId: `${n.accountId}:purchases.decline:${h.clock.ms}`, firedAt: new Date(h.clock.ms).toISOString() });
    await send(h, again);
    const [, second] = await h.waitEmails(h.owner, 2);

    const page = await fetch(oldDismiss);
    expect(page.status).toBe(410);
    const refused = await fetch(oldDismiss, form("reason=seasonal"));
    expect(refused.status).toBe(410);
    const html = await refused.text();
    expect(html).toContain("This alert has changed since this email was sent");
    const accountHref = /href="([^"]+)"/.exec(html)?.[1]?.replaceAll("&amp;", "&") ?? "";
    const account = await fetch(new URL(accountHref, oldDismiss));
    expect(account.status).toBe(200);
    expect(await account.text()).toContain("Purchases declining");
    expect((await delivery(h, n)).dismissedAt).toBeUndefined();
    expect(await (await h.api("/api/labels.csv")).text()).not.toContain(n.accountId);

    // The new episode's own link answers it.
    expect((await fetch(linkOf(second, "dismiss"), form("reason=seasonal"))).status).toBe(200);
    expect((await delivery(h, n)).dismissedAt).toBeDefined();
    expect(await (await h.api("/api/labels.csv")).text()).toContain(`${n.accountId},,not-a-risk`);
  });

  it("refuses, in the recipient's language, a link from an episode the account's Chinese owner saw before it fired again", async () => {
    const h = await startHarness();
    const n = h.notification({ account: { ...h.notification().account, locale: "zh-CN" } });
    await send(h, n);
    const [first] = await h.waitEmails(h.owner, 1);
    const ack = /href="([^"]+\/actions\/[^"]+)"/.exec(first?.html ?? "")?.[1] ?? "";
    await endAndFireAgain(h, n, 2 * DAY);
    const page = await fetch(ack);
    expect(page.status).toBe(410);
    const html = await page.text();
    expect(html).toContain("该预警已发生变化");
    expect(html).toContain("打开客户页面");
  });

  it("stops working for a former owner once the account is handed over, and works for the new owner", async () => {
    const h = await startHarness();
    const n = h.notification();
    await send(h, n);
    const [first] = await h.waitEmails(h.owner, 1);
    const oldAck = linkOf(first, "acknowledge");

    h.clock.advance(HOUR);
    const newOwner = `new-owner-${h.id}@example.com`;
    await send(h, next(h, n, { kind: "escalated", level: "high", score: 72, account: { ...n.account, owner: { name: "Chen Jie", email: newOwner } } }));
    const [toNewOwner] = await h.waitEmails(newOwner, 1);

    for (const res of [await fetch(oldAck), await fetch(oldAck, form())]) {
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("no longer owns, manages or sponsors this account");
    }
    expect((await delivery(h, n)).acknowledgedAt).toBeUndefined();
    expect((await fetch(linkOf(toNewOwner, "acknowledge"), form())).status).toBe(200);
    expect((await delivery(h, n)).acknowledgedBy).toBe(`link:${newOwner}`);
  });
});

describe("link keys rotation", () => {
  const NEW_SECRET = "rotated-secret-0123456789abcdef0123456789";

  it("signs new links with the new key's id, keeps links under the previous key and without a kid valid, and refuses a tampered kid", async () => {
    const h = await startHarness({ linkKeys: { current: { kid: "k2", secret: NEW_SECRET }, previous: [{ kid: "k1", secret: SECRET }] } });
    const n = h.notification();
    await send(h, n);
    const [mail] = await h.waitEmails(h.owner, 1);
    const fresh = linkOf(mail, "acknowledge");
    expect(tokenBody(tokenOf(fresh))).toMatchObject({ kid: "k2", e: n.alertId });
    const accountLink = /href="([^"]+\/accounts\/[^"]+)"/.exec(mail?.html ?? "")?.[1]?.replaceAll("&amp;", "&") ?? "";
    expect(new URL(accountLink).searchParams.get("kid")).toBe("k2");
    expect((await fetch(accountLink)).status).toBe(200);

    const base = fresh.slice(0, fresh.lastIndexOf("/") + 1);
    // The tampered kid names the other configured key: refused, and nothing is recorded.
    expect((await fetch(`${base}${withBody(tokenOf(fresh), { kid: "k1" })}`, form())).status).toBe(403);
    expect((await fetch(`${base}${withBody(tokenOf(fresh), { kid: "k0" })}`, form())).status).toBe(403);
    expect((await delivery(h, n)).acknowledgedAt).toBeUndefined();

    // Sent before the rotation (just now, for the test's clock): signed with k1, still valid for its lifetime.
    const exp = Math.floor(h.clock.ms / 1000) + h.config.linkTtlSeconds;
    const claims = { accountId: n.accountId, rule: n.rule, recipient: h.owner, exp, alertId: n.alertId };
    const underK1 = actionUrl(h.config.appBaseUrl, { ...claims, action: "snooze" }, singleKey(SECRET, "k1"));
    expect((await fetch(underK1)).status).toBe(200);
    // Sent before key ids existed: no kid, read as k1.
    const legacy = `${base}${legacyActionToken({ ...claims, action: "acknowledge" }, SECRET)}`;
    expect((await fetch(legacy)).status).toBe(200);
    expect((await fetch(legacy, form())).status).toBe(200);
    expect((await delivery(h, n)).acknowledgedBy).toBe(`link:${h.owner}`);
    // A link under a key nobody configured any more.
    const retired = actionUrl(h.config.appBaseUrl, { ...claims, action: "snooze" }, singleKey("retired-secret-0123456789abcdef01234", "k0"));
    expect((await fetch(retired)).status).toBe(403);
    await waitFor(() => delivery(h, n), { until: (d) => d.acknowledgedAt !== undefined, description: "acknowledged", timeoutMs: 15_000 });
  });
});

describe("a refused link leads into the console", () => {
  const CONSOLE = "https://console.example.test/cw";
  const hrefs = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]?.replaceAll("&amp;", "&"));

  it("sends the reader of a superseded or expired link to the account in the console, in their language; a forged link names no account", async () => {
    const h = await startHarness({ consoleBaseUrl: `${CONSOLE}/` });
    const n = h.notification({ account: { ...h.notification().account, locale: "zh-CN" } });
    await send(h, n);
    const [first] = await h.waitEmails(h.owner, 1);
    const ack = /href="([^"]+\/actions\/[^"]+)"/.exec(first?.html ?? "")?.[1] ?? "";
    const accountLink = /href="([^"]+\/accounts\/[^"]+)"/.exec(first?.html ?? "")?.[1]?.replaceAll("&amp;", "&") ?? "";
    const inConsole = `${CONSOLE}/accounts/${encodeURIComponent(n.accountId)}`;

    // Superseded: the alert ended and fired again; the old link offers the console's account page.
    await endAndFireAgain(h, n, 2 * DAY);
    const changed = await fetch(ack);
    expect(changed.status).toBe(410);
    const changedHtml = await changed.text();
    expect(changedHtml).toContain("该预警已发生变化");
    expect(hrefs(changedHtml)).toEqual([inConsole]);

    // Expired (past the 14 days): refused, and the page names the account its signature vouched for.
    h.clock.advance(13 * DAY);
    for (const res of [await fetch(ack), await fetch(ack, form())]) {
      expect(res.status).toBe(410);
      const html = await res.text();
      expect(html).toContain('<html lang="zh-CN"');
      expect(html).toContain("链接已过期");
      expect(html).toContain("在 Churnwatch 控制台中打开该客户");
      expect(hrefs(html)).toEqual([inConsole]);
    }
    const expiredAccount = await fetch(accountLink);
    expect(expiredAccount.status).toBe(410);
    expect(hrefs(await expiredAccount.text())).toEqual([inConsole]);

    // The same expired link re-pointed at another account: its signature fails, so only the console's front page.
    const base = ack.slice(0, ack.lastIndexOf("/") + 1);
    const forged = await fetch(`${base}${withBody(tokenOf(ack), { a: "acc-someone-else" })}`, { headers: { "accept-language": "en-GB,en" } });
    expect(forged.status).toBe(403);
    const forgedHtml = await forged.text();
    expect(forgedHtml).toContain("This link is not valid.");
    expect(forgedHtml).toContain("Open the Churnwatch console");
    expect(hrefs(forgedHtml)).toEqual([`${CONSOLE}/`]);
    expect(forgedHtml).not.toContain("acc-someone-else");
    const retargeted = new URL(accountLink);
    retargeted.pathname = retargeted.pathname.replace(encodeURIComponent(n.accountId), "acc-someone-else");
    const forgedAccount = await fetch(retargeted, { headers: { "accept-language": "zh-CN,zh;q=0.9" } });
    expect(forgedAccount.status).toBe(403);
    const forgedAccountHtml = await forgedAccount.text();
    expect(forgedAccountHtml).toContain("打开 Churnwatch 控制台");
    expect(hrefs(forgedAccountHtml)).toEqual([`${CONSOLE}/`]);
  });
});
