import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "@churnwatch/platform";
import { accessFor, installRouteAccess } from "@churnwatch/route-access";
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
  interface FastifyRequest {
    /** The caller's token on routes that need one; set by the access check before any handler runs. */
    apiToken?: ApiToken;
  }
}

export const access = accessFor<Access>();

const refuse = (reply: FastifyReply, code: 401 | 403 | 404, error: string, challenge?: string) => {
  if (challenge) void reply.header("www-authenticate", challenge);
  return reply.code(code).send({ error });
};

const DASHBOARD_CHALLENGE = 'Basic realm="churnwatch operations", charset="UTF-8"';

export function installAccessControl(app: FastifyInstance, tokens: readonly ApiToken[], logger: Logger): void {
  app.decorateRequest("apiToken", undefined);
  const bearer = (req: FastifyRequest, reply: FastifyReply, needsAll: boolean) => {
    const token = authenticate(req.headers.authorization, tokens);
    if (!token) return refuse(reply, 401, "missing or unknown bearer token", "Bearer");
    if (needsAll && token.scope.kind !== "all") return refuse(reply, 403, "this needs an operations token");
    req.apiToken = token;
    return undefined;
  };
  installRouteAccess<Access>(app, {
    checks: {
      public: () => undefined,
      signedLink: () => undefined,
      accountManager: (req, reply) => bearer(req, reply, false),
      operations: (req, reply) => bearer(req, reply, true),
      operationsDashboard: (req, reply) => {
        const token = authenticate(req.headers.authorization, tokens) ?? authenticateBasic(req.headers.authorization, tokens);
        if (token?.scope.kind !== "all") return refuse(reply, 401, "an operations token is required", DASHBOARD_CHALLENGE);
        req.apiToken = token;
        return undefined;
      },
    },
    // A route without a declaration: closed, and as quiet as a missing one.
    undeclared: (req, reply) => {
      logger.error({ route: req.routeOptions.url }, "route declares no access; refused");
      return refuse(reply, 404, "not found");
    },
  });
}

/** The token the access check accepted; only on routes whose access needs one. */
export function tokenOf(req: FastifyRequest): ApiToken {
  if (!req.apiToken) throw new Error(`route ${req.routeOptions.url ?? "?"} reads a token but its access needs none`);
  return req.apiToken;
}

export { registerWithAccess } from "@churnwatch/route-access";
