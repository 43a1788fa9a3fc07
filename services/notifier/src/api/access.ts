import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "@churnwatch/platform";
import { authenticate, authenticateBasic, type ApiToken } from "./tokens.ts";

/**
 * Who may call a route. Every route declares one in its config (`{ config: { access } }`); a route that
 * declares none is refused, so a route added without thought is closed rather than open.
 * - `public`: anyone (nothing that names an account or a person).
 * - `signedLink`: the link in an email is the credential; the handler verifies its signature and claims.
 * - `accountManager`: any valid bearer token; the handler shows an owner's token only their accounts.
 * - `operations`: a bearer token of scope `*`; another valid token is refused with 403.
 * - `operationsDashboard`: the same, also by Basic auth (a browser logs in with the token as password);
 *   anything else gets a Basic challenge, so the browser asks again.
 */
export type Access = "public" | "signedLink" | "accountManager" | "operations" | "operationsDashboard";

declare module "fastify" {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** Every route registered on the API (method and path), for the test that walks them all. */
    declaredRoutes: ReadonlyArray<{ method: string; url: string }>;
  }
  interface FastifyRequest {
    /** The caller's token on routes that need one; set by the access check before any handler runs. */
    apiToken?: ApiToken;
  }
}

export const access = (who: Access) => ({ config: { access: who } });

const refuse = (reply: FastifyReply, code: 401 | 403 | 404, error: string, challenge?: string) => {
  if (challenge) void reply.header("www-authenticate", challenge);
  return reply.code(code).send({ error });
};

const DASHBOARD_CHALLENGE = 'Basic realm="churnwatch operations", charset="UTF-8"';

/**
 * Decides access on the route the router matched, never on the raw URL: the router decodes and matches
 * `/%6Fps/queues` as `/ops/queues`, so a check on the URL's spelling could be walked around.
 */
export function installAccessControl(app: FastifyInstance, tokens: readonly ApiToken[], logger: Logger): void {
  const routes: Array<{ method: string; url: string }> = [];
  app.decorate("declaredRoutes", routes);
  app.decorateRequest("apiToken", undefined);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });

  app.addHook("onRequest", async (req, reply) => {
    // Nothing matched: the not-found handler answers, and it names nothing.
    if (req.is404) return;
    const who = req.routeOptions.config.access;
    switch (who) {
      case "public":
      case "signedLink":
        return;
      case "accountManager": {
        const token = authenticate(req.headers.authorization, tokens);
        if (!token) return refuse(reply, 401, "missing or unknown bearer token", "Bearer");
        req.apiToken = token;
        return;
      }
      case "operations": {
        const token = authenticate(req.headers.authorization, tokens);
        if (!token) return refuse(reply, 401, "missing or unknown bearer token", "Bearer");
        if (token.scope.kind !== "all") return refuse(reply, 403, "this needs an operations token");
        req.apiToken = token;
        return;
      }
      case "operationsDashboard": {
        const token = authenticate(req.headers.authorization, tokens) ?? authenticateBasic(req.headers.authorization, tokens);
        if (token?.scope.kind !== "all") return refuse(reply, 401, "an operations token is required", DASHBOARD_CHALLENGE);
        req.apiToken = token;
        return;
      }
      default:
        // A route without a declaration: closed, and as quiet as a missing one.
        logger.error({ route: req.routeOptions.url }, "route declares no access; refused");
        return refuse(reply, 404, "not found");
    }
  });
}

/** The token the access check accepted; only on routes whose access needs one. */
export function tokenOf(req: FastifyRequest): ApiToken {
  if (!req.apiToken) throw new Error(`route ${req.routeOptions.url ?? "?"} reads a token but its access needs none`);
  return req.apiToken;
}

/**
 * Registers a third-party plugin (the queue dashboard) whose routes cannot carry our config: each gets
 * `who` unless it declares something itself.
 */
export async function registerWithAccess(
  app: FastifyInstance,
  who: Access,
  register: (scope: FastifyInstance) => PromiseLike<unknown>,
): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook("onRoute", (route) => {
      route.config = { ...route.config, access: route.config?.access ?? who };
    });
    await register(scope);
  });
}
