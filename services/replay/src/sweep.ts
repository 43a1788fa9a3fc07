import type { Tier } from "@churnwatch/contracts";
import type { EngineConfig, RuleOverrides, RuleThresholds } from "@churnwatch/engine";

/** One sweep point: the overrides applied to the default thresholds, by a short readable name. */
export interface SweepPoint {
  name: string;
  declineMedium: number;
  declineMinDeviations: number;
  complaintsMediumFloor: number;
  overdueMedium: number;
  /** Whether a complaint spike below the high band needs a sign of a real problem (false: every spike counts). */
  complaintsSigns: boolean;
}

export interface SweepRow extends SweepPoint {
  precision: number | null;
  recall: number | null;
  medianLeadDays: number | null;
  alertsPerAccountMonth: number | null;
  /** Not beaten on precision, recall and median lead time at once by any other point. */
  frontier: boolean;
}

/**
 * The grid: a 3×3 over purchases.decline (medium %, minDeviations), then one axis at a time for the
 * complaint spike's medium floor, the overdue medium days and the complaint signs switched off, every other
 * value at its default.
 */
export function sweepPoints(config: EngineConfig): SweepPoint[] {
  const r = config.rules;
  const base: SweepPoint = {
    name: "",
    declineMedium: r["purchases.decline"].medium,
    declineMinDeviations: r["purchases.decline"].minDeviations,
    complaintsMediumFloor: r["complaints.spike"].medium.floor,
    overdueMedium: r["payments.overdue"].medium,
    complaintsSigns: r["complaints.spike"].minRepeats > 0,
  };
  const points: SweepPoint[] = [];
  for (const declineMedium of [40, 50, 60]) {
    for (const declineMinDeviations of [1.5, 2, 2.5]) points.push({ ...base, declineMedium, declineMinDeviations });
  }
  for (const complaintsMediumFloor of [10, 18]) points.push({ ...base, complaintsMediumFloor });
  for (const overdueMedium of [20, 45]) points.push({ ...base, overdueMedium });
  if (base.complaintsSigns) points.push({ ...base, complaintsSigns: false });
  return points.map((p) => ({ ...p, name: describe(p, base) }));
}

function describe(p: SweepPoint, base: SweepPoint): string {
  const parts: string[] = [];
  if (p.declineMedium !== base.declineMedium) parts.push(`decline.medium=${p.declineMedium}`);
  if (p.declineMinDeviations !== base.declineMinDeviations) parts.push(`decline.minDeviations=${p.declineMinDeviations}`);
  if (p.complaintsMediumFloor !== base.complaintsMediumFloor) parts.push(`complaints.medium.floor=${p.complaintsMediumFloor}`);
  if (p.overdueMedium !== base.overdueMedium) parts.push(`overdue.medium=${p.overdueMedium}`);
  if (p.complaintsSigns !== base.complaintsSigns) parts.push(`complaints.signs=${p.complaintsSigns ? "on" : "off"}`);
  return parts.length === 0 ? "default" : parts.join(" ");
}

/**
 * A new config for a point. The default is deep-frozen (thresholds are memoised per config object), so
 * everything changed is a fresh object. Tier overrides move by the same delta as the base value, so
 * strategic accounts keep warning earlier than the rest.
 */
export function configFor(config: EngineConfig, p: SweepPoint): EngineConfig {
  const r = config.rules;
  const dDecline = p.declineMedium - r["purchases.decline"].medium;
  const dFloor = p.complaintsMediumFloor - r["complaints.spike"].medium.floor;
  const dOverdue = p.overdueMedium - r["payments.overdue"].medium;
  const rules: RuleThresholds = {
    ...r,
    "purchases.decline": { ...r["purchases.decline"], medium: p.declineMedium, minDeviations: p.declineMinDeviations },
    "complaints.spike": {
      ...r["complaints.spike"],
      medium: { ...r["complaints.spike"].medium, floor: p.complaintsMediumFloor },
      // minRepeats 0 counts every spike as shown (the signs off); otherwise the configured value stays.
      ...(p.complaintsSigns ? {} : { minRepeats: 0 }),
    },
    "payments.overdue": { ...r["payments.overdue"], medium: p.overdueMedium },
  };
  const tiers: EngineConfig["tiers"] = {};
  for (const [tier, o] of Object.entries(config.tiers) as Array<[Tier, RuleOverrides]>) {
    const next: RuleOverrides = { ...o };
    const decline = o["purchases.decline"];
    if (decline?.medium !== undefined) next["purchases.decline"] = { ...decline, medium: decline.medium + dDecline };
    const spike = o["complaints.spike"];
    if (spike?.medium !== undefined) next["complaints.spike"] = { ...spike, medium: { ...spike.medium, floor: spike.medium.floor + dFloor } };
    const overdue = o["payments.overdue"];
    if (overdue?.medium !== undefined) next["payments.overdue"] = { ...overdue, medium: overdue.medium + dOverdue };
    tiers[tier] = next;
  }
  return { ...config, version: `${config.version}+sweep(${p.name})`, rules, tiers };
}

/** Marks the Pareto frontier over (precision, recall, median lead time), all higher-is-better. */
export function markFrontier(rows: Array<Omit<SweepRow, "frontier">>): SweepRow[] {
  const v = (x: number | null) => x ?? -Infinity;
  return rows.map((a) => ({
    ...a,
    frontier: !rows.some(
      (b) =>
        b !== a &&
        v(b.precision) >= v(a.precision) &&
        v(b.recall) >= v(a.recall) &&
        v(b.medianLeadDays) >= v(a.medianLeadDays) &&
        (v(b.precision) > v(a.precision) || v(b.recall) > v(a.recall) || v(b.medianLeadDays) > v(a.medianLeadDays)),
    ),
  }));
}

export function sweepTable(rows: readonly SweepRow[]): string {
  const pct = (x: number | null) => (x === null ? "   -  " : `${(x * 100).toFixed(1).padStart(5)}%`);
  const num = (x: number | null, w: number) => (x === null ? "-".padStart(w) : x.toFixed(1).padStart(w));
  const width = Math.max(10, ...rows.map((r) => r.name.length));
  const head = `${"point".padEnd(width)}  precision  recall  median lead d  alerts/acct-mo  frontier`;
  const lines = rows.map(
    (r) =>
      `${r.name.padEnd(width)}  ${pct(r.precision).padStart(9)}  ${pct(r.recall).padStart(6)}  ${num(r.medianLeadDays, 13)}  ` +
      `${(r.alertsPerAccountMonth === null ? "-" : r.alertsPerAccountMonth.toFixed(3)).padStart(14)}  ${r.frontier ? "*" : ""}`,
  );
  return [head, ...lines].join("\n") + "\n";
}

/** What a replay with one point's config scores. */
export type SweepScore = Omit<SweepRow, keyof SweepPoint | "frontier">;

/** Scores every config, in order: one after another, or on worker threads (parallelSweep.ts). */
export type SweepScorer = (configs: readonly EngineConfig[]) => Promise<SweepScore[]>;

/** Builds the points' configs, has them scored, and marks the frontier. */
export async function runSweep(base: EngineConfig, score: SweepScorer): Promise<SweepRow[]> {
  const points = sweepPoints(base);
  const scores = await score(points.map((p) => configFor(base, p)));
  return markFrontier(points.map((point, i) => ({ ...point, ...(scores[i] as SweepScore) })));
}
