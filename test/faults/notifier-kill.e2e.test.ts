import { describe, expect, it } from "vitest";
import { e2eScope } from "../support/scope.ts";
import { notifierKillRig } from "./notifierKill.ts";

/**
 * The notifier SIGKILLed twice while it sends one alert email, restarted at once each time: first at RCPT TO
 * (nothing reached the server), then right after the server's 250 and before the sent marker (inside the
 * window). At-least-once must hold: the email arrives twice (the accepted attempt and its retry; the kill
 * before the server had it adds none), both with the same Message-ID, and no job ends failed. With BullMQ's
 * default of one stall per job the second kill failed the email job for good (had neither attempt reached the
 * server, no email at all: the benchmark test/faults/notifier-kill.ts lost 6 of 620 that way).
 */
const scope = e2eScope();

describe("fault: the notifier killed while it sends", () => {
  it("delivers after kills before and inside the window, once per accepted attempt, with one Message-ID", async () => {
    const rig = await notifierKillRig("f-nkill", scope.cleanups, { lockMs: 1_000 });
    await rig.start();
    const kills: Array<"recipient" | "accepted"> = ["recipient", "accepted"];
    let killed = rig.killAtNext(kills[0] as "recipient", { timeoutMs: 20_000 });
    await rig.enqueue();
    for (let k = 0; k < kills.length; k++) {
      await killed;
      await rig.start();
      const next = kills[k + 1];
      if (next) killed = rig.killAtNext(next, { timeoutMs: 20_000 });
    }
    await rig.settled(20_000);
    const count = await rig.count();
    expect(await rig.failedJobs()).toEqual([]);
    expect(count).toMatchObject({ alerts: 1, lost: 0, emails: 2, distinctMessageIds: 1, duplicates: 1, sameMessageId: true });
    await rig.stop();
  }, 40_000);
});
