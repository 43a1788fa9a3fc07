// Links exactly as the notifier signed them before key ids and episodes existed (the format of the links
// already in people's inboxes at the upgrade), so tests can check what the notifier does with them now.
import { createHmac } from "node:crypto";
import type { ActionClaims } from "../actionLinks.ts";

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64url");

export function legacyActionToken(claims: Omit<ActionClaims, "alertId">, secret: string): string {
  const body = b64(JSON.stringify({ a: claims.accountId, r: claims.rule, k: claims.action, w: claims.recipient, x: claims.exp }));
  return `${body}.${b64(createHmac("sha256", secret).update(`churnwatch.action-link.v1\n${body}`).digest())}`;
}

export function legacyUnsubscribeToken(subscriptionId: string, recipient: string, secret: string): string {
  const body = b64(JSON.stringify({ s: subscriptionId, w: recipient }));
  return `${body}.${b64(createHmac("sha256", secret).update(`churnwatch.digest-unsubscribe.v1\n${body}`).digest())}`;
}

export function legacyAccountLink(baseUrl: string, accountId: string, exp: number, secret: string): string {
  const sig = createHmac("sha256", secret).update(`churnwatch.account-link.v1\n${accountId}\n${exp}`).digest("hex");
  return `${baseUrl}/accounts/${encodeURIComponent(accountId)}?exp=${exp}&sig=${sig}`;
}

/** The claims of a token as they travel (kid included), decoded without checking anything. */
export function tokenBody(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

/** The same token with its body's claims changed and its signature kept (a tampering attempt). */
export function withBody(token: string, change: Record<string, unknown>): string {
  const [, sig = ""] = token.split(".");
  const body = { ...tokenBody(token), ...change };
  for (const [k, v] of Object.entries(change)) if (v === undefined) delete body[k];
  return `${b64(JSON.stringify(body))}.${sig}`;
}
