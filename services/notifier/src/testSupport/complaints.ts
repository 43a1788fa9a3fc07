import { keepComplaintTexts } from "@churnwatch/platform";
import type { Harness } from "./harness.ts";

/** Stores complaint texts the way the signal worker does, under the harness's signal prefix. */
export async function keepComplaintTextsFor(h: Harness, accountId: string, complaints: Array<{ eventId: string; text: string }>): Promise<void> {
  await keepComplaintTexts(
    h.redis,
    h.config.signalKeyPrefix,
    complaints.map((c) => ({
      eventId: c.eventId,
      type: "complaint.opened" as const,
      accountId,
      occurredAt: new Date(h.clock.ms - 3_600_000).toISOString(),
      schemaVersion: 1 as const,
      data: { complaintId: c.eventId, severity: "high" as const, category: "delivery", text: c.text },
    })),
  );
}
