export * from "./events.ts";
export * from "./topics.ts";
export * from "./validate.ts";
export { fastValidator } from "./fastValidators.ts";
export * from "./alerts.ts";
export * from "./jsonSchema.ts";
export * from "./answers.ts";
