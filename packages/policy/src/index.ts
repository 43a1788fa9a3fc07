export { parsePolicyConfig, policyConfigSchema, PolicyConfigError } from "./config.ts";
export type { PolicyConfig, PolicyConfigInput } from "./config.ts";
export { decide, newRecord } from "./decide.ts";
export { groupByRecipient, applyBudget } from "./group.ts";
export type { BudgetLedger, EmailGroup } from "./group.ts";
export { addBusinessDays, sendAt } from "./calendar.ts";
export type * from "./types.ts";
