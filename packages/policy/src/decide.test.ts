import { describe, expect, it } from "vitest";
import { decide } from "./decide.ts";
import { alert, context, fired, resolved, run, tick } from "./testkit.ts";
import type { AuditEffect } from "./types.ts";

// Wednesday 2025-06-11 in Shanghai (UTC+8): 10:00 local is 02:00Z.
const WED_10 = "2025-06-11T02:00:00Z";
const h = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * 3_600_000).toISOString();

describe("first firing and level rises", () => {
  it("emails the owner once on first firing, now, with a deterministic version", () => {
    const { emails, record } = run([[WED_10, fired("medium")]]);
    expect(emails).toEqual([
      expect.objectContaining({ to: "owner", reason: "first", sendAt: "2025-06-11T02:00:00.000Z", alertVersion: "a1:medium:1" }),
    ]);
    expect(record).toMatchObject({ state: "firing", firstNotifiedAt: "2025-06-11T02:00:00.000Z", lastNotifiedLevel: "medium" });
  });

  it("updates at the same or a lower level send nothing; a rise sends exactly one more email", () => {
    const { emails } = run([
      [WED_10, fired("medium")],
      [h(WED_10, 1), { type: "updated", level: "medium" }],
      [h(WED_10, 2), { type: "escalated", level: "high" }],
      [h(WED_10, 3), { type: "updated", level: "medium" }],
      [h(WED_10, 4), { type: "escalated", level: "high" }],
    ]);
    expect(emails.map((e) => [e.reason, e.alertVersion])).toEqual([
      ["first", "a1:medium:1"],
      ["escalated", "a1:high:2"],
    ]);
  });

  it("is deterministic: the same history yields the same effects", () => {
    const steps = [
      [WED_10, fired("medium")],
      [h(WED_10, 2), { type: "escalated", level: "critical" }],
    ] as const;
    expect(run(steps)).toEqual(run(steps));
  });
});

describe("repeats", () => {
  it("re-notifies after the repeat interval while unacknowledged, and acknowledging stops it", () => {
    const { emails } = run([
      [WED_10, fired("medium")],
      [h(WED_10, 23.9), tick],
      [h(WED_10, 24), tick], // Thu 10:00 local
      [h(WED_10, 25), { type: "acknowledge", actor: "li.wei" }],
      [h(WED_10, 48), tick],
      [h(WED_10, 72), tick],
    ]);
    expect(emails.map((e) => [e.reason, e.sendAt])).toEqual([
      ["first", "2025-06-11T02:00:00.000Z"],
      ["repeat", "2025-06-12T02:00:00.000Z"],
    ]);
  });

  it("a repeat falling in quiet hours waits for the morning and does not pile up overnight", () => {
    const evening = "2025-06-11T11:00:00Z"; // Wed 19:00 local
    const { emails } = run([
      [evening, fired("medium")],
      [h(evening, 24), tick], // Thu 19:00 is still allowed
      [h(evening, 49), tick], // Fri 20:00: quiet → Mon 08:00
      [h(evening, 50), tick],
      [h(evening, 60), tick],
    ]);
    expect(emails.map((e) => e.sendAt)).toEqual([
      "2025-06-11T11:00:00.000Z",
      "2025-06-12T11:00:00.000Z",
      "2025-06-16T00:00:00.000Z",
    ]);
  });
});

