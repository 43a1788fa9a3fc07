export * from "./format.ts";
export { signalLabels } from "./labels.ts";
export { explainEvidence, type ExplainedEvidence } from "./sentence.ts";
