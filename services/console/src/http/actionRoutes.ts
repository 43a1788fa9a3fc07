import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { DateTime } from "luxon";
import { z } from "zod";
import { ruleIdSchema } from "@churnwatch/contracts";
import { accountInScope, openAlert } from "../readModel/queries.ts";
import type { NewAnswer } from "../answerLog.ts";
import { consoleMessages } from "../pages/messages.ts";
import { localeOf } from "./session.ts";
import { access, viewerOf, type RouteKit } from "./routeKit.ts";

const alertParams = z.object({ accountId: z.string().min(1).max(200), rule: ruleIdSchema });
const SNOOZE_PRESETS = { week: { weeks: 1 }, month: { months: 1 } } as const;
const snoozeBody = z.object({ preset: z.enum(["week", "month"]) });
const dismissBody = z.object({ reason: z.string().trim().min(1).max(1_000) });
const alertRef = z.string().max(600).transform((s, ctx) => {
  try {
    const [accountId, rule] = JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as [unknown, unknown];
    const r = ruleIdSchema.safeParse(rule);
    if (typeof accountId === "string" && accountId.length > 0 && r.success) return [accountId, r.data] as const;
  } catch {
    // handled below
  }
  ctx.addIssue({ code: "custom", message: "not an alert reference" });
  return z.NEVER;
});
const bulkBody = z.object({
  // One checkbox gives a string, several an array.
  alert: z.preprocess((v) => (typeof v === "string" ? [v] : v), z.array(alertRef).min(1).max(200)),
  action: z.enum(["acknowledge", "week", "month"]),
});
const noteBody = z.object({ text: z.string().trim().min(1).max(4_000) });
const contactBody = z.object({ kind: z.enum(["visit", "call"]), answered: z.literal("1").optional(), note: z.string().trim().max(2_000).optional() });

export function registerActionRoutes(app: FastifyInstance, { deps, refuse }: RouteKit): void {
  const bad = (req: FastifyRequest, reply: FastifyReply) => refuse(req, reply, 400, consoleMessages[localeOf(req)].errors.badRequest);
  const missing = (req: FastifyRequest, reply: FastifyReply) => refuse(req, reply, 404, consoleMessages[localeOf(req)].errors.notFound);
  const back = (reply: FastifyReply, accountId: string) => reply.redirect(`/accounts/${encodeURIComponent(accountId)}?saved=1`, 303);
  const nowIso = () => new Date(deps.now()).toISOString();

  /** The open alert the form is about, when it is in the viewer's scope. */
  const target = async (req: FastifyRequest) => {
    const p = alertParams.safeParse(req.params);
    if (!p.success) return undefined;
    const alert = await openAlert(deps.pool, viewerOf(req), p.data.accountId, p.data.rule);
    return alert ? { accountId: p.data.accountId, alert } : undefined;
  };

  /**
   * One answer route: its form, parsed by `body`, becomes the answer's own fields; the alert it is about
   * must be open and in the viewer's scope.
   */
  function answerRoute<B extends z.ZodType>(action: "acknowledge" | "snooze" | "dismiss", body: B, fields: (b: z.infer<B>) => Record<string, string>) {
    app.post(`/accounts/:accountId/alerts/:rule/${action}`, access("actor"), async (req, reply) => {
      const parsed = body.safeParse(req.body ?? {});
      if (!parsed.success) return bad(req, reply);
      const t = await target(req);
      if (!t) return missing(req, reply);
      const common = { accountId: t.accountId, alertId: t.alert.alertId, rule: t.alert.rule, actor: viewerOf(req).email, at: nowIso() };
      // The contract's schema checks the assembled answer again before it is sent.
      await deps.answers.answer({ type: action, ...common, ...fields(parsed.data) } as NewAnswer);
      return back(reply, t.accountId);
    });
  }
  const snoozeUntil = (preset: keyof typeof SNOOZE_PRESETS) => DateTime.fromMillis(deps.now(), { zone: "UTC" }).plus(SNOOZE_PRESETS[preset]).toISO() ?? nowIso();
  answerRoute("acknowledge", z.object({}), () => ({}));
  answerRoute("snooze", snoozeBody, (b) => ({ until: snoozeUntil(b.preset) }));
  answerRoute("dismiss", dismissBody, (b) => ({ reason: b.reason }));

  /**
   * The inbox's bulk answer: acknowledge or snooze every selected alert. Each one is checked as a single answer
   * is (open, in the viewer's scope); one that is not is skipped, never answered on someone else's behalf.
   */
  app.post("/inbox/answers", access("actor"), async (req, reply) => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    if (form.alert === undefined) return reply.redirect("/inbox?selected=0", 303);
    const body = bulkBody.safeParse(form);
    if (!body.success) return bad(req, reply);
    const viewer = viewerOf(req);
    let answered = 0;
    for (const [accountId, rule] of body.data.alert) {
      const alert = await openAlert(deps.pool, viewer, accountId, rule);
      if (!alert) continue;
      const common = { accountId, alertId: alert.alertId, rule: alert.rule, actor: viewer.email, at: nowIso() };
      await deps.answers.answer(body.data.action === "acknowledge" ? { type: "acknowledge", ...common } : { type: "snooze", ...common, until: snoozeUntil(body.data.action) });
      answered++;
    }
    return reply.redirect(`/inbox?answered=${answered}`, 303);
  });

  /** Notes and contacts are about the account: it must be in scope, with or without an open alert. */
  const inScope = async (req: FastifyRequest) => {
    const { accountId } = req.params as { accountId: string };
    return (await accountInScope(deps.pool, viewerOf(req), accountId)) ? accountId : undefined;
  };

  app.post("/accounts/:accountId/notes", access("actor"), async (req, reply) => {
    const body = noteBody.safeParse(req.body ?? {});
    if (!body.success) return bad(req, reply);
    const accountId = await inScope(req);
    if (!accountId) return missing(req, reply);
    await deps.answers.answer({ type: "note", accountId, actor: viewerOf(req).email, at: nowIso(), text: body.data.text });
    return back(reply, accountId);
  });

  app.post("/accounts/:accountId/contacts", access("actor"), async (req, reply) => {
    const body = contactBody.safeParse(req.body ?? {});
    if (!body.success) return bad(req, reply);
    const accountId = await inScope(req);
    if (!accountId) return missing(req, reply);
    await deps.answers.contact({ accountId, kind: body.data.kind, answered: body.data.answered === "1", note: body.data.note || undefined, by: viewerOf(req).email, at: nowIso() });
    return back(reply, accountId);
  });
}
