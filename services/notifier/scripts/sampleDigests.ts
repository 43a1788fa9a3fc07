// Writes sample executive digests (en and zh-CN) as HTML files, rendered by the notifier's own renderer from
// seeded account states, for the README's picture (docs/img/digest-email-*.png).
// `pnpm exec tsx services/notifier/scripts/sampleDigests.ts <out-dir>`, then screenshot each file.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultConfig } from "@churnwatch/engine";
import { buildDigest, type DigestRecord } from "../src/digest/content.ts";
import { subscriptionSchema } from "../src/digest/subscription.ts";
import { unsubscribeUrl } from "../src/digest/unsubscribeLinks.ts";
import { singleKey } from "../src/linkKeys.ts";
import { renderDigestEmail } from "../src/render/digest.ts";
import { accountState, type SeedAccount } from "../src/testSupport/accountStates.ts";
import type { AccountInbox } from "../src/lifecycle/inbox.ts";

const out = process.argv[2] ?? ".run/sample-digests";
mkdirSync(out, { recursive: true });
const now = Date.parse("2027-03-15T00:05:00Z");
const owner = (name: string) => ({ name, email: `${name.toLowerCase().replace(/\s+/g, ".")}@example.com` });
const accounts: SeedAccount[] = [
  { accountId: "acc-07", name: "Huadong Precision Parts", tier: "strategic", region: "East", owner: owner("Li Wei"), revenue: 4_200_000, alerts: [
    { rule: "purchases.decline", level: "high", score: 74, evidence: [{ signal: "orders.value", unit: "money", value: "182000", baseline: "410000", windowDays: 90, changePct: -55.6 }] },
    { rule: "complaints.spike", level: "medium", score: 55, evidence: [{ signal: "complaints.weighted", unit: "points", value: "26", baseline: "5", windowDays: 30, changePct: 420 }] },
  ] },
  { accountId: "acc-12", name: "Beijing Northern Logistics", tier: "partner", region: "North", owner: owner("Chen Jie"), revenue: 2_900_000, alerts: [{ rule: "payments.overdue", level: "critical", score: 88, evidence: [{ signal: "invoices.openOverdueAmount", unit: "money", value: "640000", threshold: "0" }] }] },
  { accountId: "acc-31", name: "Shenzhen Bright Electronics", tier: "strategic", region: "South", owner: owner("Zhang Min"), revenue: 3_100_000, alerts: [{ rule: "purchases.silence", level: "medium", score: 58, evidence: [{ signal: "orders.daysSinceLast", unit: "days", value: "41", baseline: "9", threshold: "27", changePct: 355.6 }] }] },
  { accountId: "acc-44", name: "Chengdu Western Foods", tier: "ordinary", region: "West", owner: owner("Wang Lei"), revenue: 900_000, alerts: [{ rule: "payments.slipping", level: "low", score: 30, evidence: [{ signal: "payments.daysLaterThanUsual", unit: "days", value: "17", threshold: "15" }] }] },
];
const states = accounts.map((a) => accountState(a, now));
const history: DigestRecord[] = [7, 14, 21].map((daysAgo, i) => ({
  periodKey: `2027-W${10 - i}`,
  at: new Date(now - daysAgo * 86_400_000).toISOString(),
  accounts: [
    { accountId: "acc-07", name: "Huadong Precision Parts", level: "medium", score: [52, 40, 31][i] ?? 0 },
    { accountId: "acc-12", name: "Beijing Northern Logistics", level: "critical", score: [85, 80, 0][i] ?? 0 },
    { accountId: "acc-90", name: "Tianjin Harbour Steel", level: "high", score: [66, 70, 72][i] ?? 0 },
  ],
}));
const inboxes = new Map<string, AccountInbox>([
  ["acc-12", { accountId: "acc-12", revision: 1, alerts: { "payments.overdue": { record: { acknowledgedAt: "2027-03-12T02:00:00Z" } } } } as unknown as AccountInbox],
]);

for (const locale of ["en", "zh-CN"] as const) {
  const subscription = subscriptionSchema.parse({
    id: `sample-${locale}`,
    recipient: { name: locale === "en" ? "Wang Fang" : "王芳", email: "ceo@example.com", locale },
    schedule: { cadence: "weekly", weekday: 1, time: "08:00", timezone: "Asia/Shanghai" },
    createdAt: "2027-01-01T00:00:00.000Z",
    updatedAt: "2027-01-01T00:00:00.000Z",
  });
  const content = buildDigest({ subscription, states, inboxes, history, periodKey: "2027-W11", scheduledMs: Date.parse("2027-03-15T00:00:00Z"), nowMs: now, late: false, engine: defaultConfig });
  const email = renderDigestEmail(content, {
    subscription,
    unsubscribeUrl: unsubscribeUrl("https://churnwatch.example.com", { subscriptionId: subscription.id, recipient: "ceo@example.com" }, singleKey("sample-secret-0123456789abcdef0123456789")),
    accountUrl: (id) => `https://churnwatch.example.com/accounts/${id}?exp=…&sig=…`,
  });
  writeFileSync(join(out, `digest-email-${locale === "en" ? "en" : "zh"}.html`), email.html);
  writeFileSync(join(out, `digest-email-${locale === "en" ? "en" : "zh"}.txt`), email.text);
}
console.log(`wrote ${out}/digest-email-{en,zh}.{html,txt}`);
