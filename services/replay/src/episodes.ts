import { levelRank, type Evidence, type Level, type Locale, type RuleId, type Tier, type Unit } from "@churnwatch/contracts";
import type { AlertChange, AlertRecord } from "@churnwatch/engine";
import { explainEvidence } from "@churnwatch/explain";

export interface SignalLine {
  signal: Evidence["signal"];
  value: string;
  baseline: string | null;
  threshold: string | null;
  unit: Unit;
  changePct: number | null;
  sentence: string;
}

/** One alert from firing to resolution, as the replay writes it (one NDJSON line). */
export interface Episode {
  alertId: string;
  accountId: string;
  rule: RuleId;
  /** The highest level reached during the episode. */
  level: Level;
  /** The highest score reached. */
  score: number;
  firedAt: string;
  resolvedAt: string | null;
  tier: Tier | null;
  explanation: {
    rule: RuleId;
    configVersion: string;
    signals: SignalLine[];
    eventIds: string[];
  };
}

/** Episodes by firedAt, then alertId: a total order (an alert id names its account), so merged lists sort the same. */
export function byFiredAt(a: Episode, b: Episode): number {
  return Date.parse(a.firedAt) - Date.parse(b.firedAt) || (a.alertId < b.alertId ? -1 : a.alertId > b.alertId ? 1 : 0);
}

/**
 * Folds the engine's AlertChange stream into episodes. The explanation is taken at the episode's peak
 * (first time its highest score was reached): the moment that best shows why it mattered.
 */
export class EpisodeTracker {
  // Episodes in the making keep the alert at their peak (records are immutable) rather than its explanation.
  private readonly open = new Map<string, Omit<Episode, "explanation"> & { peak: AlertRecord }>();
  private readonly done: Array<Omit<Episode, "explanation"> & { peak: AlertRecord }> = [];

  constructor(
    private readonly configVersion: string,
    private readonly locale: Locale,
  ) {}

  apply(change: AlertChange, accountId: string, tier: Tier | undefined): void {
    const { alert } = change;
    const current = this.open.get(alert.alertId);
    if (!current) {
      // A resolve or update for an episode we never saw fire cannot happen in a replay from empty state.
      if (change.type !== "fired") return;
      this.open.set(alert.alertId, {
        alertId: alert.alertId,
        accountId,
        rule: alert.rule,
        level: alert.level,
        score: alert.score,
        firedAt: alert.firedAt,
        resolvedAt: null,
        tier: tier ?? null,
        peak: alert,
      });
      return;
    }
    if (levelRank[alert.level] > levelRank[current.level]) current.level = alert.level;
    if (alert.score > current.score) {
      current.score = alert.score;
      current.peak = alert;
    }
    if (current.tier === null && tier !== undefined) current.tier = tier;
    if (change.type === "resolved") {
      current.resolvedAt = change.at;
      this.open.delete(alert.alertId);
      this.done.push(current);
    }
  }

  /** Every episode, resolved or still firing, ordered by firedAt then alertId. */
  episodes(): Episode[] {
    // Explained once, at the end: a peak is often passed again the next day (silence grows daily).
    const all = [...this.done, ...this.open.values()].map(({ peak, ...episode }): Episode => ({ ...episode, explanation: this.explain(peak) }));
    return all.sort(byFiredAt);
  }

  private explain(alert: AlertRecord): Episode["explanation"] {
    return {
      rule: alert.rule,
      configVersion: this.configVersion,
      signals: alert.evidence.map((e) => ({
        signal: e.signal,
        value: e.value,
        baseline: e.baseline ?? null,
        threshold: e.threshold ?? null,
        unit: e.unit,
        changePct: e.changePct ?? null,
        sentence: explainEvidence(e, this.locale).sentence,
      })),
      eventIds: [...alert.eventIds],
    };
  }
}
