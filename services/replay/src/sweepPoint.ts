import type { ChurnEvent, Locale } from "@churnwatch/contracts";
import type { EngineConfig } from "@churnwatch/engine";
import type { Label } from "./labels.ts";
import { replay, type ReplayProgress } from "./replayer.ts";
import { metrics } from "./report.ts";
import type { SweepScore } from "./sweep.ts";

/** What every sweep point is scored against: the same replay settings, truth and period as the main run. */
export interface PointContext {
  tickMs: number;
  locale: Locale;
  labels: readonly Label[];
  periodEndMs: number;
  lookbackMs: number;
}

/** Replays the events with one point's config and scores the alerts. Pure but for the replay's own progress. */
export async function scorePoint(
  events: readonly ChurnEvent[],
  config: EngineConfig,
  ctx: PointContext,
  onProgress?: (p: ReplayProgress) => void,
): Promise<SweepScore> {
  const r = await replay(events, { config, tickMs: ctx.tickMs, locale: ctx.locale, ...(onProgress ? { onProgress } : {}) });
  const labels = new Map(ctx.labels.map((l) => [l.accountId, l]));
  const m = metrics(r.accounts, r.episodes, { labels, periodEndMs: ctx.periodEndMs, lookbackMs: ctx.lookbackMs });
  return { precision: m.precision, recall: m.recall, medianLeadDays: m.leadTimeDays.median, alertsPerAccountMonth: m.alertsPerAccountMonth };
}
