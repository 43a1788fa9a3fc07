/**
 * An account's hidden parameters, drawn once from the seed and the account's index: the same
 * account looks the same whatever the total number of accounts, so runs can be sharded.
 */
import type { AccountProfile, Tier } from "@churnwatch/contracts";
import { Rng } from "./prng.ts";
import { companyName, managers, owners, productCategories, regions, tierWeights, type Person } from "./pools.ts";
import { defectionPatterns, patternSpecs, scareKinds, type DefectionPattern, type Scare } from "./patterns.ts";
import { DAY, officeHours, toSecond } from "./time.ts";
import { hardTraits, standardTraits, type World, type WorldTraits } from "./hardWorld.ts";

export interface PlanContext {
  seed: string;
  idPrefix: string;
  startMs: number;
  endMs: number;
  defectorShare: number;
  /** "hard": the traits of `hardWorld.ts` on top of the standard draws (default "standard"). */
  world: World;
}

export interface Defection {
  pattern: DefectionPattern;
  driftStartMs: number;
  /** the last instant an order may be placed: churnMs, or earlier for a pattern with quiet days */
  ordersStopMs: number;
  churnMs: number;
}

export interface AccountPlan extends WorldTraits {
  index: number;
  accountId: string;
  profile: AccountProfile;
  springFestival: boolean;
  upsertMs: number;
  ownerChange?: { atMs: number; owner: Person };
  /** typical days between orders */
  gapDays: number;
  /** median order amount in the account's currency */
  sizeMedian: number;
  sizeSigma: number;
  bulkChance: number;
  marginMean: number;
  categories: string[];
  seasonAmp: number;
  seasonPhase: number;
  q4Boost: number;
  springDip: number;
  trendPerYear: number;
  termsDays: 30 | 60;
  latenessMean: number;
  latenessSd: number;
  partialChance: number;
  complaintsPerMonth: number;
  cancelChance: number;
  defection?: Defection;
  scares: Scare[];
}

const tierShape: Record<Tier, { gap: [number, number]; median: number; complaints: number }> = {
  strategic: { gap: [5, 12], median: 180_000, complaints: 1.5 },
  partner: { gap: [7, 20], median: 60_000, complaints: 1 },
  ordinary: { gap: [10, 25], median: 18_000, complaints: 0.8 },
};
const perCny: Record<string, number> = { CNY: 1, USD: 1 / 7.2, EUR: 1 / 7.8 };

export function accountId(ctx: Pick<PlanContext, "idPrefix">, index: number): string {
  return `${ctx.idPrefix}-${String(index).padStart(5, "0")}`;
}

/**
 * Defectors are stratified in blocks of 50 consecutive indexes: each block holds very nearly
 * `defectorShare` of them at shuffled positions, with the patterns dealt out in turn, so small runs
 * still see every pattern and shards of a run add up to the whole.
 */
const BLOCK = 50;
const blockSlots = Array.from({ length: BLOCK }, (_, i) => i);
function defectorPattern(ctx: PlanContext, index: number): DefectionPattern | undefined {
  const rng = Rng.derive(ctx.seed, "defectors", Math.floor(index / BLOCK));
  const quota = Math.floor(ctx.defectorShare * BLOCK + rng.next());
  const rank = rng.sample(blockSlots, BLOCK).indexOf(index % BLOCK);
  if (rank >= quota) return undefined;
  const offset = rng.int(0, defectionPatterns.length - 1);
  return defectionPatterns[(rank + offset) % defectionPatterns.length];
}
function planDefection(rng: Rng, ctx: PlanContext, pattern: DefectionPattern): Defection {
  const spec = patternSpecs[pattern];
  // Very short histories push churn forward rather than before the first order.
  const churnMs = toSecond(Math.max(ctx.endMs + rng.float(...spec.churnOffsetDays) * DAY, ctx.startMs + 60 * DAY));
  // A defection needs a baseline before it; short histories get a shorter drift.
  const earliest = ctx.startMs + 90 * DAY;
  const ordersStopMs = spec.quietDays ? toSecond(Math.max(earliest + 14 * DAY, churnMs - rng.float(...spec.quietDays) * DAY)) : churnMs;
  const driftStartMs = toSecond(Math.max(earliest, ordersStopMs - rng.float(...spec.driftDays) * DAY));
  return { pattern, driftStartMs: Math.min(driftStartMs, ordersStopMs - 14 * DAY), ordersStopMs, churnMs };
}

