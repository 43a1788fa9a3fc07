export { record, step, type EngineInput } from "./engine.ts";
export { buildView, type View } from "./view.ts";
export { nextWakeMs } from "./wake.ts";
export { collectNotifications, resolvedNotification } from "./notifications.ts";
export { applyEvent } from "./apply.ts";
export {
  emptyState,
  accountCurrency,
  findComplaint,
  findInvoice,
  findOrder,
  type AccountState,
  type AlertChange,
  type AlertRecord,
  type ComplaintRecord,
  type InvoiceRecord,
  type OrderRecord,
  type PaymentRecord,
} from "./state.ts";
export {
  defaultConfig,
  thresholdsFor,
  type ComplaintThresholds,
  type DeclineThresholds,
  type EngineConfig,
  type MultipleWithFloor,
  type OverdueThresholds,
  type RuleOverrides,
  type RuleThresholds,
  type SilenceThresholds,
  type SlippingThresholds,
} from "./config.ts";
export { addMoney, formatMoney, parseAmount, MICROS_PER_UNIT } from "./money.ts";
export { exchangeRatesSchema, toReportingMicros, type ExchangeRates } from "./exchangeRates.ts";
export { scoreFor, type Bands } from "./score.ts";
export { parseEngineConfig, parseDefectionModel, readEngineConfig, engineConfigFileSchema, type EngineConfigFile, type ParsedConfig } from "./configFile.ts";
export { accountRiskAt, purchaseRisk, type AccountRisk } from "./risk/account.ts";
export { purchaseFeatures, VOLUME_DAYS, type PurchaseFeatures } from "./risk/features.ts";
export { defectionModelSchema, defectionRisk, inputNames, levelOfScore, type DefectionModel, type DefectionRisk, type InputName } from "./risk/model.ts";
export { DEFAULT_INPUTS, fitDefectionModel, populationParts, selectInputs, type FitOptions, type TrainingExample } from "./risk/fit.ts";
export { fitLogistic } from "./risk/logistic.ts";
export { defaultModel } from "./risk/defaultModel.ts";
export {
  accountRisk,
  accountValue,
  classifyAccounts,
  defaultClassOptions,
  rankByRevenueAtRisk,
  type AbcClass,
  type AccountValue,
  type ClassifiedAccount,
  type ClassOptions,
} from "./value.ts";
export {
  rankSnapshot,
  snapshotEntries,
  snapshotOf,
  takeSnapshot,
  takeSnapshotEntries,
  type SnapshotEntry,
  type Snapshot,
  type SnapshotAccount,
  type SnapshotAlert,
} from "./snapshot.ts";
export {
  bgNbdLogLikelihood,
  expectedPurchases,
  expectedPurchasesUnconditional,
  pAlive,
  probNoPurchase,
  type BgNbdParams,
  type BuyerSummary,
} from "./model/bgnbd.ts";
export { fitBgNbd, type BgNbdFit, type FitBgNbdOptions } from "./model/fit.ts";
export { buyingDays, summarizeOccasions } from "./model/occasions.ts";
export { rocAuc } from "./model/auc.ts";
export { seededRandom, simulateBuyer, type SimulatedBuyer } from "./model/simulate.ts";
