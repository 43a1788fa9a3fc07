import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { levelSchema, tierSchema } from "@churnwatch/contracts";
import { accountDetail, inbox, portfolio } from "../readModel/queries.ts";
import { portfolioPage } from "../pages/portfolioPage.ts";
import { accountPage } from "../pages/accountPage.ts";
import { inboxPage } from "../pages/inboxPage.ts";
import { overviewPage } from "../pages/overviewPage.ts";
import { answersByRule, overview } from "../readModel/overview.ts";
import { consoleMessages } from "../pages/messages.ts";
import { localeOf } from "./session.ts";
import { access, viewerOf, type RouteKit } from "./routeKit.ts";

const isDecimal = (v: unknown): v is string => typeof v === "string" && /^-?\d{1,30}(\.\d{1,12})?$/.test(v);
const cursor = z
  .string()
  .max(500)
  .transform((s, ctx) => {
    try {
      const [risk, own, id] = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as [unknown, unknown, unknown];
      if (isDecimal(risk) && isDecimal(own) && typeof id === "string") return { risk, own, id };
    } catch {
      // handled below
    }
    ctx.addIssue({ code: "custom", message: "not a page cursor" });
    return z.NEVER;
  });
const blankIsUnset = (v: unknown) => (v === "" ? undefined : v);
const portfolioQuery = z.object({
  region: z.preprocess(blankIsUnset, z.string().max(100).optional()),
  tier: z.preprocess(blankIsUnset, tierSchema.optional()),
  level: z.preprocess(blankIsUnset, levelSchema.optional()),
  owner: z.preprocess(blankIsUnset, z.string().max(320).optional()),
  q: z.preprocess(blankIsUnset, z.string().trim().max(200).optional()),
  after: z.preprocess(blankIsUnset, cursor.optional()),
});

export function registerPageRoutes(app: FastifyInstance, { deps, context, html, refuse }: RouteKit): void {
  app.get("/", access("signedIn"), async (req, reply) => {
    const q = portfolioQuery.safeParse(req.query ?? {});
    if (!q.success) return refuse(req, reply, 400, consoleMessages[localeOf(req)].errors.badRequest);
    const view = await portfolio(deps.pool, viewerOf(req), q.data, deps.fx);
    return html(reply, 200, portfolioPage(context(req, reply), view, req.query as Record<string, string>));
  });

  app.get("/overview", access("signedIn"), async (req, reply) =>
    html(reply, 200, overviewPage(context(req, reply), await overview(deps.pool, viewerOf(req), deps.fx, deps.now()), deps.backtest?.())),
  );

  app.get("/inbox", access("signedIn"), async (req, reply) => {
    const q = req.query as { answered?: string; selected?: string };
    const bulk = consoleMessages[localeOf(req)].inbox.bulk;
    const answered = q.answered === undefined ? NaN : Number(q.answered);
    const notice = q.selected === "0" ? bulk.noneSelected : Number.isSafeInteger(answered) && answered >= 0 ? bulk.saved(answered) : undefined;
    return html(reply, 200, inboxPage(context(req, reply, notice), await inbox(deps.pool, viewerOf(req))));
  });

  app.get("/accounts/:accountId", access("signedIn"), async (req, reply) => {
    const { accountId } = req.params as { accountId: string };
    const view = await accountDetail(deps.pool, viewerOf(req), accountId);
    // Not in scope reads the same as missing: the page reveals nothing about other people's accounts.
    if (!view) return refuse(req, reply, 404, consoleMessages[localeOf(req)].errors.notFound);
    const saved = (req.query as { saved?: string }).saved === "1" ? consoleMessages[localeOf(req)].saved : undefined;
    const backtest = deps.backtest?.();
    const track = { answers: await answersByRule(deps.pool, deps.now()), backtest: backtest?.ok ? backtest.report : undefined };
    return html(reply, 200, accountPage(context(req, reply, saved), view, deps.levelFloors, deps.fx, track));
  });
}
