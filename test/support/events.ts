import { topicRoleOf, type ChurnEvent, type EventOf, type Locale, type Tier, type TopicRole } from "@churnwatch/contracts";

const DAY = 86_400_000;
let seq = 0;
const nextId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(seq++).toString(36)}`;
const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

export function accountUpserted(
  accountId: string,
  at: number,
  opts: { name?: string; ownerEmail?: string; ownerName?: string; tier?: Tier; locale?: Locale } = {},
): EventOf<"account.upserted"> {
  return {
    eventId: nextId("acc"),
    type: "account.upserted",
    accountId,
    occurredAt: iso(at),
    schemaVersion: 1,
    data: {
      name: opts.name ?? `Account ${accountId}`,
      tier: opts.tier ?? "strategic",
      owner: { name: opts.ownerName ?? "Li Wei", email: opts.ownerEmail ?? "li.wei@seller.example" },
      region: "East China",
      timezone: "Asia/Shanghai",
      currency: "CNY",
      locale: opts.locale ?? "en",
    },
  };
}

/** A logged contact; `answered` only on outbound ones. The contact person is there to prove it goes no further. */
export function interactionLogged(
  accountId: string,
  at: number,
  opts: { direction?: "outbound" | "inbound"; kind?: "visit" | "call" | "meeting" | "email"; answered?: boolean } = {},
): EventOf<"interaction.logged"> {
  const data: EventOf<"interaction.logged">["data"] = {
    interactionId: nextId("int"),
    kind: opts.kind ?? "call",
    direction: opts.direction ?? "outbound",
    contact: { name: "Chen Jing", role: "purchasing manager" },
  };
  if (opts.answered !== undefined) data.answered = opts.answered;
  return { eventId: nextId("e"), type: "interaction.logged", accountId, occurredAt: iso(at), schemaVersion: 1, data };
}

export function orderPlaced(accountId: string, at: number, amount: number | string): EventOf<"order.placed"> {
  const orderId = nextId("o");
  return {
    eventId: nextId("e"),
    type: "order.placed",
    accountId,
    occurredAt: iso(at),
    schemaVersion: 1,
    data: { orderId, amount, currency: "CNY", categories: ["packaging"] },
  };
}

/**
 * A year of weekly orders of `weekly` CNY, then `recentShare` of that over the last 90 days, ending with
 * an order at `now` (so the last event is live). With recentShare 0.25 the account has declined 75%.
 */
export function decliningHistory(accountId: string, now: number, opts: { weekly?: number; recentShare?: number } = {}): ChurnEvent[] {
  const weekly = opts.weekly ?? 10_000;
  const recent = weekly * (opts.recentShare ?? 0.25);
  const events: ChurnEvent[] = [accountUpserted(accountId, now - 400 * DAY)];
  for (let day = 365; day > 90; day -= 7) events.push(orderPlaced(accountId, now - day * DAY, weekly));
  for (let day = 84; day > 0; day -= 7) events.push(orderPlaced(accountId, now - day * DAY, recent));
  events.push(orderPlaced(accountId, now - 60_000, recent));
  return events;
}

/** A steady account: the same weekly orders all year, ending now. */
export function steadyHistory(accountId: string, now: number, weekly = 10_000): ChurnEvent[] {
  return decliningHistory(accountId, now, { weekly, recentShare: 1 });
}

/** The topic an event goes to: the contract's routing (topicRoleOf), under the names given. */
export const topicOf = (e: ChurnEvent, topics: Record<TopicRole, string>): string => topics[topicRoleOf[e.type]];
