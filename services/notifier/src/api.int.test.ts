// The alerts API and the account page on a real notifier (Kafka, Redis, SMTP): authentication, per-owner
// scoping, filters, answers with their history, and the labels the backtest reads.
import { afterEach, describe, expect, it } from "vitest";
import type { AlertNotification } from "@churnwatch/contracts";
import { cleanupHarnesses, OPS_TOKEN, startHarness, type Harness } from "./testSupport/harness.ts";
import { waitFor } from "@churnwatch/testing";

afterEach(cleanupHarnesses);

interface Listed {
  alerts: Array<{ accountId: string; rule: string; level: string; state: string; owner: string; acknowledgedBy?: string; dismissedReason?: string }>;
}

/** Two accounts: one owned by the harness's owner, one by somebody else, each with a firing alert. */
async function twoAccounts(h: Harness): Promise<{ mine: AlertNotification; theirs: AlertNotification }> {
  const mine = h.notification({ level: "high", notificationId: `acc-${h.id}:purchases.decline:1772414100000:high` });
  const base = h.notification();
  const theirs = h.notification({
    accountId: `other-${h.id}`,
    alertId: `other-${h.id}:payments.overdue:1`,
    notificationId: `other-${h.id}:payments.overdue:1:medium`,
    rule: "payments.overdue",
    account: { ...base.account, tier: "partner", owner: { name: "Chen Jie", email: `other-${h.id}@example.com` } },
  });
  for (const n of [mine, theirs]) {
    await h.enqueue(n);
    await h.decided(n);
  }
  return { mine, theirs };
}

