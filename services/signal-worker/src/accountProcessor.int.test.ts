import { afterEach, describe, expect, it } from "vitest";
import type { ChurnEvent } from "@churnwatch/contracts";
import { accountUpserted, decliningHistory, orderPlaced } from "../../../test/support/events.ts";
import { batch, sharedAccounts as shared } from "./sharedAccounts.ts";

const DAY = 86_400_000;
let cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});
const sharedAccounts = (tag: string) => shared(tag, cleanups);

/** Two history-mode workers over one account "acc-1", its profile and three orders. */
function twoWorkersOneAccount(tag: string) {
  const accounts = sharedAccounts(tag);
  const now = Date.now();
  const [o1, o2, o3] = [1, 2, 3].map((i) => orderPlaced("acc-1", now - (20 - i) * DAY, `${i}00.00`)) as [ChurnEvent, ChurnEvent, ChurnEvent];
  return { accounts, a: accounts.worker({ live: false }), b: accounts.worker({ live: false }), profile: accountUpserted("acc-1", now - 30 * DAY), o1, o2, o3 };
}

describe("account processor on real Redis, with a state cache per worker", () => {
  it("never applies to a cached state another worker has since replaced: no event lost, none counted twice", async () => {
    const { accounts, a, b, profile, o1, o2, o3 } = twoWorkersOneAccount("proc-stale");

    await a.processor.applyBatch(batch(profile, o1));
    expect(a.cache.get("acc-1")?.version).toBe(1);
    await b.processor.applyBatch(batch(o2)); // B read version 1 from Redis and wrote version 2
    const [seen] = await a.store.loadMany([{ accountId: "acc-1", eventIds: [] }]);
    expect(seen?.cached).toBe(false); // A's cached version 1 is stale: it reads B's state instead
    expect(seen?.version).toBe(2);
    expect(seen?.state?.orders.map((o) => o.eventId)).toEqual([o1.eventId, o2.eventId]);

    await b.processor.applyBatch(batch(o3, o2)); // o2 again: a redelivery
    const outcome = await a.processor.applyBatch(batch(o1, o2, o3));
    expect(outcome.get("acc-1")).toEqual({ applied: 0, duplicates: 3, notifications: 0 });
    const stored = await accounts.load("acc-1");
    expect(stored.version).toBe(3);
    expect(stored.applied).toBe(4);
    expect(stored.state?.orders.map((o) => o.eventId)).toEqual([o1.eventId, o2.eventId, o3.eventId]);
  });

  it("after a Redis loss, never mistakes another worker's write for the cached one of the same version number", async () => {
    const { accounts, a, b, profile, o1, o2, o3 } = twoWorkersOneAccount("proc-loss");

    await a.processor.applyBatch(batch(profile, o1));
    await a.processor.applyBatch(batch(o2));
    expect(a.cache.get("acc-1")?.version).toBe(2);
    await accounts.lose(); // Redis lost everything: versions start again from 0
    await b.processor.applyBatch(batch(profile));
    await b.processor.applyBatch(batch(o3)); // version 2 again, with other events than A's version 2

    const [seen] = await a.store.loadMany([{ accountId: "acc-1", eventIds: [] }]);
    expect(seen?.version).toBe(2);
    expect(seen?.cached).toBe(false);
    expect(seen?.state?.orders.map((o) => o.eventId)).toEqual([o3.eventId]);
    await a.processor.applyBatch(batch(o1)); // o1's seen-marker went with the loss: it is applied again, once
    const stored = await accounts.load("acc-1");
    expect(stored.state?.orders.map((o) => o.eventId)).toEqual([o1.eventId, o3.eventId]);
    expect(stored.applied).toBe(3);
  });

  it("retries only the account that lost a compare-and-set inside a pipelined batch, and counts every event once", async () => {
    const accounts = sharedAccounts("proc-cas");
    const b = accounts.worker({ live: false });
    const now = Date.now();
    const late = orderPlaced("acc-x", now - 2 * DAY, "50.00");
    const commitRounds: string[][] = [];
    let raced = false;
    const a = accounts.worker({
      live: false,
      // Another worker commits acc-x between this worker's load and its commit of the same batch.
      wrap: (store) => ({
        ...store,
        async commitMany(commits) {
          commitRounds.push(commits.map((c) => c.accountId));
          if (!raced) {
            raced = true;
            await b.processor.applyBatch(batch(late));
          }
          return store.commitMany(commits);
        },
      }),
    });
    const events = ["acc-x", "acc-y", "acc-z"].flatMap((id) => [accountUpserted(id, now - 30 * DAY), orderPlaced(id, now - 3 * DAY, "10.00")]);

    const outcome = await a.processor.applyBatch(batch(...events));
    expect(commitRounds).toEqual([["acc-x", "acc-y", "acc-z"], ["acc-x"]]);
    for (const id of ["acc-x", "acc-y", "acc-z"]) expect(outcome.get(id), id).toEqual({ applied: 2, duplicates: 0, notifications: 0 });
    const x = await accounts.load("acc-x");
    expect(x.applied).toBe(3);
    expect(x.state?.orders).toHaveLength(2);
    expect((await accounts.load("acc-y")).applied).toBe(2);

    const again = await a.processor.applyBatch(batch(...events, late)); // the whole batch redelivered
    expect([...again.values()].reduce((n, o) => n + ("applied" in o ? o.applied : 99), 0)).toBe(0);
    expect((await accounts.load("acc-x")).applied).toBe(3);
    expect(a.loads.cached).toBeGreaterThan(0); // the redelivery was served from the cache
  });

  it("ticks the state another worker committed, not a stale cached one (a sweep must still find the alert)", async () => {
    const accounts = sharedAccounts("proc-tick");
    const sweeper = accounts.worker({ live: true });
    const loader = accounts.worker({ live: false });
    const now = Date.now();
    const [profile, ...orders] = decliningHistory("acc-down", now);
    await sweeper.processor.applyBatch(batch(profile as ChurnEvent));
    expect(sweeper.cache.get("acc-down")).toBeDefined();
    await loader.processor.applyBatch(batch(...orders)); // recorded as history: nothing judged yet

    const ticked = await sweeper.processor.tickMany(["acc-down"], new Date(now).toISOString());
    expect(ticked.get("acc-down")).toMatchObject({ notifications: 1 });
    const stored = await accounts.load("acc-down");
    expect(stored.state?.alerts["purchases.decline"]?.announcedLevel).toBeDefined();
    expect(stored.applied).toBe(orders.length + 1);
  });

  it("takes a large batch a slice of accounts per round trip, and applies every account", async () => {
    const accounts = sharedAccounts("proc-rounds");
    const a = accounts.worker({ live: false, accountsPerRound: 2 });
    const now = Date.now();
    const ids = ["acc-1", "acc-2", "acc-3", "acc-4", "acc-5"];
    const outcome = await a.processor.applyBatch(batch(...ids.map((id) => orderPlaced(id, now - DAY, "1.00"))));
    expect(a.loads.rounds).toEqual([2, 2, 1]);
    expect(ids.map((id) => outcome.get(id))).toEqual(ids.map(() => ({ applied: 1, duplicates: 0, notifications: 0 })));
    for (const id of ids) expect((await accounts.load(id)).applied, id).toBe(1);
  });
});
