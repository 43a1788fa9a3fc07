import type { SignalId } from "@churnwatch/contracts";
import { describe, expect, it } from "vitest";
import { alertNotificationSchema } from "@churnwatch/contracts";
import { sampleNotification } from "../fixtures.ts";
import { messageIdFor, renderAlertEmail } from "./index.ts";

const opts = { accountUrl: "http://localhost:8080/accounts/acc-42?exp=1775000000&sig=ab", linkExpiresAt: "2026-03-16T01:15:00Z" };

describe("renderAlertEmail", () => {
  it("fixture is a valid contract payload", () => {
    expect(alertNotificationSchema.safeParse(sampleNotification()).success).toBe(true);
  });

  it("renders English with the numbers, the explanation and the suggested actions", () => {
    const mail = renderAlertEmail(sampleNotification(), opts);
    expect(mail.subject).toBe("[Churnwatch] High risk · Huadong Precision Parts: Purchases declining");
    expect(mail.text).toContain("Order value in the last 90 days: CN¥120,000.00 vs CN¥410,000.00 baseline, \u221271%");
    expect(mail.text).toContain("Number of orders in the last 90 days: 4 vs 15 baseline, \u221273.3%");
    expect(mail.text).toContain("Visit the account in person");
    expect(mail.text).toContain("executive contact"); // strategic account at high risk
    expect(mail.text).toContain("2 Mar 2026, 09:15 (Asia/Shanghai)");
    expect(mail.html).toContain("CN¥120,000.00");
    expect(mail.html).toContain("CN¥410,000.00");
    expect(mail.html).toContain("Visit the account in person");
    expect(mail.html).toContain('href="http://localhost:8080/accounts/acc-42?exp=1775000000&amp;sig=ab"');
    expect(mail.html).not.toMatch(/<script/i);
  });

  it("renders Simplified Chinese with the numbers and the suggested actions", () => {
    const n = sampleNotification({ rule: "complaints.spike", level: "medium", account: { locale: "zh-CN" } });
    n.evidence = [{ signal: "orders.value", unit: "money", value: "120000", baseline: "410000", windowDays: 90, changePct: -71 }];
    const mail = renderAlertEmail(n, opts);
    expect(mail.subject).toBe("【Churnwatch】中风险 · Huadong Precision Parts：投诉上升");
    expect(mail.text).toContain("近90天订单金额：¥120,000.00，基线 ¥410,000.00，下降71%");
    expect(mail.text).toContain("绿色通道");
    expect(mail.text).toContain("2026年3月2日 09:15 (Asia/Shanghai)");
    expect(mail.text).not.toContain("高层"); // executive contact only at high/critical
    expect(mail.html).toContain("¥120,000.00");
    expect(mail.html).toContain('lang="zh-CN"');
  });

  it("renders a contact.silence alert in both languages: title, evidence and the visiting routine as next step", () => {
    const evidence = [
      { signal: "contact.daysSinceLast" as const, unit: "days" as const, value: "41", baseline: "7", threshold: "30", changePct: 485.7 },
      { signal: "contact.unanswered" as const, unit: "count" as const, value: "3", threshold: "3" },
    ];
    const en = renderAlertEmail(sampleNotification({ rule: "contact.silence", level: "medium", account: { tier: "strategic" }, evidence }), opts);
    expect(en.subject).toBe("[Churnwatch] Medium risk · Huadong Precision Parts: No contact, no response");
    expect(en.text).toContain("No contact for 41 days; this account is usually in touch every 7 days (an alert from 30 days).");
    expect(en.text).toContain("Outbound contacts in a row without an answer: 3 (threshold 3)");
    expect(en.text).toContain("Call the account this week");
    expect(en.text).toContain("Put the account back on its visiting routine");
    const zh = renderAlertEmail(sampleNotification({ rule: "contact.silence", level: "high", account: { locale: "zh-CN", tier: "partner" }, evidence }), opts);
    expect(zh.subject).toBe("【Churnwatch】高风险 · Huadong Precision Parts：失去联系");
    expect(zh.text).toContain("已41天没有联系；该客户通常每7天联系一次（超过30天即预警）。");
    expect(zh.text).toContain("连续未获回应的主动联系次数：3，阈值 3");
    expect(zh.text).toContain("上门走访");
    expect(zh.text).toContain("走访制度");
  });

  it("suggests finance follow-up for overdue invoices", () => {
    const n = sampleNotification({
      rule: "payments.overdue",
      level: "low",
      account: { tier: "ordinary", currency: "USD" },
      evidence: [{ signal: "invoices.openOverdueAmount", unit: "money", value: "1234567.5", threshold: "100000" }],
    });
    const mail = renderAlertEmail(n, opts);
    expect(mail.text).toContain("Overdue amount still open: $1,234,567.50 (threshold $100,000.00)");
    expect(mail.text).toContain("Ask finance to follow up on the overdue invoices");
  });

  it("escapes a malicious account name, owner name and ids in the HTML", () => {
    const n = sampleNotification({
      accountId: 'acc"><img src=x onerror=alert(1)>',
      account: { name: "<script>alert(1)</script>", owner: { name: "<b>Mallory</b>", email: "m@example.com" } },
      evidence: [{ signal: "<i>sig</i>" as SignalId, unit: "count", value: "<svg/onload=1>" }],
    });
    const mail = renderAlertEmail(n, opts);
    expect(mail.html).not.toContain("<script");
    expect(mail.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(mail.html).not.toContain("<b>Mallory");
    expect(mail.html).not.toContain("<img");
    expect(mail.html).not.toContain("<i>sig");
    expect(mail.html).not.toContain("<svg");
    expect(mail.html).toContain("&lt;svg/onload=1&gt;");
  });

  it("cannot inject headers through the account name or ids", () => {
    const n = sampleNotification({
      notificationId: "n1\r\nBcc: x@y.z",
      alertId: "a\nX-Evil: 1",
      account: { name: "Evil\r\nBcc: x@y.z" },
    });
    const mail = renderAlertEmail(n, opts);
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject).toContain("Evil Bcc: x@y.z");
    for (const [name, value] of Object.entries(mail.headers)) {
      expect(name).toMatch(/^[A-Za-z-]+$/);
      expect(value).not.toMatch(/[\r\n]/);
    }
    expect(mail.text).not.toContain("Evil\r\n");
  });

  it("derives a deterministic Message-ID from the notificationId", () => {
    const a = renderAlertEmail(sampleNotification(), opts).headers["Message-ID"];
    expect(a).toBe(messageIdFor("acc-42:purchases.decline:1772414100000:high"));
    expect(a).toMatch(/^<[0-9a-f]{64}@churnwatch>$/);
    expect(messageIdFor("ntf-0002")).not.toBe(a);
  });

  it("marks an escalation and falls back for an unknown signal, currency and timezone", () => {
    const n = sampleNotification({
      kind: "escalated",
      level: "critical",
      account: { currency: "XX1", timezone: "Mars/Olympus" },
      evidence: [{ signal: "custom.metric" as SignalId, unit: "days", value: "45", baseline: "14", windowDays: 30, changePct: 221.4 }],
    });
    const mail = renderAlertEmail(n, opts);
    expect(mail.subject).toContain("Escalated to Critical risk");
    expect(mail.text).toContain("custom.metric (last 30 days): 45 days vs 14 days baseline, +221.4%");
    expect(mail.text).toContain("(UTC)");
  });

  it("puts the other alerts of the account in the same email, with their own evidence", () => {
    const n = sampleNotification({
      related: [
        {
          notificationId: "acc-42:complaints.spike:1:medium",
          kind: "firing",
          alertId: "acc-42:complaints.spike:1",
          rule: "complaints.spike",
          level: "medium",
          score: 48,
          firedAt: "2026-03-01T01:15:00Z",
          evidence: [{ signal: "complaints.count", unit: "count", value: "5", windowDays: 30 }],
          eventIds: [],
        },
      ],
    });
    const mail = renderAlertEmail(n, opts);
    expect(mail.subject).toContain("Purchases declining (+1)");
    expect(mail.text).toContain("Also on this account:");
    expect(mail.text).toContain("Complaints rising");
    expect(mail.text).toContain("- Complaints in the last 30 days: 5");
    expect(mail.text).toContain("green channel"); // the complaint's step joins the purchase's
    expect(mail.html).toContain("Also on this account");
    expect(mail.headers["Message-ID"]).toBe(messageIdFor(n.notificationId));
  });
});
