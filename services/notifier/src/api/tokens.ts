import { createHash, timingSafeEqual } from "node:crypto";
import { ConfigError } from "@churnwatch/platform";

/** Who a bearer token speaks for: everyone (operations, executives' tools) or one account manager. */
export type Scope = { kind: "all" } | { kind: "owner"; email: string };
export interface ApiToken {
  /** SHA-256 of the token: the secret itself is not kept in memory longer than parsing takes. */
  digest: Buffer;
  scope: Scope;
  /** For logs and the audit: "operations" or the owner's address. */
  actor: string;
}

const digest = (token: string) => createHash("sha256").update(token).digest();

/** Parses `token=scope,token=scope`; a short token or an unknown scope stops start-up with the reason. */
export function parseApiTokens(raw: string): ApiToken[] {
  const pairs = raw.split(",").map((p) => p.trim()).filter(Boolean);
  return pairs.map((pair, i) => {
    const at = pair.lastIndexOf("=");
    const token = at < 0 ? "" : pair.slice(0, at);
    const scope = at < 0 ? "" : pair.slice(at + 1).trim();
    if (token.length < 24) throw new ConfigError(`API_TOKENS entry ${i + 1}: the token must be at least 24 characters, as token=scope`);
    if (scope === "*") return { digest: digest(token), scope: { kind: "all" }, actor: "operations" };
    if (/^[^@\s]+@[^@\s]+$/.test(scope)) return { digest: digest(token), scope: { kind: "owner", email: scope.toLowerCase() }, actor: scope.toLowerCase() };
    throw new ConfigError(`API_TOKENS entry ${i + 1}: the scope must be * (every account) or an owner's email address`);
  });
}

/** The token's entry, compared in constant time on digests of equal length. */
export function authenticate(header: string | undefined, tokens: readonly ApiToken[]): ApiToken | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  if (!match?.[1]) return undefined;
  const given = digest(match[1]);
  let found: ApiToken | undefined;
  for (const t of tokens) if (timingSafeEqual(t.digest, given)) found = t;
  return found;
}

/** Basic auth for browsers: any user name, the token as the password. */
export function authenticateBasic(header: string | undefined, tokens: readonly ApiToken[]): ApiToken | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : authenticate(`Bearer ${decoded.slice(colon + 1)}`, tokens);
}
