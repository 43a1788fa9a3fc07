/**
 * The Redis keys a rebuild restores and a canonical dump compares: the durable state of the signal worker
 * (services/signal-worker/src/redisSignalStore.ts) and of the notifier's alert lifecycle
 * (services/notifier/src/lifecycle/redisInbox.ts). Queues, dedupe markers, locks, outboxes and budgets are
 * working state, not kept: see docs/operations.md for what a Redis loss costs.
 */
export function durableKeys(signalPrefix: string, notifierPrefix: string) {
  return {
    account: (accountId: string) => `${signalPrefix}account:${accountId}`,
    accounts: `${signalPrefix}accounts`,
    history: (accountId: string) => `${signalPrefix}history:${accountId}`,
    complaintTexts: (accountId: string) => `${signalPrefix}complaint-text:${accountId}`,
    inbox: (accountId: string) => `${notifierPrefix}inbox:${accountId}`,
    inboxAccounts: `${notifierPrefix}inbox-accounts`,
    inboxActive: `${notifierPrefix}inbox-active`,
    /** SCAN patterns covering every key above. */
    patterns: [
      `${signalPrefix}account:*`,
      `${signalPrefix}accounts`,
      `${signalPrefix}history:*`,
      `${signalPrefix}complaint-text:*`,
      `${notifierPrefix}inbox:*`,
      `${notifierPrefix}inbox-accounts`,
      `${notifierPrefix}inbox-active`,
    ],
  };
}

/** History per account is capped like the live relay caps it (packages/platform/src/historyRelay.ts). */
export const HISTORY_KEPT_PER_ACCOUNT = 1_000;
