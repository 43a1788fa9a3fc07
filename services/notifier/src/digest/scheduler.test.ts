import { describe, expect, it } from "vitest";
import type { Queue } from "bullmq";
import { createLogger } from "@churnwatch/platform";
import { createDigestScheduler, scheduledMillisOf, schedulerIdOf } from "./scheduler.ts";
import { subscriptionSchema } from "./subscription.ts";

const sub = subscriptionSchema.parse({
  id: "s1",
  recipient: { name: "Wang Fang", email: "ceo@example.com" },
  schedule: { cadence: "weekly", weekday: 1, time: "08:00", timezone: "Asia/Shanghai" },
  createdAt: "2026-11-25T00:00:00.000Z",
  updatedAt: "2026-11-25T00:00:00.000Z",
});

/** The slice of a BullMQ queue the scheduler uses, recording upserts. */
function fakeQueue(existing: { pattern: string; tz: string } | undefined) {
  const upserts: unknown[][] = [];
  const queue = {
    getJobScheduler: async () => existing,
    upsertJobScheduler: async (...args: unknown[]) => void upserts.push(args),
  } as unknown as Queue;
  return { queue, upserts };
}

describe("digest scheduler", () => {
  it("leaves an unchanged schedule alone, so a run that fell due while every notifier was down is kept", async () => {
    const { queue, upserts } = fakeQueue({ pattern: "0 8 * * 1", tz: "Asia/Shanghai" });
    const scheduler = createDigestScheduler({ queue, logger: createLogger("test", "silent") });
    expect(await scheduler.ensure(sub)).toBe("unchanged");
    expect(upserts).toEqual([]);
  });

  it("writes a new or changed schedule as a cron pattern in the subscriber's timezone", async () => {
    const changed = fakeQueue({ pattern: "0 8 * * 1", tz: "UTC" });
    expect(await createDigestScheduler({ queue: changed.queue, logger: createLogger("test", "silent") }).ensure(sub)).toBe("updated");
    const fresh = fakeQueue(undefined);
    expect(await createDigestScheduler({ queue: fresh.queue, logger: createLogger("test", "silent") }).ensure(sub)).toBe("created");
    expect(fresh.upserts[0]?.slice(0, 2)).toEqual([schedulerIdOf("s1"), { pattern: "0 8 * * 1", tz: "Asia/Shanghai" }]);
  });

  it("reads a run's scheduled instant from BullMQ's job id", () => {
    expect(scheduledMillisOf("repeat:digest-s1:1803427200000")).toBe(1803427200000);
    expect(scheduledMillisOf("some-other-job")).toBeUndefined();
    expect(scheduledMillisOf(undefined)).toBeUndefined();
  });
});
