import { describe, expect, it } from "vitest";
import { parsePolicyConfig } from "./config.ts";
import { applyBudget, groupByRecipient } from "./group.ts";
import { alert, fired, run } from "./testkit.ts";
import type { Effect } from "./types.ts";

const WED_10 = "2025-06-11T02:00:00Z";
const NIGHT = "2025-06-10T19:00:00Z"; // Wed 03:00 Shanghai

function effectsOf(alertId: string, accountId: string, at: string, level: "medium" | "high" | "critical" = "medium"): Effect[] {
  return run([[at, fired(level)]], {}, alert(alertId, accountId)).effects;
}

describe("groupByRecipient", () => {
  it("merges alerts of one account due to one recipient at the same instant into one email", () => {
    const groups = groupByRecipient([
      ...effectsOf("a2", "acc-1", NIGHT),
      ...effectsOf("a1", "acc-1", "2025-06-10T22:00:00Z", "high"), // also held to 08:00
      ...effectsOf("b1", "acc-2", NIGHT),
    ]);
    expect(groups.map((g) => [g.accountId, g.sendAt, g.level, g.items.map((i) => i.alertId)])).toEqual([
      ["acc-1", "2025-06-11T00:00:00.000Z", "high", ["a1", "a2"]],
      ["acc-2", "2025-06-11T00:00:00.000Z", "medium", ["b1"]],
    ]);
    expect(groups[0]?.groupId).toBe("owner@ka|a1:high:1:owner,a2:medium:1:owner");
  });

  it("keeps emails due at different instants apart", () => {
    const groups = groupByRecipient([...effectsOf("a1", "acc-1", WED_10), ...effectsOf("a2", "acc-1", NIGHT)]);
    expect(groups).toHaveLength(2);
  });
});

describe("applyBudget", () => {
  const config = parsePolicyConfig({ perRecipientBudget: 2 });

  it("sends up to the budget per recipient per local day and moves the rest to the digest, never dropping one", () => {
    const groups = groupByRecipient(["acc-1", "acc-2", "acc-3", "acc-4"].flatMap((acc) => effectsOf(`x-${acc}`, acc, WED_10)));
    const { emails, digests, ledger } = applyBudget({}, groups, { now: WED_10, config });
    expect(emails.map((g) => g.accountId)).toEqual(["acc-1", "acc-2"]);
    expect(digests.map((d) => [d.accountId, d.cause, d.digestDate])).toEqual([
      ["acc-3", "budget", "2025-06-11"],
      ["acc-4", "budget", "2025-06-11"],
    ]);
    expect(ledger).toEqual({ "owner@ka": { "2025-06-11": 2 } });
  });

  it("lets critical through a spent budget, carries the ledger over, and resets on the next local day", () => {
    const spent = { "owner@ka": { "2025-06-11": 2, "2025-06-01": 9 } };
    const today = groupByRecipient([...effectsOf("m", "acc-5", WED_10), ...effectsOf("c", "acc-6", WED_10, "critical")]);
    const first = applyBudget(spent, today, { now: WED_10, config });
    expect(first.emails.map((g) => g.level)).toEqual(["critical"]);
    expect(first.digests.map((d) => d.accountId)).toEqual(["acc-5"]);
    expect(first.ledger).toEqual({ "owner@ka": { "2025-06-11": 3 } });
    const tomorrow = "2025-06-12T02:00:00Z";
    const next = applyBudget(first.ledger, groupByRecipient(effectsOf("t", "acc-7", tomorrow)), { now: tomorrow, config });
    expect(next.emails).toHaveLength(1);
  });
});
