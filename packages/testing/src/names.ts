// Unique names per test, so tests sharing one broker and one Redis never see each other's data.
import { randomBytes } from "node:crypto";

let counter = 0;

/**
 * `<prefix>-<time>-<n>-<random>`, safe as a Kafka topic or group id ([a-zA-Z0-9._-]), a BullMQ queue
 * name (no ':') and a Redis key prefix (append your own ':').
 */
export function uniqueName(prefix = "test"): string {
  const safe = prefix.replace(/[^a-zA-Z0-9._-]/g, "-").slice(0, 100);
  counter += 1;
  return `${safe}-${Date.now().toString(36)}-${counter}-${randomBytes(3).toString("hex")}`;
}
