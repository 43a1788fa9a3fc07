/**
 * The signal worker's Redis key names: the one place their layout is written. The commit script receives the
 * names it touches as KEYS, the ops tools and benches parse them with the helpers below, so a change of
 * layout is made here only.
 */

/**
 * An account id inside a key name, with `%` and `:` escaped: a dedupe key then names exactly one (account,
 * event) pair. Unescaped, account `a:b` with event `c` and account `a` with event `b:c` would share a key, and
 * the second event would be dropped as a duplicate.
 */
export const accountKeyPart = (accountId: string): string => accountId.replace(/%/g, "%25").replace(/:/g, "%3A");

const SEEN_BY_ACCOUNT = "seen-by:";
const LEGACY_SEEN = "seen:";

export function keyspace(prefix: string) {
  return {
    account: (accountId: string) => `${prefix}account:${accountId}`,
    /**
     * An event applied to an account (expires after SEEN_TTL_DAYS). Per account: producers only promise an
     * eventId unique for its account, and a global marker dropped the same id on a second account. A new
     * name (`seen-by:`, not `seen:`), so no marker of the old layout can ever be read as one of this layout.
     */
    seen: (accountId: string, eventId: string) => `${prefix}${SEEN_BY_ACCOUNT}${accountKeyPart(accountId)}:${eventId}`,
    /**
     * The old global marker of an event, for any account (until issue 15). Only read, during the transition
     * (SEEN_LEGACY_KEYS), so an event applied before the upgrade and delivered again after it stays a
     * duplicate; these keys expire on their own within SEEN_TTL_DAYS of the upgrade.
     */
    legacySeen: (eventId: string) => `${prefix}${LEGACY_SEEN}${eventId}`,
    /** Every dedupe marker's name starts with one of these (tools that count or delete them). */
    seenPrefixes: [`${prefix}${SEEN_BY_ACCOUNT}`, `${prefix}${LEGACY_SEEN}`] as const,
    outbox: `${prefix}outbox`,
    historyOutbox: `${prefix}history-outbox`,
    history: (accountId: string) => `${prefix}history:${accountId}`,
    accountIndex: `${prefix}accounts`,
    /** When a sweep must next tick each account (epoch ms); absent: only a full sweep or an event will. */
    wake: `${prefix}wake`,
    /** Accounts changed since the changelog relay last ran, with their version. */
    stateDirty: `${prefix}state-dirty`,
    sweepLock: `${prefix}sweep-lock`,
  };
}

export type SignalKeys = ReturnType<typeof keyspace>;

/** The account a dedupe key belongs to, for tools that measure keys per account; undefined for other keys. */
export function seenKeyAccount(prefix: string, key: string): string | undefined {
  if (!key.startsWith(`${prefix}${SEEN_BY_ACCOUNT}`)) return undefined;
  const rest = key.slice(prefix.length + SEEN_BY_ACCOUNT.length);
  const end = rest.indexOf(":");
  if (end < 0) return undefined;
  return rest.slice(0, end).replace(/%3A/g, ":").replace(/%25/g, "%");
}
