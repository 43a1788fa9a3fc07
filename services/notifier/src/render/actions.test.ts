import { describe, expect, it } from "vitest";
import { suggestedActions } from "./actions.ts";

describe("suggestedActions", () => {
  it("climbs the prevention ladder with the level", () => {
    expect(suggestedActions("purchases.decline", "medium", "partner")).toEqual(["call"]);
    expect(suggestedActions("purchases.decline", "high", "partner")).toEqual(["visit"]);
    expect(suggestedActions("complaints.spike", "low")).toEqual(["greenChannel", "call"]);
    expect(suggestedActions("payments.overdue", "medium")).toEqual(["finance"]);
  });

  it("adds executive contact only for strategic accounts at high or critical", () => {
    expect(suggestedActions("payments.slipping", "critical", "strategic")).toContain("executive");
    expect(suggestedActions("payments.slipping", "medium", "strategic")).not.toContain("executive");
    expect(suggestedActions("payments.slipping", "critical", "ordinary")).not.toContain("executive");
  });
});
