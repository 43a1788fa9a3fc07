import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/**
 * Per-route access, denied by default, for every HTTP service (the notifier's API, the console). Each route
 * declares who may call it in its config (`{ config: { access } }`); the service names its own kinds of
 * access and how each is checked. A route that declares none, or a kind the service does not know, is
 * refused: a route added without thought is closed rather than open.
 */
declare module "fastify" {
  interface FastifyContextConfig {
    access?: string;
  }
  interface FastifyInstance {
    /** Every route registered (method and path), for the tests that walk them all. */
    declaredRoutes: ReadonlyArray<{ method: string; url: string }>;
  }
}

/** Checks one request; sends a refusal (and returns the reply) to stop it, returns nothing to let it pass. */
export type AccessCheck = (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> | FastifyReply | undefined;

export interface RouteAccessOptions<A extends string> {
  checks: Record<A, AccessCheck>;
  /** Answers a route that declares no access (or one unknown here); it should say no more than a 404. */
  undeclared: (req: FastifyRequest, reply: FastifyReply) => FastifyReply;
}

/** A route's options declaring who may call it, typed by the service's own kinds. */
export const accessFor =
  <A extends string>() =>
  (who: A) => ({ config: { access: who } });

/**
 * Decides access on the route the router matched, never on the raw URL: the router decodes and matches
 * `/%6Fps/queues` as `/ops/queues`, so a check on the URL's spelling could be walked around.
 */
export function installRouteAccess<A extends string>(app: FastifyInstance, options: RouteAccessOptions<A>): void {
  const routes: Array<{ method: string; url: string }> = [];
  app.decorate("declaredRoutes", routes);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  const checks: Partial<Record<string, AccessCheck>> = options.checks;
  app.addHook("onRequest", async (req, reply) => {
    // Nothing matched: the not-found handler answers, and it names nothing.
    if (req.is404) return;
    const who = req.routeOptions.config.access;
    const check = who === undefined || !Object.hasOwn(checks, who) ? undefined : checks[who];
    if (!check) return options.undeclared(req, reply);
    return check(req, reply);
  });
}

/**
 * Registers a third-party plugin (a queue dashboard, say) whose routes cannot carry our config: each gets
 * `who` unless it declares something itself.
 */
export async function registerWithAccess(
  app: FastifyInstance,
  who: string,
  register: (scope: FastifyInstance) => PromiseLike<unknown>,
): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook("onRoute", (route) => {
      route.config = { ...route.config, access: route.config?.access ?? who };
    });
    await register(scope);
  });
}
