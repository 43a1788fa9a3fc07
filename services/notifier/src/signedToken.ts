import { createHmac, timingSafeEqual } from "node:crypto";
import type { z } from "zod";
import { secretFor, type LinkKeys } from "./linkKeys.ts";

/**
 * A compact signed token for links in emails: base64url(JSON claims) "." base64url(HMAC-SHA256). The MAC
 * covers a context string first, so a token made for one purpose (answering an alert, unsubscribing) can
 * never be accepted for another, although every purpose signs with the same keys.
 *
 * The claims carry `kid`, the id of the key that signed them (linkKeys.ts). It sits inside the signed body,
 * so it cannot be changed or removed without breaking the MAC; it is read before the signature is checked
 * only to choose which of our own keys to check it with, and believed only once the signature holds. A
 * token without a kid (sent before key ids existed) is checked with the key `k1` (UNVERSIONED_KID).
 */
const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64url");
const mac = (context: string, secret: string, body: string) => createHmac("sha256", secret).update(`${context}\n${body}`).digest();

export function signToken(context: string, claims: object, keys: LinkKeys): string {
  const body = b64(JSON.stringify({ kid: keys.current.kid, ...claims }));
  return `${body}.${b64(mac(context, keys.current.secret, body))}`;
}

export type TokenFailure = "malformed" | "bad-signature" | "unknown-key";
export type TokenCheck<T> = { ok: true; claims: T; kid: string | undefined } | { ok: false; reason: TokenFailure };

function decodeBody(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The signature is checked before anything in the token is believed; then the claims must fit the schema. */
export function verifyToken<T>(context: string, token: string, keys: LinkKeys, schema: z.ZodType<T>): TokenCheck<T> {
  const [body, sig, extra] = token.split(".");
  if (!body || !sig || extra !== undefined || !/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]{43}$/.test(sig)) {
    return { ok: false, reason: "malformed" };
  }
  const raw = decodeBody(body);
  if (!raw) return { ok: false, reason: "malformed" };
  const kid = raw.kid;
  if (kid !== undefined && typeof kid !== "string") return { ok: false, reason: "malformed" };
  const secret = secretFor(keys, kid);
  if (secret === undefined) return { ok: false, reason: "unknown-key" };
  // Compare the encoded text, not decoded bytes: base64's spare bits would let several spellings of one
  // signature pass, and a link must have exactly one valid form.
  if (!timingSafeEqual(Buffer.from(b64(mac(context, secret, body))), Buffer.from(sig))) return { ok: false, reason: "bad-signature" };
  const { kid: _kid, ...claims } = raw;
  const parsed = schema.safeParse(claims);
  return parsed.success ? { ok: true, claims: parsed.data, kid } : { ok: false, reason: "malformed" };
}
