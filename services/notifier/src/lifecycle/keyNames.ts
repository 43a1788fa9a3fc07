import { createHash } from "node:crypto";

/**
 * Parts of Redis key names that would otherwise be personal data. Key names are listed by SCAN and MONITOR,
 * copied into error messages (ioredis puts the command in `err.command.args`), dumps and slow logs, where
 * nothing masks them; so a key never names an address. A recipient is named by the SHA-256 of their
 * normalised address (trimmed, lower case: one recipient, one budget, however the address was spelled),
 * under its own context string. It is a pseudonym, not a secret: whoever has an address and Redis can find
 * its keys, which is what operations needs; whoever has only Redis no longer reads addresses.
 */
export function recipientKeyPart(address: string): string {
  return createHash("sha256").update(`churnwatch.recipient.v1\n${address.trim().toLowerCase()}`).digest("hex").slice(0, 32);
}

/** An id that may embed an address (an email's group id names its recipient): its SHA-256, whole. */
export function idKeyPart(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}
