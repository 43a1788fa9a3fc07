import type { RuleId } from "@churnwatch/contracts";
import type { RuleThresholds } from "./config.ts";
import { quietBounds, rules, type RuleContext } from "./rules/index.ts";

/**
 * A memo of each rule's quiet bound (rules/types.ts, QuietBound): while a rule's inputs are the same objects
 * and the clock is inside the span, the rule cannot fire, so an account without an alert for it need not
 * run it (a payment does not move the purchase rules, a tick before the bound moves nothing). Keyed by the
 * memoised view arrays the rule reads (identity: a new or pruned record makes a new array) and the one
 * scalar it reads besides. A pure cache: a miss evaluates the rule, and the result is the same.
 */
interface Quiet {
  thresholds: RuleThresholds;
  also: object | undefined;
  scalar: string | undefined;
  fromMs: number;
  untilMs: number;
}

interface Inputs {
  /** The view array the rule reads (arrays built in the same projection come with it), and another. */
  records: (ctx: RuleContext) => object;
  also: (ctx: RuleContext) => object | undefined;
  scalar: (ctx: RuleContext) => string | undefined;
}

const none = (): undefined => undefined;
const orders = (ctx: RuleContext): object => ctx.view.orders; // cancellations are projected with them
const paid = (ctx: RuleContext): object => ctx.view.paid; // kept when only open invoices change (view.ts)
// The contact facts are replaced whole by each new interaction. Accounts without any share one key: their
// bound is Infinity whatever else holds.
const NO_CONTACT: object = Object.freeze({});
const contact = (ctx: RuleContext): object => ctx.state.contact ?? NO_CONTACT;

const inputs: Record<RuleId, Inputs> = {
  "purchases.decline": { records: orders, also: none, scalar: (ctx) => ctx.state.firstOrderAt },
  // Occasions are days in the account's timezone; pruned ones still count.
  "purchases.silence": { records: orders, also: none, scalar: (ctx) => `${ctx.state.profile?.timezone}|${ctx.state.prunedOccasions}` },
  "purchases.narrowing": { records: orders, also: none, scalar: none },
  "payments.overdue": { records: (ctx) => ctx.view.open, also: paid, scalar: (ctx) => ctx.state.profile?.timezone },
  "payments.slipping": { records: paid, also: none, scalar: none },
  "complaints.spike": { records: (ctx) => ctx.view.complaints, also: none, scalar: (ctx) => ctx.state.firstEventAt },
  "contact.silence": { records: contact, also: none, scalar: none },
};

const memo = Object.fromEntries(Object.keys(inputs).map((rule) => [rule, new WeakMap<object, Quiet>()])) as Record<RuleId, WeakMap<object, Quiet>>;

function hit(rule: RuleId, ctx: RuleContext): Quiet | undefined {
  const q = memo[rule].get(inputs[rule].records(ctx));
  if (q === undefined || q.thresholds !== ctx.thresholds || q.also !== inputs[rule].also(ctx) || q.scalar !== inputs[rule].scalar(ctx)) return undefined;
  return q.fromMs <= ctx.asOfMs && ctx.asOfMs < q.untilMs ? q : undefined;
}

/** Whether the rule is known not to fire at ctx.asOfMs, its inputs unchanged since that was worked out. */
export function isQuiet(rule: RuleId, ctx: RuleContext): boolean {
  return hit(rule, ctx) !== undefined;
}

/** Records that the rule does not fire at ctx.asOfMs (the caller saw it), with the bound from there on. */
export function noteQuiet(rule: RuleId, ctx: RuleContext): number {
  const untilMs = quietBounds[rule](ctx);
  const { records, also, scalar } = inputs[rule];
  memo[rule].set(records(ctx), { thresholds: ctx.thresholds, also: also(ctx), scalar: scalar(ctx), fromMs: ctx.asOfMs, untilMs });
  return untilMs;
}

/**
 * Until when the rule cannot fire with time alone, from ctx.asOfMs on; ctx.asOfMs itself when it fires
 * there. Evaluates the rule only when the memo does not already know.
 */
export function quietUntil(rule: RuleId, ctx: RuleContext): number {
  const known = hit(rule, ctx);
  if (known !== undefined) return known.untilMs;
  const outcome = rules[rule]({ ...ctx, onlyIfFiring: true });
  if (outcome.kind === "measured" && outcome.eligible && outcome.fires) return ctx.asOfMs;
  return noteQuiet(rule, ctx);
}