function planScares(rng: Rng, ctx: PlanContext): Scare[] {
  const scares: Scare[] = [];
  for (const kind of scareKinds) {
    if (!rng.chance(0.4)) continue;
    // A third land near `end`, where a detector is judged.
    const from = rng.chance(0.33) ? ctx.endMs - 120 * DAY : ctx.startMs + 90 * DAY;
    scares.push({ kind, atMs: toSecond(rng.float(Math.max(from, ctx.startMs), ctx.endMs + 90 * DAY)) });
  }
  return scares.sort((a, b) => a.atMs - b.atMs);
}

function payerHabit(rng: Rng): { latenessMean: number; latenessSd: number } {
  const habit = rng.weighted([["early", 0.25], ["punctual", 0.45], ["late", 0.3]] as const);
  if (habit === "early") return { latenessMean: rng.float(-6, -2), latenessSd: rng.float(1, 2.5) };
  if (habit === "punctual") return { latenessMean: rng.float(-1, 2), latenessSd: rng.float(1.5, 3) };
  return { latenessMean: rng.float(5, 10), latenessSd: rng.float(2, 4) };
}

export function planAccount(ctx: PlanContext, index: number): AccountPlan {
  const rng = Rng.derive(ctx.seed, "plan", index);
  const region = rng.weighted(regions.map((r) => [r, r.weight] as const));
  const timezone = rng.pick(region.timezones);
  const tier = rng.weighted(tierWeights);
  const shape = tierShape[tier];
  const ownerPool = owners.filter((o) => o.locale === region.locale);
  const owner = rng.pick(ownerPool);
  const hasManager = tier !== "ordinary" || rng.chance(0.3);
  const profile: AccountProfile = {
    name: companyName(rng, region),
    tier,
    owner: { name: owner.name, email: owner.email },
    ...(hasManager ? { manager: rng.pick(managers) } : {}),
    region: region.name,
    timezone,
    currency: region.currency,
    locale: region.locale,
  };

  const pattern = defectorPattern(ctx, index);
  const defection = pattern === undefined ? undefined : planDefection(rng, ctx, pattern);
  const categoryCount = pattern === "narrowing-categories" ? rng.int(4, 6) : rng.int(2, 6);
  const upsertMs = toSecond(officeHours(ctx.startMs + rng.float(1, 2) * DAY, timezone, rng)); // never before start

  // Losing the account manager is a classic cause; healthy accounts change owners too.
  const changeOwner = defection ? rng.chance(0.35) : rng.chance(0.1);
  const changeAt = defection
    ? defection.driftStartMs - rng.float(0, 45) * DAY
    : rng.float(ctx.startMs + 30 * DAY, ctx.endMs + 60 * DAY);
  const nextOwner = rng.pick(ownerPool.filter((o) => o.email !== owner.email));
  const ownerChange =
    changeOwner && changeAt > upsertMs + DAY
      ? { atMs: toSecond(officeHours(changeAt, timezone, rng)), owner: { name: nextOwner.name, email: nextOwner.email } }
      : undefined;

  const squeezer = rng.chance(0.05); // 扒皮大户: big volume at almost no margin
  const standard: Omit<AccountPlan, keyof WorldTraits> = {
    index,
    accountId: accountId(ctx, index),
    profile,
    springFestival: region.springFestival,
    upsertMs,
    ...(ownerChange ? { ownerChange } : {}),
    gapDays: rng.float(...shape.gap),
    sizeMedian: shape.median * (perCny[region.currency] ?? 1) * rng.lognormal(1, 0.5),
    sizeSigma: rng.float(0.2, 0.35),
    bulkChance: rng.float(0.01, 0.04),
    marginMean: squeezer ? rng.float(0, 0.05) : rng.float(0.12, 0.35),
    categories: rng.sample(productCategories, categoryCount),
    seasonAmp: rng.float(0, 0.12),
    seasonPhase: rng.float(0, 2 * Math.PI),
    q4Boost: rng.chance(0.4) ? rng.float(0.1, 0.3) : 0,
    springDip: region.springFestival ? rng.float(0.2, 0.35) : 0,
    trendPerYear: rng.float(-0.06, 0.15),
    termsDays: rng.chance(tier === "strategic" ? 0.7 : 0.3) ? 60 : 30,
    ...payerHabit(rng),
    partialChance: rng.float(0.03, 0.08),
    complaintsPerMonth: rng.float(0.1, 0.6) * shape.complaints,
    cancelChance: rng.float(0.01, 0.03),
    ...(defection ? { defection } : {}),
    scares: defection ? [] : planScares(rng, ctx),
  };
  // The hard world draws from a stream of its own, so the standard world's accounts stay byte for byte.
  return ctx.world === "hard" ? { ...standard, ...hardTraits(Rng.derive(ctx.seed, "hard", index), standard) } : { ...standard, ...standardTraits };
}
