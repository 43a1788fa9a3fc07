import { describe, expect, it } from "vitest";
import { History, accountYear, dayIso, dayMs } from "../testkit/history.ts";
import { changesFor, lifecycle, replay } from "../testkit/replay.ts";

const RULE = "complaints.spike";

describe("complaints.spike", () => {
  it("fires on a spike of weighted complaints, escalates with more, and goes critical on an ageing critical one", () => {
    const h = accountYear(new History());
    const spike = [h.complaint(340, "high"), h.complaint(345, "high"), h.complaint(350, "medium"), h.complaint(355, "high")];
    const critical = h.complaint(357, "critical");
    h.resolve(380, critical, 1);
    const r = replay(h.sorted(), { untilMs: dayMs(420) });

    expect(lifecycle(r.changes, RULE)).toEqual(["fired:medium", "escalated:high", "escalated:critical", "resolved:medium"]);
    const [fired, high, crit, resolved] = changesFor(r.changes, RULE).filter((c) => c.type !== "updated");
    expect(fired?.at).toBe(dayIso(350));
    expect(fired?.alert.evidence[0]).toMatchObject({ signal: "complaints.weighted", unit: "points", value: "10", threshold: "10", windowDays: 30 });
    expect(high?.at).toBe(dayIso(357));
    expect(high?.alert.evidence[0]?.value).toBe(String(4 + 4 + 2 + 4 + 8));
    // Critical once the critical complaint has been open for more than 14 days.
    expect(crit?.at).toBe(dayIso(372));
    expect(crit?.alert.evidence[2]).toMatchObject({ signal: "complaints.criticalUnresolvedDays", value: "15", threshold: "14" });
    // The alert holds while the critical complaint is open, then resolves when the window empties.
    expect(resolved?.at).toBe(dayIso(357 + 30)); // the window is (asOf − 30 d, asOf]
    // By then the first spike complaint (day 340) has left the 30-day window.
    const ids = h.events.filter((e) => e.type === "complaint.opened" && [...spike.slice(1), critical].includes(e.data.complaintId)).map((e) => e.eventId);
    expect(crit?.alert.eventIds).toEqual(ids);
  });

  it("treats one critical complaint resolved within days as an incident, not a spike", () => {
    const h = accountYear(new History(), { complaints: false });
    h.complaint(100, "low");
    h.resolve(344, h.complaint(340, "critical"), 3);
    const r = replay(h.sorted(), { untilMs: dayMs(365) });
    expect(changesFor(r.changes, RULE)).toEqual([]);
  });

  it("stays quiet on the usual complaint every couple of months", () => {
    const r = replay(accountYear(new History()).sorted(), { untilMs: dayMs(365) });
    expect(changesFor(r.changes, RULE)).toEqual([]);
  });

  it("measures the spike against the account's own complaint rate", () => {
    const busy = accountYear(new History(), { complaints: false });
    for (let day = 10; day < 365; day += 10) busy.complaint(day, "medium"); // ~6 points a month is normal here
    busy.complaint(362, "high");
    busy.complaint(363, "high");
    const calm = accountYear(new History(), { complaints: false });
    calm.complaint(362, "high");
    calm.complaint(363, "high");
    calm.complaint(364, "high");
    expect(changesFor(replay(busy.sorted(), { untilMs: dayMs(365) }).changes, RULE)).toEqual([]);
    expect(lifecycle(replay(calm.sorted(), { untilMs: dayMs(365) }).changes, RULE)).toEqual(["fired:medium"]);
  });

  it("needs three months of history before it may fire", () => {
    const h = new History();
    h.profile(0);
    h.complaint(20, "critical");
    h.complaint(25, "high");
    h.complaint(30, "high");
    expect(changesFor(replay(h.sorted(), { untilMs: dayMs(100) }).changes, RULE)).toEqual([]);
  });
});
