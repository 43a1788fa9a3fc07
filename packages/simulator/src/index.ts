export { simulate, labelsToCsv, resolveOptions } from "./simulate.ts";
export type { SimulateOptions, Simulation, DefectorLabel, AccountTruth } from "./simulate.ts";
export { defectionPatterns, patternSpecs, scareKinds } from "./patterns.ts";
export type { DefectionPattern, Effects, PatternSpec, Scare, ScareKind } from "./patterns.ts";
export { Rng } from "./prng.ts";
export { worlds } from "./hardWorld.ts";
export type { World } from "./hardWorld.ts";
