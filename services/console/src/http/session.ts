import type { FastifyRequest } from "fastify";
import { localeSchema, type Locale } from "@churnwatch/contracts";

declare module "@fastify/secure-session" {
  interface SessionData {
    /** The address the sign-in link was sent to: who this browser is. */
    email: string;
    locale: Locale;
    /** The page asked for before sign-in (a path of this console): where signing in leads back to. */
    next: string;
  }
}

/** Only a path of this console: never `//host` or a URL, so no redirect can lead elsewhere. */
export const safePath = (path: string | undefined) => (path && /^\/(?![/\\])/.test(path) ? path : "/");

/** The session's language, else the browser's (Chinese in any form reads zh-CN), else English. */
export function localeOf(req: FastifyRequest): Locale {
  const chosen = localeSchema.safeParse(req.session.get("locale"));
  if (chosen.success) return chosen.data;
  return /^\s*zh\b/i.test(req.headers["accept-language"] ?? "") ? "zh-CN" : "en";
}
