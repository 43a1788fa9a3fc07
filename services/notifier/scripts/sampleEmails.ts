// Writes the sample alert emails shown in the README (docs/img/alert-email-*.png) as HTML files, rendered by
// the notifier's own renderer. `pnpm exec tsx services/notifier/scripts/sampleEmails.ts <out-dir>`, then
// screenshot each file. The pictures of 2026-12-04 came from Debian's chromium, with fonts-noto-cjk installed
// (without a CJK font the Chinese email renders as boxes):
//   chromium --headless --no-sandbox --hide-scrollbars --screenshot=docs/img/alert-email-en.png \
//     --window-size=660,1160 file://$PWD/<out-dir>/alert-email-en.html    (alert-email-zh: 660,1650)
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sampleNotification } from "../src/fixtures.ts";
import { actionUrl, type LinkAction } from "../src/actionLinks.ts";
import { singleKey } from "../src/linkKeys.ts";
import { renderAlertEmail } from "../src/render/index.ts";

const out = process.argv[2] ?? ".run/sample-emails";
mkdirSync(out, { recursive: true });
const secret = singleKey("sample-secret-0123456789abcdef0123456789");
const exp = Date.parse("2026-03-16T01:15:00Z") / 1000;
const links = (accountId: string, rule: Parameters<typeof actionUrl>[1]["rule"]) => {
  const url = (action: LinkAction) => actionUrl("https://churnwatch.example.com", { accountId, rule, action, recipient: "li.wei@example.com", exp }, secret);
  return { acknowledge: url("acknowledge"), snooze: url("snooze"), dismiss: url("dismiss") };
};

const en = sampleNotification({
  related: [
    {
      notificationId: "acc-42:purchases.silence:1772414100000:medium",
      kind: "firing",
      alertId: "acc-42:purchases.silence:1772414100000",
      rule: "purchases.silence",
      level: "medium",
      // The account's one score, as every notification of the account at that moment carries it.
      score: 82,
      firedAt: "2026-03-02T01:15:00Z",
      evidence: [
        { signal: "orders.daysSinceLast", unit: "days", value: "41", baseline: "9", threshold: "27", changePct: 355.6 },
        { signal: "orders.quietChance", unit: "percent", value: "1.1" },
      ],
      eventIds: [],
    },
  ],
});
const zh = sampleNotification({
  rule: "complaints.spike",
  level: "high",
  score: 77,
  notificationId: "acc-7:complaints.spike:1772414100000:high",
  alertId: "acc-7:complaints.spike:1772414100000",
  accountId: "acc-7",
  evidence: [
    { signal: "complaints.weighted", unit: "points", value: "26", baseline: "5", windowDays: 30, changePct: 420 },
    { signal: "complaints.count", unit: "count", value: "6", windowDays: 30 },
    { signal: "complaints.repeats", unit: "count", value: "4", threshold: "3", windowDays: 30 },
    { signal: "complaints.unresolved", unit: "count", value: "3", threshold: "3" },
    { signal: "complaints.oldestUnresolvedDays", unit: "days", value: "19" },
    { signal: "complaints.satisfaction", unit: "points", value: "2.3", baseline: "4.1", threshold: "3", windowDays: 90, changePct: -43.9 },
  ],
  account: { name: "华东精密零部件有限公司", locale: "zh-CN", owner: { name: "李伟", email: "li.wei@example.com" } },
  related: [
    {
      notificationId: "acc-7:purchases.decline:1772414100000:medium",
      kind: "firing",
      alertId: "acc-7:purchases.decline:1772414100000",
      rule: "purchases.decline",
      level: "medium",
      score: 77,
      firedAt: "2026-03-02T01:15:00Z",
      evidence: [
        { signal: "orders.value", unit: "money", value: "182000", baseline: "410000", windowDays: 90, changePct: -55.6 },
        { signal: "orders.grossMargin", unit: "percent", value: "14.2", baseline: "21.5", windowDays: 90 },
        { signal: "orders.cancelled", unit: "count", value: "3", baseline: "0.4", windowDays: 90 },
      ],
      eventIds: [],
    },
  ],
});

const accountUrl = "https://churnwatch.example.com/accounts/acc-42?exp=1773623700&sig=…";
const en1 = renderAlertEmail(en, {
  accountUrl,
  linkExpiresAt: "2026-03-16T01:15:00Z",
  answerLinks: [links("acc-42", "purchases.decline"), links("acc-42", "purchases.silence")],
});
const zh1 = renderAlertEmail(zh, {
  accountUrl,
  linkExpiresAt: "2026-03-16T01:15:00Z",
  answerLinks: [links("acc-7", "complaints.spike"), links("acc-7", "purchases.decline")],
  complaints: [
    { category: "交付", severity: "high", text: "第三批货又晚到一周，产线被迫停工半天。<b>请尽快回复！</b>", at: "2026-03-01T06:20:00Z" },
    { category: "质量", severity: "medium", text: "来料尺寸超差，已退回 200 件。", at: "2026-02-26T03:05:00Z" },
  ],
});
writeFileSync(join(out, "alert-email-en.html"), en1.html);
writeFileSync(join(out, "alert-email-zh.html"), zh1.html);
console.log(`wrote ${join(out, "alert-email-en.html")} and ${join(out, "alert-email-zh.html")}`);