describe("snooze and dismiss", () => {
  it("a snooze to a date stays quiet until then, then announces the level it missed", () => {
    const { emails } = run([
      [WED_10, fired("medium")],
      [h(WED_10, 1), { type: "snooze", actor: "li.wei", until: "2025-06-13T01:00:00Z" }], // Fri 09:00
      [h(WED_10, 30), tick],
      [h(WED_10, 31), { type: "escalated", level: "high" }],
      [h(WED_10, 46), tick],
      ["2025-06-13T01:00:00Z", tick],
    ]);
    expect(emails.map((e) => [e.reason, e.level, e.sendAt])).toEqual([
      ["first", "medium", "2025-06-11T02:00:00.000Z"],
      ["escalated", "high", "2025-06-13T01:00:00.000Z"],
    ]);
  });

  it("a snooze until worse stays quiet through repeats and equal levels, and wakes on a higher level", () => {
    const { emails, record } = run([
      [WED_10, fired("medium")],
      [h(WED_10, 1), { type: "snoozeUntilWorse", actor: "li.wei" }],
      [h(WED_10, 30), tick],
      [h(WED_10, 31), { type: "updated", level: "medium" }],
      [h(WED_10, 100), tick],
      [h(WED_10, 101), { type: "escalated", level: "high" }],
    ]);
    expect(emails.map((e) => e.reason)).toEqual(["first", "escalated"]);
    expect(record.snoozeUntilWorseThan).toBeUndefined();
  });

  it("'not a risk' stays quiet until it resolves, even when critical; a later firing is a new episode", () => {
    const { emails, effects } = run([
      [WED_10, fired("medium")],
      [h(WED_10, 1), { type: "dismiss", actor: "li.wei", reason: "seasonal dip, confirmed with buyer" }],
      [h(WED_10, 2), { type: "escalated", level: "critical" }],
      [h(WED_10, 50), tick],
      [h(WED_10, 60), resolved],
      [h(WED_10, 100), fired("high")],
    ]);
    expect(emails.map((e) => [e.reason, e.level])).toEqual([
      ["first", "medium"],
      ["first", "high"],
    ]);
    const dismissed = effects.find((e): e is AuditEffect => e.kind === "audit" && e.transition === "dismissed");
    expect(dismissed).toMatchObject({ actor: "li.wei", note: "seasonal dip, confirmed with buyer", at: "2025-06-11T03:00:00.000Z" });
  });

  it("refuses a dismissal without a reason and a snooze into the past, and records the refusal", () => {
    const first = run([[WED_10, fired("medium")]]).record;
    const ctx = context(h(WED_10, 1));
    const blank = decide(first, { type: "dismiss", actor: "li.wei", reason: "  " }, ctx);
    const past = decide(first, { type: "snooze", actor: "li.wei", until: WED_10 }, ctx);
    expect(blank.record).toBe(first);
    expect(past.record).toBe(first);
    expect(blank.effects).toEqual([expect.objectContaining({ transition: "action-ignored", note: "dismissing needs a reason" })]);
    expect(past.effects).toEqual([expect.objectContaining({ transition: "action-ignored" })]);
  });
});

describe("flapping and resolution", () => {
  it("fire/resolve/fire within the repeat interval yields one email", () => {
    const { emails, effects } = run([
      [WED_10, fired("medium")],
      [h(WED_10, 1), resolved],
      [h(WED_10, 2), fired("medium")],
      [h(WED_10, 3), resolved],
      [h(WED_10, 5), fired("medium")],
      [h(WED_10, 6), tick],
    ]);
    expect(emails).toHaveLength(1);
    expect(effects.filter((e) => e.kind === "audit" && e.transition === "refired")).toHaveLength(2);
  });

  it("with resolved notices on, a quick flap still yields one email; a lasting recovery yields the notice", () => {
    const config = { sendResolvedNotice: true, resolvedNoticeDelayMinutes: 60 };
    const flap = run(
      [
        [WED_10, fired("medium")],
        [h(WED_10, 1), resolved],
        [h(WED_10, 1.5), fired("medium")],
        [h(WED_10, 3), tick],
      ],
      { config },
    );
    expect(flap.emails.map((e) => e.reason)).toEqual(["first"]);
    const lasting = run(
      [
        [WED_10, fired("medium")],
        [h(WED_10, 1), resolved],
        [h(WED_10, 1.5), tick],
        [h(WED_10, 2), tick],
        [h(WED_10, 3), tick],
      ],
      { config },
    );
    expect(lasting.emails.map((e) => [e.reason, e.sendAt])).toEqual([
      ["first", "2025-06-11T02:00:00.000Z"],
      ["resolved", "2025-06-11T04:00:00.000Z"],
    ]);
  });

  it("sends no resolved notice unless configured", () => {
    const { emails } = run([
      [WED_10, fired("medium")],
      [h(WED_10, 1), resolved],
      [h(WED_10, 5), tick],
    ]);
    expect(emails.map((e) => e.reason)).toEqual(["first"]);
  });

  it("a re-fire after the interval is a new episode: a fresh first email, and the old acknowledgement is gone", () => {
    const { emails, record } = run([
      [WED_10, fired("medium")],
      [h(WED_10, 1), { type: "acknowledge", actor: "li.wei" }],
      [h(WED_10, 2), resolved],
      [h(WED_10, 30), fired("medium")],
    ]);
    expect(emails.map((e) => [e.reason, e.alertVersion])).toEqual([
      ["first", "a1:medium:1"],
      ["first", "a1:medium:2"],
    ]);
    expect(record.acknowledgedAt).toBeUndefined();
  });
});

