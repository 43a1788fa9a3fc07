import { describe, expect, it } from "vitest";
import type { SignalId } from "@churnwatch/contracts";
import { explainEvidence } from "./sentence.ts";

const drop = { signal: "orders.value", unit: "money", value: "120000", baseline: "410000", windowDays: 90, changePct: -70.7 } as const;

describe("explainEvidence", () => {
  it("says one sentence per signal from its numbers, in English and Chinese", () => {
    expect(explainEvidence(drop, "en", "CNY").sentence).toBe("Order value in the last 90 days: CN¥120,000.00 vs CN¥410,000.00 baseline, \u221270.7%");
    expect(explainEvidence(drop, "zh-CN", "CNY").sentence).toBe("近90天订单金额：¥120,000.00，基线 ¥410,000.00，下降70.7%");
  });

  it("says a rhythm the way a manager would, in the account's own units, in both languages", () => {
    const quiet = { signal: "orders.daysSinceLast", unit: "days", value: "65", baseline: "12", threshold: "36", changePct: 441.7 } as const;
    expect(explainEvidence(quiet, "en").sentence).toBe("No order for 65 days; this account usually orders every 12 days (an alert from 36 days).");
    expect(explainEvidence(quiet, "zh-CN").sentence).toBe("已65天没有下单；该客户通常每12天下单一次（超过36天即预警）。");
    expect(explainEvidence(quiet, "en").change).toBeUndefined(); // not "+441.7%"
  });

  it("explains the contact signals in both languages", () => {
    const silent = { signal: "contact.daysSinceLast", unit: "days", value: "41", baseline: "7", threshold: "30", changePct: 485.7 } as const;
    expect(explainEvidence(silent, "en").sentence).toBe("No contact for 41 days; this account is usually in touch every 7 days (an alert from 30 days).");
    expect(explainEvidence(silent, "zh-CN").sentence).toBe("已41天没有联系；该客户通常每7天联系一次（超过30天即预警）。");
    const calls = { signal: "contact.unanswered", unit: "count", value: "3", threshold: "3" } as const;
    expect(explainEvidence(calls, "en").sentence).toBe("Outbound contacts in a row without an answer: 3 (threshold 3)");
    expect(explainEvidence(calls, "zh-CN").sentence).toBe("连续未获回应的主动联系次数：3，阈值 3");
    const inbound = { signal: "contact.daysSinceInbound", unit: "days", value: "64" } as const;
    expect(explainEvidence(inbound, "en").sentence).toBe("Days since the account last got in touch itself: 64 days");
    expect(explainEvidence(inbound, "zh-CN").sentence).toBe("距客户最近一次主动联系的天数：64天");
  });

  it("still names a signal it does not know, with control characters made harmless", () => {
    const odd = { signal: "new.signal\r\nBcc: x@y.z" as SignalId, unit: "count", value: "3" } as const;
    expect(explainEvidence(odd, "en").sentence).toBe("new.signal Bcc: x@y.z: 3");
  });
});
