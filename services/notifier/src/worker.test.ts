import type { Job } from "bullmq";
import { describe, expect, it, vi } from "vitest";
import type { AlertTransition } from "@churnwatch/contracts";
import { createLogger } from "@churnwatch/platform";
import { newRecord } from "@churnwatch/policy";
import { sampleNotification } from "./fixtures.ts";
import { EMAIL_JOB } from "./lifecycle/emailQueue.ts";
import type { AccountInbox, EmailJobData, InboxEntry } from "./lifecycle/inbox.ts";
import { MailSendError, type Mailer } from "./mailer.ts";
import type { SentMarkers } from "./redisSentMarkers.ts";
import { createEmailProcessor } from "./worker.ts";
import { singleKey } from "./linkKeys.ts";

const SECRET = "unit-secret-0123456789abcdef012345";
const NOW = Date.parse("2026-03-02T02:00:00Z");

function entry(change: Partial<InboxEntry["record"]> = {}): InboxEntry {
  const { notificationId: _n, kind: _k, related: _r, ...snapshot } = sampleNotification();
  return {
    record: { ...newRecord({ alertId: "acc-42:purchases.decline", accountId: "acc-42", rule: "purchases.decline", level: "high" }), state: "firing", ...change },
    snapshot,
    lastEvaluatedAt: snapshot.evaluatedAt,
    applied: [],
  };
}

function jobData(change: Partial<EmailJobData> = {}): EmailJobData {
  return {
    groupId: "li.wei@example.com|acc-42:purchases.decline:high:1:owner",
    accountId: "acc-42",
    sendAt: "2026-03-02T02:00:00.000Z",
    level: "high",
    recipient: { role: "owner", name: "Li Wei", email: "li.wei@example.com", locale: "en", timezone: "Asia/Shanghai" },
    items: [{ rule: "purchases.decline", alertVersion: "acc-42:purchases.decline:high:1", reason: "first", level: "high" }],
    ...change,
  };
}

function setup(send: Mailer["send"], opts: { sent?: Set<string>; entry?: InboxEntry } = {}) {
  const sent = opts.sent ?? new Set<string>();
  const mailer: Mailer = { send: vi.fn(send), verify: async () => undefined, close: () => undefined };
  const markers: SentMarkers = { isSent: async (id) => sent.has(id), markSent: vi.fn(async (id: string) => void sent.add(id)) };
  const recorded: AlertTransition[] = [];
  const inbox: AccountInbox = { accountId: "acc-42", revision: 1, alerts: { "purchases.decline": opts.entry ?? entry() } };
  const process = createEmailProcessor({
    mailer,
    markers,
    inbox: { load: async () => inbox },
    record: async (t) => void recorded.push(...t),
    logger: createLogger("notifier-unit", "silent"),
    links: { appBaseUrl: "http://localhost:8080", linkKeys: singleKey(SECRET), linkTtlSeconds: 3600 },
    now: () => NOW,
  });
  const job = (data: unknown, name: string = EMAIL_JOB) => ({ id: "j1", name, data, attemptsMade: 0 }) as unknown as Job;
  return { mailer, markers, process, job, recorded };
}

const ok: Mailer["send"] = async () => ({ messageId: "<m@churnwatch>" });

describe("email processor", () => {
  it("sends to the recipient with signed answer links, then writes the sent marker and the history", async () => {
    const t = setup(ok);
    await expect(t.process(t.job(jobData()))).resolves.toEqual({ status: "sent", messageId: "<m@churnwatch>" });
    const mail = vi.mocked(t.mailer.send).mock.calls[0]?.[0];
    expect(mail?.to).toEqual({ name: "Li Wei", address: "li.wei@example.com" });
    expect(mail?.text).toContain("/accounts/acc-42?exp=1772420400&kid=k1&sig=");
    expect(mail?.text).toMatch(/- I'm on it: http:\/\/localhost:8080\/actions\/[\w-]+\.[\w-]{43}/);
    expect(t.markers.markSent).toHaveBeenCalledWith(jobData().groupId, "<m@churnwatch>");
    expect(t.recorded.map((r) => [r.type, r.note])).toEqual([["email-sent", "first to owner"]]);
  });

  it("flattens the recipient's display name so it cannot add a header", async () => {
    const t = setup(ok);
    const data = jobData();
    await t.process(t.job({ ...data, recipient: { ...data.recipient, name: "Evil\r\nBcc: x@y.z" } }));
    expect(vi.mocked(t.mailer.send).mock.calls[0]?.[0].to.name).toBe("Evil Bcc: x@y.z");
  });

  it("skips an email whose marker exists", async () => {
    const t = setup(ok, { sent: new Set([jobData().groupId]) });
    await expect(t.process(t.job(jobData()))).resolves.toEqual({ status: "already-sent" });
    expect(t.mailer.send).not.toHaveBeenCalled();
  });

  it("does not send a reminder for an alert acknowledged (or resolved) since it was scheduled", async () => {
    const acked = setup(ok, { entry: entry({ acknowledgedAt: "2026-03-02T01:00:00Z", acknowledgedBy: "li" }) });
    const reminder = jobData({ items: [{ rule: "purchases.decline", alertVersion: "v2", reason: "repeat", level: "high" }] });
    await expect(acked.process(acked.job(reminder))).resolves.toEqual({ status: "superseded", reason: "acknowledged" });
    const resolved = setup(ok, { entry: entry({ state: "resolved" }) });
    await expect(resolved.process(resolved.job(jobData()))).resolves.toMatchObject({ status: "superseded", reason: "alert is resolved" });
    expect(acked.mailer.send).not.toHaveBeenCalled();
    expect(resolved.mailer.send).not.toHaveBeenCalled();
    expect(acked.recorded.map((r) => r.type)).toEqual(["email-superseded"]);
  });

  it("refuses an invalid payload, a missing recipient and an unknown job name without retry", async () => {
    const t = setup(ok);
    await expect(t.process(t.job({ nope: true }))).rejects.toMatchObject({ name: "UnrecoverableError", message: /^invalid payload/ });
    const data = jobData();
    await expect(t.process(t.job({ ...data, recipient: { ...data.recipient, email: "" } }))).rejects.toMatchObject({
      name: "UnrecoverableError",
      message: "no owner on record for the account",
    });
    await expect(t.process(t.job(jobData(), "other"))).rejects.toMatchObject({ name: "UnrecoverableError" });
    expect(t.mailer.send).not.toHaveBeenCalled();
  });

  it("turns a permanent SMTP rejection into UnrecoverableError and rethrows a retriable one", async () => {
    const permanent = setup(async () => {
      throw new MailSendError({ retriable: false, reason: "SMTP 550 (RCPT TO) - mailbox unavailable" });
    });
    await expect(permanent.process(permanent.job(jobData()))).rejects.toMatchObject({
      name: "UnrecoverableError",
      message: "SMTP 550 (RCPT TO) - mailbox unavailable",
    });
    const transient = setup(async () => {
      throw new MailSendError({ retriable: true, reason: "SMTP (CONN) ESOCKET - connect ECONNREFUSED" });
    });
    const err = await transient.process(transient.job(jobData())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe("Error");
    expect(transient.markers.markSent).not.toHaveBeenCalled();
  });
});
