import { describe, expect, it } from "vitest";
import type { SignalId } from "@churnwatch/contracts";
import { explainEvidence } from "./sentence.ts";

const drop = { signal: "orders.value", unit: "money", value: "120000", baseline: "410000", windowDays: 90, changePct: -70.7 } as const;

describe("explainEvidence", () => {
  it("says one sentence per signal from its numbers, in English and Chinese", () => {
    expect(explainEvidence(drop, "en", "CNY").sentence).toBe("Order value in the last 90 days: CN¥120,000.00 vs CN¥410,000.00 baseline, \u221270.7%");
    expect(explainEvidence(drop, "zh-CN", "CNY").sentence).toBe("近90天订单金额：¥120,000.00，基线 ¥410,000.00，下降70.7%");
  });

  it("still names a signal it does not know, with control characters made harmless", () => {
    const odd = { signal: "new.signal\r\nBcc: x@y.z" as SignalId, unit: "count", value: "3" } as const;
    expect(explainEvidence(odd, "en").sentence).toBe("new.signal Bcc: x@y.z: 3");
  });
});
