import { describe, expect, it } from "vitest";
import { defaultConfig, deepFreeze, type EngineConfig } from "../config.ts";
import { pinnedConfig } from "../testkit/config.ts";
import { History, accountYear, dayIso, dayMs } from "../testkit/history.ts";
import { changesFor, lifecycle, replay } from "../testkit/replay.ts";

const RULE = "complaints.spike";

/** The pinned thresholds (every spike counts as shown) with the default signs of a real problem. */
const { minRepeats, minUnresolved, unresolvedAfterDays, satisfactionDays, satisfactionDrop } = defaultConfig.rules[RULE];
const withSigns: EngineConfig = deepFreeze({
  ...structuredClone(pinnedConfig),
  rules: {
    ...structuredClone(pinnedConfig.rules),
    [RULE]: { ...structuredClone(pinnedConfig.rules[RULE]), minRepeats, minUnresolved, unresolvedAfterDays, satisfactionDays, satisfactionDrop },
  },
});

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

  describe("signs of a real problem", () => {
    /** A quiet account with its usual complaint every two months, settled within days to its satisfaction. */
    function calm(): History {
      const h = accountYear(new History(), { complaints: false });
      for (const day of [100, 160, 220, 280]) h.resolve(day + 3, h.complaint(day, "low", undefined, "service"), day === 220 ? 4 : 5);
      return h;
    }
    /** Three complaints in ten days, 10 points: past the pinned fire threshold. */
    function spike(h: History, categories: [string, string, string]): string[] {
      return [h.complaint(340, "high", undefined, categories[0]), h.complaint(345, "high", undefined, categories[1]), h.complaint(350, "medium", undefined, categories[2])];
    }
    const until = { untilMs: dayMs(400) };

    it("takes three unrelated complaints settled to the customer's satisfaction for a bad month, not a spike", () => {
      const h = calm();
      spike(h, ["quality", "billing", "pricing"]).forEach((id, i) => h.resolve(343 + 5 * i, id, 4));
      expect(changesFor(replay(h.sorted(), { ...until, config: withSigns }).changes, RULE)).toEqual([]);
      // The same history fires when every spike counts as shown: the signs are what keep it quiet.
      expect(lifecycle(replay(h.sorted(), until).changes, RULE)[0]).toBe("fired:medium");
    });

    it("fires on the same problem raised three times, with the repeats as evidence", () => {
      const h = calm();
      const ids = spike(h, ["quality", "quality", "quality"]);
      ids.forEach((id, i) => h.resolve(343 + 5 * i, id, 4));
      const [fired] = changesFor(replay(h.sorted(), { ...until, config: withSigns }).changes, RULE);
      expect(fired).toMatchObject({ type: "fired", at: dayIso(350) });
      const repeats = fired?.alert.evidence.find((e) => e.signal === "complaints.repeats");
      expect(repeats).toEqual({ signal: "complaints.repeats", unit: "count", value: "3", threshold: "3", windowDays: 30 });
      const opened = h.events.filter((e) => e.type === "complaint.opened" && ids.includes(e.data.complaintId)).map((e) => e.eventId);
      expect(fired?.alert.eventIds).toEqual(expect.arrayContaining(opened));
    });

    it("fires once three complaints have waited two weeks without a resolution", () => {
      const h = calm();
      spike(h, ["quality", "billing", "pricing"]);
      const [fired] = changesFor(replay(h.sorted(), { ...until, config: withSigns }).changes, RULE);
      // The third complaint (day 350) turns 14 days old at day 364, while all three are still in the window.
      expect(fired).toMatchObject({ type: "fired", at: dayIso(350 + unresolvedAfterDays) });
      const find = (signal: string) => fired?.alert.evidence.find((e) => e.signal === signal);
      expect(find("complaints.unresolved")).toMatchObject({ value: "3", threshold: "3" });
      expect(find("complaints.oldestUnresolvedDays")).toMatchObject({ value: "24", unit: "days" });
    });

    it("fires when the handling is rated poor and far below the account's usual rating", () => {
      const h = calm();
      const ids = spike(h, ["quality", "billing", "pricing"]);
      h.resolve(342, ids[0] as string, 2).resolve(347, ids[1] as string, 1).resolve(352, ids[2] as string, 2);
      const [fired] = changesFor(replay(h.sorted(), { ...until, config: withSigns }).changes, RULE);
      // At day 350 the last 90 days hold the ratings 5 (day 283), 2 and 1: 2.7, against 5, 5 and 4 (4.7) in
      // the 180 days before. Below the middle of the scale and more than a point down: it fires.
      expect(fired).toMatchObject({ type: "fired", at: dayIso(350) });
      expect(fired?.alert.evidence.find((e) => e.signal === "complaints.satisfaction")).toEqual({
        signal: "complaints.satisfaction",
        unit: "points",
        value: "2.7",
        baseline: "4.7",
        threshold: "3", // a point below 4.7, but never above the middle of the scale
        changePct: -42.9,
        windowDays: 90,
      });
      const resolutions = h.events.filter((e) => e.type === "complaint.resolved" && e.occurredAt <= dayIso(350) && ids.includes(e.data.complaintId));
      expect(fired?.alert.eventIds).toEqual(expect.arrayContaining(resolutions.map((e) => e.eventId)));
    });

    it("needs no sign once the spike reaches the high band", () => {
      const h = calm();
      // 4 + 4 + 8 = 16 points, the pinned high floor, from three unrelated complaints settled happily.
      const ids = [h.complaint(340, "high", undefined, "quality"), h.complaint(345, "high", undefined, "billing"), h.complaint(350, "critical", undefined, "pricing")];
      ids.forEach((id, i) => h.resolve(343 + 5 * i, id, 4));
      expect(lifecycle(replay(h.sorted(), { ...until, config: withSigns }).changes, RULE)[0]).toBe("fired:high");
    });

    it("does not count a fall to a neutral rating as dissatisfaction", () => {
      const h = calm();
      spike(h, ["quality", "billing", "pricing"]).forEach((id, i) => h.resolve(342 + 5 * i, id, 3));
      expect(changesFor(replay(h.sorted(), { ...until, config: withSigns }).changes, RULE)).toEqual([]);
    });
  });
});
