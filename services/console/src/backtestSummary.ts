import { readFileSync, statSync } from "node:fs";
import { z } from "zod";
import type { Logger } from "@churnwatch/platform";

/**
 * The part of the replay's backtest report (`replay --labels … --report report.json`) the overview shows. Only
 * what is read is checked, so a report with more fields (a newer replay) still loads.
 */
const ratio = z.number().min(0).max(1).nullable();
const metrics = z.object({
  accounts: z.number().int().min(0),
  churners: z.number().int().min(0),
  precision: ratio,
  recall: ratio,
  leadTimeDays: z.object({ median: z.number().nullable() }),
  alertsPerAccountMonth: z.number().nullable(),
});
const reportSchema = z.object({
  period: z.object({ from: z.string(), to: z.string() }),
  overall: metrics,
  perRule: z.record(z.string(), metrics.pick({ precision: true, recall: true })),
});
export type BacktestSummary = z.infer<typeof reportSchema>;
export type BacktestRead = { ok: true; report: BacktestSummary } | { ok: false; reason: string } | undefined;

/**
 * Reads the latest backtest report (BACKTEST_REPORT_PATH) when it changes on disk, so a nightly backtest shows
 * without a restart. A missing or bad file is a reason on the page and one log line, never a failed request.
 */
export function backtestReader(path: string | undefined, logger: Logger): () => BacktestRead {
  if (!path) return () => undefined;
  let cached: { mtimeMs: number; read: BacktestRead } | undefined;
  return () => {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(path).mtimeMs;
    } catch {
      return { ok: false, reason: "no report yet" };
    }
    if (cached?.mtimeMs === mtimeMs) return cached.read;
    let read: BacktestRead;
    try {
      const parsed = reportSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
      read = parsed.success ? { ok: true, report: parsed.data } : { ok: false, reason: z.prettifyError(parsed.error).replace(/\s+/g, " ").slice(0, 300) };
    } catch (err) {
      read = { ok: false, reason: (err as Error).message.slice(0, 300) };
    }
    if (!read.ok) logger.warn({ path, reason: read.reason }, "backtest report unreadable; the overview shows why");
    cached = { mtimeMs, read };
    return read;
  };
}