describe("alerts API", () => {
  it("refuses requests without a valid bearer token", async () => {
    const h = await startHarness();
    const { mine } = await twoAccounts(h);
    for (const [path, method] of [
      ["/api/alerts", "GET"],
      [`/api/alerts/${mine.accountId}/purchases.decline`, "GET"],
      [`/api/alerts/${mine.accountId}/purchases.decline/acknowledge`, "POST"],
      [`/api/accounts/${mine.accountId}/history`, "GET"],
      ["/api/labels.csv", "GET"],
    ] as const) {
      const none = await h.api(path, { method, token: "" });
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toBe("Bearer");
      expect((await h.api(path, { method, token: "not-a-token-but-long-enough-0000" })).status).toBe(401);
    }
    const detail = (await (await h.api(`/api/alerts/${mine.accountId}/purchases.decline`)).json()) as { delivery: { acknowledgedAt?: string } };
    expect(detail.delivery.acknowledgedAt).toBeUndefined();
  });

  it("shows an account manager only their own accounts, and filters", async () => {
    const h = await startHarness();
    const { mine, theirs } = await twoAccounts(h);
    const all = (await (await h.api("/api/alerts")).json()) as Listed;
    expect(all.alerts.map((a) => a.accountId).sort()).toEqual([mine.accountId, theirs.accountId].sort());
    expect(all.alerts[0]?.level).toBe("high"); // most serious first

    const own = (await (await h.api("/api/alerts", { token: h.ownerToken })).json()) as Listed;
    expect(own.alerts.map((a) => a.accountId)).toEqual([mine.accountId]);
    expect((await h.api(`/api/alerts/${theirs.accountId}/payments.overdue`, { token: h.ownerToken })).status).toBe(404);
    expect((await h.api(`/api/alerts/${theirs.accountId}/payments.overdue/acknowledge`, { method: "POST", token: h.ownerToken })).status).toBe(404);
    expect((await h.api(`/api/accounts/${theirs.accountId}/history`, { token: h.ownerToken })).status).toBe(404);

    const high = (await (await h.api("/api/alerts?level=high")).json()) as Listed;
    expect(high.alerts.map((a) => a.accountId)).toEqual([mine.accountId]);
    const partner = (await (await h.api("/api/alerts?tier=partner&state=firing")).json()) as Listed;
    expect(partner.alerts.map((a) => a.accountId)).toEqual([theirs.accountId]);
    const byOwner = (await (await h.api(`/api/alerts?owner=${encodeURIComponent(`other-${h.id}@example.com`)}`)).json()) as Listed;
    expect(byOwner.alerts.map((a) => a.accountId)).toEqual([theirs.accountId]);
    const bad = await h.api("/api/alerts?level=severe");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toContain("level");
  });

  it("records acknowledge, snooze and dismiss with the actor, and exports not-a-risk and defections as labels", async () => {
    const h = await startHarness();
    const { mine, theirs } = await twoAccounts(h);
    const ack = await h.api(`/api/alerts/${mine.accountId}/purchases.decline/acknowledge`, { method: "POST", token: h.ownerToken });
    expect(ack.status).toBe(200);
    expect(((await ack.json()) as { alert: { acknowledgedBy: string } }).alert.acknowledgedBy).toBe(h.owner);
    expect((await h.api(`/api/alerts/${mine.accountId}/purchases.decline/acknowledge`, { method: "POST", token: h.ownerToken })).status).toBe(409);

    const noReason = await h.api(`/api/alerts/${theirs.accountId}/payments.overdue/dismiss`, { method: "POST", body: JSON.stringify({ reason: " " }) });
    expect(noReason.status).toBe(400);
    const badDate = await h.api(`/api/alerts/${theirs.accountId}/payments.overdue/snooze`, { method: "POST", body: JSON.stringify({ until: "tomorrow" }) });
    expect(badDate.status).toBe(400);
    const dismissed = await h.api(`/api/alerts/${theirs.accountId}/payments.overdue/dismiss`, {
      method: "POST",
      body: JSON.stringify({ reason: "Customer pays quarterly, agreed with finance" }),
    });
    expect(dismissed.status).toBe(200);

    const history = await waitFor(async () => ((await (await h.api(`/api/alerts/${theirs.accountId}/payments.overdue`)).json()) as { history: Array<{ type: string; actor: string; note?: string }> }).history, { until: (list) => list.some((t) => t.type === "dismissed"), description: "the dismissal in the alert's history", timeoutMs: 15_000 });
    expect(history.find((t) => t.type === "dismissed")).toMatchObject({ actor: "operations", note: "Customer pays quarterly, agreed with finance" });

    expect((await h.api(`/api/accounts/${mine.accountId}/defection`, { method: "POST", token: h.ownerToken, body: JSON.stringify({ churnedAt: "2026-06-01T00:00:00Z" }) })).status).toBe(403);
    expect((await h.api(`/api/accounts/${mine.accountId}/defection`, { method: "POST", body: JSON.stringify({ churnedAt: "2026-06-01T00:00:00Z" }) })).status).toBe(200);
    expect((await h.api("/api/labels.csv", { token: h.ownerToken })).status).toBe(403);
    const csv = await (await h.api("/api/labels.csv")).text();
    expect(csv.split("\n")).toEqual(["accountId,churnedAt,label", `${mine.accountId},2026-06-01T00:00:00Z,confirmed`, `${theirs.accountId},,not-a-risk`, ""]);
  });

  it("opens the account page from the email's signed link, and refuses a tampered one", async () => {
    const h = await startHarness();
    const { mine } = await twoAccounts(h);
    const [mail] = await h.waitEmails(h.owner, 1);
    const link = /href="([^"]+\/accounts\/[^"]+)"/.exec(mail?.html ?? "")?.[1]?.replaceAll("&amp;", "&") ?? "";
    const page = await fetch(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Purchases declining");
    expect(html).toContain("Order value in the last 90 days: CN¥120,000.00 vs CN¥410,000.00 baseline");
    expect((await fetch(link.replace(encodeURIComponent(mine.accountId), `other-${h.id}`))).status).toBe(403);
    expect((await fetch(link.replace(/sig=[0-9a-f]{4}/, "sig=0000"))).status).toBe(403);
  });

  it("serves the queue dashboard to operations only", async () => {
    const h = await startHarness();
    const base = `http://127.0.0.1:${h.notifier.apiPort()}/ops/queues`;
    const anonymous = await fetch(base);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Basic /);
    expect((await fetch(`${base}/api/queues`)).status).toBe(401);
    expect((await h.api("/ops/queues/api/queues", { token: h.ownerToken })).status).toBe(401); // an account manager is not operations
    const wrong = Buffer.from("ops:wrong-token-0000000000000000").toString("base64");
    expect((await fetch(base, { headers: { authorization: `Basic ${wrong}` } })).status).toBe(401);

    const page = await fetch(base, { headers: { authorization: `Basic ${Buffer.from(`ops:${OPS_TOKEN}`).toString("base64")}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<html");
    const queues = (await (await h.api("/ops/queues/api/queues")).json()) as { queues: Array<{ name: string }> };
    expect(queues.queues.map((q) => q.name).sort()).toEqual([h.config.queueName, h.config.emailQueueName, h.config.digests.queueName].sort());
  });
});
