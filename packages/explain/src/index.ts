export * from "./format.ts";
export { signalLabels } from "./labels.ts";
export { explainEvidence, type ExplainedEvidence } from "./sentence.ts";
export { vocabulary, type Vocabulary } from "./vocabulary.ts";
export { escapeHtml, headerSafe } from "./escape.ts";
