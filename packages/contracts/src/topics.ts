import type { EventType } from "./events.ts";

/** Logical topics; their real names come from configuration (see each service's env.ts). */
export type TopicRole = "accounts" | "orders" | "payments" | "complaints" | "interactions";

export const topicRoleOf: Record<EventType, TopicRole> = {
  "account.upserted": "accounts",
  "order.placed": "orders",
  "order.cancelled": "orders",
  "invoice.issued": "payments",
  "payment.received": "payments",
  "complaint.opened": "complaints",
  "complaint.resolved": "complaints",
  // Its own topic: the CRM that logs contacts is rarely the system that sends orders, payments or complaints.
  "interaction.logged": "interactions",
};

export const defaultTopicNames = {
  accounts: "accounts",
  orders: "orders",
  payments: "payments",
  complaints: "complaints",
  interactions: "interactions",
  deadLetter: "churnwatch.dead-letter",
  alertHistory: "churnwatch.alert-history",
  /** Compacted: each account's latest engine state, written by the signal worker; rebuilds Redis after a loss. */
  accountState: "churnwatch.account-state",
  /** Compacted: each account's alert inbox (delivery state), written by the notifier; rebuilds Redis too. */
  alertInbox: "churnwatch.alert-inbox",
  /** Kept forever: what people answer and note in the console (answers.ts), keyed by account. */
  consoleAnswers: "churnwatch.console-answers",
} as const;

/**
 * The console-answers topic's partitions: the console writes it and the notifier reads it, and whichever
 * starts first creates it, so both take the count from here.
 */
export const CONSOLE_ANSWERS_PARTITIONS = 3;
