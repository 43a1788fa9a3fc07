// Answers given in the console reach the alert lifecycle through the console-answers topic (real Kafka, real
// Redis): the notifier applies them once, and refuses those for an ended episode or from someone who no longer
// answers for the account.
import { afterEach, describe, expect, it } from "vitest";
import type { ConsoleAnswer } from "@churnwatch/contracts";
import { produce, waitFor } from "@churnwatch/testing";
import { cleanupHarnesses, startHarness, type Harness } from "./testSupport/harness.ts";

afterEach(cleanupHarnesses);

const HOUR = 3_600_000;

async function entry(h: Harness, accountId: string) {
  return (await h.notifier.lifecycle().store.load(accountId)).alerts["purchases.decline"];
}

async function transitions(h: Harness, accountId: string): Promise<string[]> {
  const raw = await h.redis.zrange(`${h.config.signalKeyPrefix}history:${accountId}`, 0, -1);
  return raw.map((r) => (JSON.parse(r) as { type: string }).type);
}

describe("console answers applied by the notifier (Kafka + Redis)", () => {
  it("applies an acknowledgement once, ignores a redelivered copy, and refuses ended episodes and strangers", async () => {
    const h = await startHarness();
    const n = h.notification();
    await h.enqueue(n);
    await h.decided(n);
    await h.waitEmails(h.owner, 1);
    const at = new Date(h.clock.ms).toISOString();
    const base = { accountId: n.accountId, rule: n.rule, at };
    const answers: ConsoleAnswer[] = [
      // An earlier episode of the same rule: the person answered what they saw then, not this alert.
      // (Its actor is the manager, so the test tells which answer was applied.)
      { ...base, type: "acknowledge", answerId: "a-old", alertId: `${n.accountId}:purchases.decline:1`, actor: h.manager },
      // Someone the latest notification names neither as owner nor as manager (the sponsor reads, never answers).
      { ...base, type: "acknowledge", answerId: "a-stranger", alertId: n.alertId, actor: h.sponsor },
      { ...base, type: "acknowledge", answerId: "a-1", alertId: n.alertId, actor: h.owner },
      // At least once: the same answer read again.
      { ...base, type: "acknowledge", answerId: "a-1", alertId: n.alertId, actor: h.owner },
    ];
    const value = (a: ConsoleAnswer) => ({ key: a.accountId, value: JSON.stringify(a) });
    await produce(h.config.kafka.answersTopic, [
      { key: n.accountId, value: "not json" },
      { key: n.accountId, value: JSON.stringify({ type: "acknowledge", answerId: "a-bad" }) },
      ...answers.map(value),
    ]);
    const acknowledged = await waitFor(() => entry(h, n.accountId), { until: (e) => e?.record.acknowledgedAt !== undefined, description: "the console's acknowledgement applied", timeoutMs: 20_000 });
    expect(acknowledged?.record.acknowledgedBy).toBe(h.owner);

    // "Not a risk" after it, on the same partition: once it shows, every answer before it has been read.
    h.clock.advance(HOUR);
    const dismiss: ConsoleAnswer = { ...base, type: "dismiss", answerId: "a-2", alertId: n.alertId, actor: h.manager, reason: "renewal signed last week" };
    await produce(h.config.kafka.answersTopic, [value(dismiss), value(dismiss)]);
    await waitFor(() => entry(h, n.accountId), { until: (e) => e?.record.dismissedAt !== undefined, description: "the console's dismissal applied", timeoutMs: 20_000 });
    const history = await waitFor(() => transitions(h, n.accountId), { until: (t) => t.includes("dismissed"), description: "history relayed", timeoutMs: 10_000 });
    // One acknowledgement from four acknowledge messages, one dismissal from two, and no "ignored" line.
    expect(history.filter((t) => t === "acknowledged")).toHaveLength(1);
    expect(history.filter((t) => t === "dismissed")).toHaveLength(1);
    expect(history).not.toContain("action-ignored");
    const csv = await (await h.api("/api/labels.csv")).text();
    expect(csv).toContain(`${n.accountId},,not-a-risk`);
  });
});
