/**
 * The HMAC keys of the links in emails (action links, account links, digest unsubscribe links). Every link
 * names the key it was signed with (its key id, `kid`), so the key can be rotated without breaking the
 * links already in people's inboxes: new links are signed with the current key, and a link signed with a
 * previous key stays valid, for its own lifetime, while that key is configured.
 */
export interface LinkKey {
  kid: string;
  secret: string;
}

export interface LinkKeys {
  /** Signs every new link; also verifies. */
  current: LinkKey;
  /** Verify only: the keys links already sent were signed with. */
  previous: readonly LinkKey[];
}

/**
 * Links sent before key ids existed carry none. They were signed with the LINK_SECRET of the time, which is
 * the key `k1` (LINK_KEY_ID's default): at the upgrade it is the current key, and after a rotation it is
 * the previous key `k1=<old secret>`, so such a link keeps working for its lifetime either way. Once `k1`
 * is no longer configured, a link without a key id is refused like one with an unknown key id.
 */
export const UNVERSIONED_KID = "k1";

export const KID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
export const MIN_SECRET_LENGTH = 32;

/** The secret a link's key id names; undefined for an unknown (or retired) key id. */
export function secretFor(keys: LinkKeys, kid: string | undefined): string | undefined {
  const wanted = kid ?? UNVERSIONED_KID;
  if (keys.current.kid === wanted) return keys.current.secret;
  return keys.previous.find((k) => k.kid === wanted)?.secret;
}

/** One key as the current one: what tests and tools that sign with a single secret use. */
export function singleKey(secret: string, kid: string = UNVERSIONED_KID): LinkKeys {
  return { current: { kid, secret }, previous: [] };
}

/**
 * Parses `kid=secret,kid=secret` (LINK_SECRETS_PREVIOUS). A secret may contain `=` (base64 padding): only
 * the first `=` of an entry separates. Returns the problems found instead of throwing, for the env schema.
 */
export function parseKeyList(raw: string): { keys: LinkKey[]; problems: string[] } {
  const keys: LinkKey[] = [];
  const problems: string[] = [];
  const entries = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
  entries.forEach((entry, i) => {
    const at = entry.indexOf("=");
    const kid = at < 0 ? "" : entry.slice(0, at);
    const secret = at < 0 ? "" : entry.slice(at + 1);
    // Never echo a secret: name the entry by its position and key id only.
    if (!KID_PATTERN.test(kid)) problems.push(`entry ${i + 1}: expected kid=secret with a key id of letters, digits, '_' or '-' (at most 32)`);
    else if (secret.length < MIN_SECRET_LENGTH) problems.push(`key ${kid}: the secret must have at least ${MIN_SECRET_LENGTH} characters`);
    else if (keys.some((k) => k.kid === kid)) problems.push(`key ${kid}: listed twice`);
    else keys.push({ kid, secret });
  });
  return { keys, problems };
}