describe("quiet hours and digests", () => {
  it("a medium alert at 03:00 local on a weekday waits for 08:00; critical goes now", () => {
    const night = "2025-06-10T19:00:00Z"; // Wed 03:00 Shanghai
    expect(run([[night, fired("medium")]]).emails[0]?.sendAt).toBe("2025-06-11T00:00:00.000Z");
    expect(run([[night, fired("critical")]]).emails[0]?.sendAt).toBe("2025-06-10T19:00:00.000Z");
  });

  it("a medium alert on Saturday waits for Monday 08:00 in New York across DST", () => {
    const owner = { id: "kim@ka", timezone: "America/New_York" };
    const { emails } = run([["2025-03-08T08:00:00Z", fired("medium")]], { recipients: { owner } });
    expect(emails[0]?.sendAt).toBe("2025-03-10T12:00:00.000Z");
  });

  it("low alerts go to the daily digest instead of interrupting, until they rise", () => {
    const { effects, emails } = run([
      [WED_10, fired("low")],
      [h(WED_10, 1), { type: "escalated", level: "medium" }],
    ]);
    expect(effects.filter((e) => e.kind === "digest")).toEqual([
      expect.objectContaining({ to: "owner", digestDate: "2025-06-11", cause: "low-level", alertVersion: "a1:low:1" }),
    ]);
    expect(emails.map((e) => e.reason)).toEqual(["escalated"]);
  });
});

describe("audit", () => {
  it("every transition is audited with time, cause and actor", () => {
    const { effects } = run([
      [WED_10, fired("medium")],
      [h(WED_10, 1), { type: "acknowledge", actor: "li.wei" }],
      [h(WED_10, 2), resolved],
    ]);
    const audits = effects.filter((e): e is AuditEffect => e.kind === "audit");
    expect(audits.map((a) => [a.transition, a.from, a.to, a.cause, a.actor, a.at])).toEqual([
      ["fired", "pending", "firing", "fired", "engine", "2025-06-11T02:00:00.000Z"],
      ["notified", "firing", "firing", "fired", "engine", "2025-06-11T02:00:00.000Z"],
      ["acknowledged", "firing", "firing", "acknowledge", "li.wei", "2025-06-11T03:00:00.000Z"],
      ["resolved", "firing", "resolved", "resolved", "engine", "2025-06-11T04:00:00.000Z"],
    ]);
  });

  it("a quiet tick changes nothing and says nothing", () => {
    const first = run([[WED_10, fired("medium")]]).record;
    expect(decide(first, tick, context(h(WED_10, 1)))).toEqual({ record: first, effects: [] });
    expect(decide(alert(), tick, context(WED_10)).effects).toEqual([]);
  });
});
