import type { Job } from "bullmq";
import { describe, expect, it, vi } from "vitest";
import { ALERT_JOB } from "@churnwatch/contracts";
import { createLogger } from "@churnwatch/platform";
import { sampleNotification } from "./fixtures.ts";
import { MailSendError, type Mailer } from "./mailer.ts";
import type { SentMarkers } from "./redisSentMarkers.ts";
import { createAlertProcessor } from "./worker.ts";

const SECRET = "unit-secret-0123456789abcdef012345";

function setup(send: Mailer["send"], sent = new Set<string>()) {
  const mailer: Mailer = { send: vi.fn(send), verify: async () => undefined, close: () => undefined };
  const markers: SentMarkers = {
    isSent: async (id) => sent.has(id),
    markSent: vi.fn(async (id: string) => void sent.add(id)),
  };
  const process = createAlertProcessor({
    mailer,
    markers,
    logger: createLogger("notifier-unit", "silent"),
    links: { appBaseUrl: "http://localhost:8080", linkSecret: SECRET, linkTtlSeconds: 3600 },
    now: () => Date.parse("2026-03-02T00:00:00Z"),
  });
  const job = (data: unknown, name: string = ALERT_JOB) => ({ id: "j1", name, data, attemptsMade: 0 }) as unknown as Job;
  return { mailer, markers, process, job };
}

const ok: Mailer["send"] = async () => ({ messageId: "<m@churnwatch>" });

describe("alert processor", () => {
  it("sends to the owner, then writes the sent marker", async () => {
    const t = setup(ok);
    await expect(t.process(t.job(sampleNotification()))).resolves.toEqual({ status: "sent", messageId: "<m@churnwatch>" });
    const mail = vi.mocked(t.mailer.send).mock.calls[0]?.[0];
    expect(mail?.to).toEqual({ name: "Li Wei", address: "li.wei@example.com" });
    expect(mail?.text).toContain("/accounts/acc-42?exp=1772413200&sig=");
    expect(t.markers.markSent).toHaveBeenCalledWith("acc-42:purchases.decline:1772414100000:high", "<m@churnwatch>");
  });

  it("flattens the owner's display name so it cannot add a header", async () => {
    const t = setup(ok);
    await t.process(t.job(sampleNotification({ account: { owner: { name: "Evil\r\nBcc: x@y.z", email: "o@example.com" } } })));
    expect(vi.mocked(t.mailer.send).mock.calls[0]?.[0].to.name).toBe("Evil Bcc: x@y.z");
  });

  it("skips a notification whose marker exists", async () => {
    const t = setup(ok, new Set(["acc-42:purchases.decline:1772414100000:high"]));
    await expect(t.process(t.job(sampleNotification()))).resolves.toEqual({ status: "already-sent" });
    expect(t.mailer.send).not.toHaveBeenCalled();
  });

  it("refuses an invalid payload, a missing owner and an unknown job name without retry", async () => {
    const t = setup(ok);
    await expect(t.process(t.job({ nope: true }))).rejects.toMatchObject({ name: "UnrecoverableError", message: /^invalid payload/ });
    await expect(t.process(t.job(sampleNotification({ account: { owner: undefined } })))).rejects.toMatchObject({
      name: "UnrecoverableError",
      message: "no owner on record for the account",
    });
    await expect(t.process(t.job(sampleNotification(), "other"))).rejects.toMatchObject({ name: "UnrecoverableError" });
    expect(t.mailer.send).not.toHaveBeenCalled();
  });

  it("turns a permanent SMTP rejection into UnrecoverableError and rethrows a retriable one", async () => {
    const permanent = setup(async () => {
      throw new MailSendError({ retriable: false, reason: "SMTP 550 (RCPT TO) - mailbox unavailable" });
    });
    await expect(permanent.process(permanent.job(sampleNotification()))).rejects.toMatchObject({
      name: "UnrecoverableError",
      message: "SMTP 550 (RCPT TO) - mailbox unavailable",
    });
    const transient = setup(async () => {
      throw new MailSendError({ retriable: true, reason: "SMTP (CONN) ESOCKET - connect ECONNREFUSED" });
    });
    const err = await transient.process(transient.job(sampleNotification())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe("Error");
    expect(transient.markers.markSent).not.toHaveBeenCalled();
  });
});
