import { dirname, resolve } from "node:path";
import { z } from "zod";
import { tiers, type Tier } from "@churnwatch/contracts";
import { defaultConfig, deepFreeze, thresholdsFor, type EngineConfig, type RuleOverrides } from "./config.ts";
import { defectionModelSchema, type DefectionModel } from "./risk/model.ts";

/*
 * The declarative rules file operators edit: a version, and overrides of the defaults for everyone, per
 * tier and per account. Objects are strict, so a misspelt key is refused instead of silently ignored.
 */
const pct = z.number().min(0).max(100);
const days = z.number().int().min(1).max(3650);
const positive = z.number().positive().max(10_000);
const multipleWithFloor = z.strictObject({ multiple: positive, floor: z.number().min(0).max(10_000) });

const ruleOverrides = z.strictObject({
  "purchases.decline": z
    .strictObject({
      windowDays: days,
      baselineDays: days,
      minBaselineDays: days,
      minBaselineOrders: z.number().int().min(1).max(10_000),
      bulkCap: z.number().min(1).max(100),
      sustainDays: z.number().int().min(0).max(365),
      recentOrders: z.number().int().min(0).max(1000),
      recentMinDecline: z.number().min(-1000).max(100),
      minDeviations: z.number().min(0).max(10),
      countNoise: z.number().min(0).max(10),
      sizeDeviations: z.number().min(0).max(100),
      seasonalDecline: z.number().min(-1000).max(100),
      medium: pct,
      high: pct,
      critical: pct,
      resolve: pct,
    })
    .partial(),
  "purchases.silence": z
    .strictObject({ minOrders: z.number().int().min(2).max(10_000), minDays: days, medium: positive, high: positive, critical: positive, resolve: positive })
    .partial(),
  "purchases.narrowing": z
    .strictObject({
      recentOrders: z.number().int().min(1).max(1000),
      minRecentOrders: z.number().int().min(1).max(1000),
      baselineDays: days,
      minBaselineOrders: z.number().int().min(1).max(10_000),
      regularShare: z.number().gt(0).max(1),
      maxChance: z.number().gt(0).max(1),
      minAverageDecline: pct,
      sizeDeviations: z.number().min(0).max(100),
      medium: pct,
      high: pct,
      critical: pct,
      resolve: pct,
    })
    .partial(),
  "payments.overdue": z
    .strictObject({ minPaidInvoices: z.number().int().min(1).max(10_000), minOverdueInvoices: z.number().int().min(1).max(1000), medium: days, high: days, critical: days, resolve: z.number().int().min(0).max(3650) })
    .partial(),
  "payments.slipping": z
    .strictObject({
      windowDays: days,
      minBaselineInvoices: z.number().int().min(1).max(10_000),
      minRecentInvoices: z.number().int().min(1).max(10_000),
      medium: positive,
      high: positive,
      critical: positive,
      resolve: z.number().min(0).max(10_000),
    })
    .partial(),
  "complaints.spike": z
    .strictObject({
      windowDays: days,
      baselineDays: days,
      minBaselineDays: days,
      weights: z.strictObject({ low: positive, medium: positive, high: positive, critical: positive }),
      minComplaints: z.number().int().min(1).max(10_000),
      medium: multipleWithFloor,
      high: multipleWithFloor,
      scoreCeiling: multipleWithFloor,
      resolve: multipleWithFloor,
      criticalUnresolvedDays: days,
      minRepeats: z.number().int().min(0).max(10_000),
      minUnresolved: z.number().int().min(1).max(10_000),
      unresolvedAfterDays: z.number().min(0).max(3650),
      satisfactionDays: days,
      satisfactionDrop: z.number().min(0).max(4),
    })
    .partial(),
  "contact.silence": z
    .strictObject({
      minInteractions: z.number().int().min(1).max(12),
      routineDays: days,
      medium: positive,
      high: positive,
      critical: positive,
      resolve: positive,
      unansweredMedium: z.number().int().min(1).max(12),
      unansweredHigh: z.number().int().min(1).max(12),
      unansweredCritical: z.number().int().min(1).max(12),
    })
    .partial(),
}).partial();

