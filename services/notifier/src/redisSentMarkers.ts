import type { Redis } from "ioredis";
import { idKeyPart } from "./lifecycle/keyNames.ts";

/** Port: remembers which notifications an SMTP server has accepted, so a redelivered job is not re-sent. */
export interface SentMarkers {
  isSent(notificationId: string): Promise<boolean>;
  markSent(notificationId: string, messageId: string): Promise<void>;
}

export interface RedisSentMarkersOptions {
  /** e.g. "churnwatch:notifier:"; keys are `<prefix>sent:<sha256 of the id>`. */
  keyPrefix: string;
  /** Longer than any retry horizon and than the completed-job retention (which dedupes enqueues). */
  ttlSeconds: number;
}

export function createRedisSentMarkers(redis: Redis, { keyPrefix, ttlSeconds }: RedisSentMarkersOptions): SentMarkers {
  // The id of an email names its recipient (`<address>|<alert versions>`), a summary's too: the key holds
  // its digest. Markers written before under the id itself are still honoured until they expire.
  const key = (notificationId: string) => `${keyPrefix}sent:${idKeyPart(notificationId)}`;
  const legacyKey = (notificationId: string) => `${keyPrefix}sent:${notificationId}`;
  return {
    async isSent(notificationId) {
      return (await redis.exists(key(notificationId), legacyKey(notificationId))) > 0;
    },
    async markSent(notificationId, messageId) {
      // No personal data in the value: the Message-ID is a hash and the time is for operators.
      await redis.set(key(notificationId), JSON.stringify({ messageId, sentAt: new Date().toISOString() }), "EX", ttlSeconds);
    },
  };
}
