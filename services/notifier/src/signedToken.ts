import { createHmac, timingSafeEqual } from "node:crypto";
import type { z } from "zod";

/**
 * A compact signed token for links in emails: base64url(JSON claims) "." base64url(HMAC-SHA256). The MAC
 * covers a context string first, so a token made for one purpose (answering an alert, unsubscribing) can
 * never be accepted for another, although every purpose signs with the same LINK_SECRET.
 */
const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64url");
const mac = (context: string, secret: string, body: string) => createHmac("sha256", secret).update(`${context}\n${body}`).digest();

export function signToken(context: string, claims: object, secret: string): string {
  const body = b64(JSON.stringify(claims));
  return `${body}.${b64(mac(context, secret, body))}`;
}

export type TokenCheck<T> = { ok: true; claims: T } | { ok: false; reason: "malformed" | "bad-signature" };

/** The signature is checked before anything in the token is believed; then the claims must fit the schema. */
export function verifyToken<T>(context: string, token: string, secret: string, schema: z.ZodType<T>): TokenCheck<T> {
  const [body, sig, extra] = token.split(".");
  if (!body || !sig || extra !== undefined || !/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]{43}$/.test(sig)) {
    return { ok: false, reason: "malformed" };
  }
  // Compare the encoded text, not decoded bytes: base64's spare bits would let several spellings of one
  // signature pass, and a link must have exactly one valid form.
  if (!timingSafeEqual(Buffer.from(b64(mac(context, secret, body))), Buffer.from(sig))) return { ok: false, reason: "bad-signature" };
  try {
    return { ok: true, claims: schema.parse(JSON.parse(Buffer.from(body, "base64url").toString("utf8"))) };
  } catch {
    return { ok: false, reason: "malformed" };
  }
}
