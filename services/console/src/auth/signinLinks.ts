import { createHash, randomBytes } from "node:crypto";
import type pg from "pg";

const hash = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * One-time sign-in links: a random token mailed to the address, of which only the digest is stored. It is
 * bound to that address, expires after `ttlMs`, and is spent by the first use (an UPDATE that only one
 * request can win).
 */
export function createSigninLinks(pool: pg.Pool, ttlMs: number, now: () => number) {
  return {
    async issue(email: string): Promise<string> {
      const token = randomBytes(32).toString("base64url");
      await pool.query("INSERT INTO signin_tokens (token_hash, email, expires_at) VALUES ($1, $2, $3)", [hash(token), email, new Date(now() + ttlMs)]);
      return token;
    },
    /** The address the token was sent to, once; undefined when unknown, spent or expired. */
    async consume(token: string): Promise<string | undefined> {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
      const at = new Date(now());
      const r = await pool.query<{ email: string }>(
        "UPDATE signin_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING email",
        [hash(token), at],
      );
      return r.rows[0]?.email;
    },
  };
}
export type SigninLinks = ReturnType<typeof createSigninLinks>;
