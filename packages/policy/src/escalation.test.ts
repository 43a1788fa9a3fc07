import { describe, expect, it } from "vitest";
import { fired, run, tick } from "./testkit.ts";
import type { PolicyContext } from "./types.ts";

// Friday 2025-03-07 10:00 in New York (EST, UTC-5); the clocks spring forward on Sunday 2025-03-09.
const FRI_10_NY = "2025-03-07T15:00:00Z";
const recipients: PolicyContext["recipients"] = {
  owner: { id: "kim@ka", timezone: "America/New_York" },
  manager: { id: "ana@ka", timezone: "America/New_York" },
  executive: { id: "wang@ka", timezone: "Asia/Shanghai" },
};
// A month-long repeat interval keeps owner repeats out of the ladder's way.
const opts = { tier: "strategic", recipients, config: { repeatIntervalHours: 720 } } as const;

describe("escalation along the prevention ladder", () => {
  it("goes to the manager after 2 business days (across DST), then to the executive 3 business days later in their zone", () => {
    const { emails, record } = run(
      [
        [FRI_10_NY, fired("high")],
        ["2025-03-10T15:00:00Z", tick], // Mon 11:00 EDT: one business day only
        ["2025-03-11T13:59:00Z", tick], // Tue 09:59 EDT: one minute early
        ["2025-03-11T14:00:00Z", tick], // Tue 10:00 EDT: due
        ["2025-03-11T15:00:00Z", tick],
        ["2025-03-14T13:59:00Z", tick], // Fri 21:59 Shanghai: early
        ["2025-03-14T14:00:00Z", tick], // Fri 22:00 Shanghai: due, but quiet hours there
        ["2025-03-20T14:00:00Z", tick],
      ],
      opts,
    );
    expect(emails.map((e) => [e.to, e.reason, e.sendAt])).toEqual([
      ["owner", "first", "2025-03-07T15:00:00.000Z"],
      ["manager", "escalation-step", "2025-03-11T14:00:00.000Z"],
      ["executive", "escalation-step", "2025-03-17T00:00:00.000Z"], // Mon 08:00 Shanghai
    ]);
    expect(record.escalationStep).toBe(2);
    expect(record.escalatedAt).toEqual({ manager: "2025-03-11T14:00:00.000Z", executive: "2025-03-14T14:00:00.000Z" });
  });

  it("acknowledging stops the ladder", () => {
    const { emails } = run(
      [
        [FRI_10_NY, fired("high")],
        ["2025-03-10T15:00:00Z", { type: "acknowledge", actor: "kim" }],
        ["2025-03-12T15:00:00Z", tick],
        ["2025-03-20T15:00:00Z", tick],
      ],
      opts,
    );
    expect(emails.map((e) => e.to)).toEqual(["owner"]);
  });

  it.each([
    ["a partner account", { ...opts, tier: "partner" }, "high"],
    ["a medium alert", opts, "medium"],
  ] as const)("does not escalate %s", (_name, options, level) => {
    const { emails } = run(
      [
        [FRI_10_NY, fired(level)],
        ["2025-03-20T15:00:00Z", tick],
      ],
      options,
    );
    expect(emails.map((e) => e.to)).toEqual(["owner"]);
  });

  it("after the manager step, a rise to critical tells owner and manager at once, in one version", () => {
    const { emails } = run(
      [
        [FRI_10_NY, fired("high")],
        ["2025-03-11T14:00:00Z", tick],
        ["2025-03-12T03:00:00Z", { type: "escalated", level: "critical" }], // 23:00 EDT: critical ignores quiet hours
      ],
      opts,
    );
    expect(emails.slice(2).map((e) => [e.to, e.reason, e.sendAt, e.alertVersion])).toEqual([
      ["owner", "escalated", "2025-03-12T03:00:00.000Z", "a1:critical:3"],
      ["manager", "escalated", "2025-03-12T03:00:00.000Z", "a1:critical:3"],
    ]);
  });

  it("a snooze restarts the escalation clock from its end instead of escalating at once", () => {
    const { emails } = run(
      [
        [FRI_10_NY, fired("high")],
        ["2025-03-07T16:00:00Z", { type: "snooze", actor: "kim", until: "2025-03-12T14:00:00Z" }], // Wed 10:00 EDT
        ["2025-03-12T14:00:00Z", tick],
        ["2025-03-13T14:00:00Z", tick], // Thu: one business day after the snooze
        ["2025-03-14T14:00:00Z", tick], // Fri: two
      ],
      opts,
    );
    expect(emails.filter((e) => e.to === "manager").map((e) => e.sendAt)).toEqual(["2025-03-14T14:00:00.000Z"]);
  });

  it("keeps climbing when a rung is missing, and audits who could not be told", () => {
    const { emails, effects } = run(
      [
        [FRI_10_NY, fired("critical")],
        ["2025-03-11T14:00:00Z", tick],
        ["2025-03-14T14:00:00Z", tick],
      ],
      { ...opts, recipients: { owner: recipients.owner, executive: recipients.executive } },
    );
    expect(effects).toContainEqual(expect.objectContaining({ transition: "escalated-to-manager", note: "no manager on record" }));
    expect(emails.map((e) => [e.to, e.sendAt])).toEqual([
      ["owner", "2025-03-07T15:00:00.000Z"],
      ["executive", "2025-03-14T14:00:00.000Z"], // critical: Shanghai quiet hours do not hold it
    ]);
  });
});