export const engineConfigFileSchema = z.strictObject({
  version: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "a short version label such as 2026-11-25.3"),
  retentionDays: days.optional(),
  maxEventIds: z.number().int().min(1).max(1000).optional(),
  lifecycle: z.strictObject({ pendingDays: z.number().min(0).max(365), keepFiringDays: z.number().min(0).max(365) }).optional(),
  rules: ruleOverrides.optional(),
  tiers: z.strictObject({ strategic: ruleOverrides, partner: ruleOverrides, ordinary: ruleOverrides }).partial().optional(),
  accounts: z.record(z.string().min(1).max(200), ruleOverrides).optional(),
  /**
   * The defection model file (the fit command's output), relative to this file; the built-in model without it.
   * Its levels are the account score's.
   */
  model: z.string().min(1).max(1_000).optional(),
});
export type EngineConfigFile = z.infer<typeof engineConfigFileSchema>;

export type ParsedConfig = { ok: true; config: EngineConfig } | { ok: false; errors: string[] };

/**
 * Parses a rules file (JSON text) over the defaults. Never throws: every problem is a line in `errors`.
 * `readModel` returns the text of the model file the rules name (the caller resolves the path: this stays pure).
 */
export function parseEngineConfig(text: string, readModel?: (path: string) => string): ParsedConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`not valid JSON: ${(err as Error).message}`] };
  }
  const parsed = engineConfigFileSchema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`) };
  }
  const file = parsed.data;
  let model = defaultConfig.model;
  if (file.model !== undefined) {
    const loaded = loadModel(file.model, readModel);
    if (!loaded.ok) return { ok: false, errors: loaded.errors };
    model = loaded.model;
  }
  const config = deepFreeze<EngineConfig>({
    model,
    version: file.version,
    retentionDays: file.retentionDays ?? defaultConfig.retentionDays,
    maxEventIds: file.maxEventIds ?? defaultConfig.maxEventIds,
    rules: merge(defaultConfig.rules, file.rules),
    tiers: mergeTiers(defaultConfig.tiers, file.tiers),
    accounts: (file.accounts ?? {}) as Record<string, RuleOverrides>,
    ...(file.lifecycle ? { lifecycle: file.lifecycle } : {}),
  });
  const errors = checkOrdering(config);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config };
}

function merge(base: EngineConfig["rules"], over: RuleOverrides | undefined): EngineConfig["rules"] {
  const o = (over ?? {}) as RuleOverrides;
  return {
    "purchases.decline": { ...base["purchases.decline"], ...o["purchases.decline"] },
    "purchases.silence": { ...base["purchases.silence"], ...o["purchases.silence"] },
    "purchases.narrowing": { ...base["purchases.narrowing"], ...o["purchases.narrowing"] },
    "payments.overdue": { ...base["payments.overdue"], ...o["payments.overdue"] },
    "payments.slipping": { ...base["payments.slipping"], ...o["payments.slipping"] },
    "complaints.spike": { ...base["complaints.spike"], ...o["complaints.spike"] },
    "contact.silence": { ...base["contact.silence"], ...o["contact.silence"] },
  };
}

/** A tier's file overrides extend the default tier overrides rule by rule (strategic keeps warning earlier). */
function mergeTiers(base: EngineConfig["tiers"], over: EngineConfigFile["tiers"]): EngineConfig["tiers"] {
  const out: EngineConfig["tiers"] = {};
  for (const tier of tiers) {
    const b = (base[tier] ?? {}) as RuleOverrides;
    const o = (over?.[tier] ?? {}) as RuleOverrides;
    const merged: RuleOverrides = { ...b };
    for (const rule of Object.keys(o) as (keyof RuleOverrides)[]) merged[rule] = { ...b[rule], ...o[rule] } as never;
    if (Object.keys(merged).length > 0) out[tier] = merged;
  }
  return out;
}

/** Levels must climb and the resolve band must sit below the fire threshold, for every tier and account. */
function checkOrdering(config: EngineConfig): string[] {
  const errors: string[] = [];
  const scopes: Array<[string, Tier | undefined, string | undefined]> = [
    ["rules", undefined, undefined],
    ...tiers.map((t): [string, Tier, undefined] => [`tiers.${t}`, t, undefined]),
    ...Object.keys(config.accounts ?? {}).flatMap((id) => tiers.map((t): [string, Tier, string] => [`accounts.${id} (as ${t})`, t, id])),
  ];
  for (const [where, tier, accountId] of scopes) {
    const r = thresholdsFor(config, tier, accountId);
    for (const rule of ["purchases.decline", "purchases.silence", "purchases.narrowing", "payments.overdue", "payments.slipping", "contact.silence"] as const) {
      const { medium, high, critical, resolve } = r[rule];
      if (!(medium <= high && high <= critical)) errors.push(`${where}: ${rule} needs medium ≤ high ≤ critical (got ${medium}, ${high}, ${critical})`);
      if (!(resolve < medium)) errors.push(`${where}: ${rule} resolve (${resolve}) must be below medium (${medium}) for hysteresis`);
    }
    const n = r["purchases.narrowing"];
    if (!(n.minRecentOrders <= n.recentOrders)) {
      errors.push(`${where}: purchases.narrowing minRecentOrders (${n.minRecentOrders}) must not exceed recentOrders (${n.recentOrders})`);
    }
    const u = r["contact.silence"];
    if (!(u.unansweredMedium <= u.unansweredHigh && u.unansweredHigh <= u.unansweredCritical)) {
      errors.push(`${where}: contact.silence needs unansweredMedium ≤ unansweredHigh ≤ unansweredCritical (got ${u.unansweredMedium}, ${u.unansweredHigh}, ${u.unansweredCritical})`);
    }
    const c = r["complaints.spike"];
    if (!(c.resolve.floor < c.medium.floor && c.resolve.multiple < c.medium.multiple)) {
      errors.push(`${where}: complaints.spike resolve must be below medium (multiple and floor)`);
    }
  }
  return [...new Set(errors)];
}

/** A model file's text, checked against the model's schema: each problem a line naming the file. */
export function parseDefectionModel(text: string, where = "model"): { ok: true; model: DefectionModel } | { ok: false; errors: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`${where}: not valid JSON: ${(err as Error).message}`] };
  }
  const parsed = defectionModelSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => `${where}: ${i.path.join(".") || "(file)"}: ${i.message}`) };
  return { ok: true, model: deepFreeze(parsed.data) };
}

function loadModel(path: string, readModel: ((path: string) => string) | undefined): { ok: true; model: DefectionModel } | { ok: false; errors: string[] } {
  if (!readModel) return { ok: false, errors: [`model: ${JSON.stringify(path)} is named, but this reader cannot open model files`] };
  let text: string;
  try {
    text = readModel(path);
  } catch (err) {
    return { ok: false, errors: [`model: cannot read ${JSON.stringify(path)}: ${(err as Error).message}`] };
  }
  return parseDefectionModel(text, `model ${path}`);
}

/**
 * A rules file at `path`, with the model file it names resolved beside it. The reading is the caller's
 * (`readText`, e.g. readFileSync as UTF-8), so the engine stays free of I/O; an unreadable file is an error line.
 */
export function readEngineConfig(path: string, readText: (path: string) => string): ParsedConfig {
  let text: string;
  try {
    text = readText(path);
  } catch (err) {
    return { ok: false, errors: [`cannot read ${path}: ${(err as Error).message}`] };
  }
  return parseEngineConfig(text, (model) => readText(resolve(dirname(path), model)));
}
