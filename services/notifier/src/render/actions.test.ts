import { describe, expect, it } from "vitest";
import { suggestedActions } from "./actions.ts";

describe("suggestedActions", () => {
  it("climbs the prevention ladder with the level", () => {
    expect(suggestedActions("purchases.decline", "medium", "partner")).toEqual(["call"]);
    expect(suggestedActions("purchases.decline", "high", "partner")).toEqual(["visit"]);
    expect(suggestedActions("complaints.spike", "low")).toEqual(["greenChannel", "call"]);
    expect(suggestedActions("payments.overdue", "medium")).toEqual(["finance"]);
  });

  it("suggests a satisfaction survey where the evidence shows the handling rated below the account's threshold", () => {
    const satisfaction = (value: string, threshold?: string) => ({ signal: "complaints.satisfaction" as const, unit: "points" as const, value, ...(threshold ? { baseline: "4.5", threshold } : {}) });
    expect(suggestedActions("complaints.spike", "medium", "partner", [satisfaction("2.1", "3")])).toEqual(["greenChannel", "call", "survey"]);
    // At 3.5 against a threshold of 3, or with no baseline to judge a fall by, no survey.
    expect(suggestedActions("complaints.spike", "medium", "partner", [satisfaction("3.5", "3")])).not.toContain("survey");
    expect(suggestedActions("complaints.spike", "medium", "partner", [satisfaction("1.5")])).not.toContain("survey");
  });

  it("adds executive contact only for strategic accounts at high or critical", () => {
    expect(suggestedActions("payments.slipping", "critical", "strategic")).toContain("executive");
    expect(suggestedActions("payments.slipping", "medium", "strategic")).not.toContain("executive");
    expect(suggestedActions("payments.slipping", "critical", "ordinary")).not.toContain("executive");
  });
});
