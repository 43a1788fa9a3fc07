// The producer and the notifier must agree on job options; they live in the shared contract.
export { alertJobOptions as defaultJobOptions } from "@churnwatch/contracts";
