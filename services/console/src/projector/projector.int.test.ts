import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { defaultConfig } from "@churnwatch/engine";
import { createLogger } from "@churnwatch/platform";
import { createTestDatabase, createTopics, deleteTopics, kafkaBrokers, produce, testKafka, uniqueName, waitFor } from "@churnwatch/testing";
import { createPool, migrate } from "../readModel/database.ts";
import { changelogValue, fixtureState } from "../testSupport/fixtures.ts";
import { createProjector } from "./kafkaProjector.ts";
import { projectAccountState } from "./project.ts";

const logger = createLogger("console-test", "silent");
const topics = {
  accountState: uniqueName("cw-console-state"),
  alertHistory: uniqueName("cw-console-history"),
  consoleAnswers: uniqueName("cw-console-answers"),
  interactions: uniqueName("cw-console-interactions"),
};
const now = Date.parse("2026-11-30T02:00:00Z");
const owner = { name: "Li Wei", email: "li.wei@example.com" };
const state = (version: number, score: number) =>
  changelogValue(
    fixtureState({ accountId: "acc-1", name: "Acme", tier: "strategic", region: "East", owner, monthly: Array(12).fill(10_000), alerts: [{ rule: "payments.overdue", level: "high", score }] }, now + version),
    version,
  );

describe("projector: account-state changelog, alert history, answers and interactions into PostgreSQL", () => {
  let db: { url: string; drop: () => Promise<void> };
  let pool: pg.Pool;
  let projector: ReturnType<typeof createProjector>;

  beforeAll(async () => {
    db = await createTestDatabase("cw_console_projector");
    await migrate(db.url, logger);
    pool = createPool(db.url);
    await createTopics(kafkaBrokers(), Object.values(topics));
    projector = createProjector({ kafka: testKafka(), groupId: uniqueName("cw-console-projector"), topics, pool, config: () => defaultConfig, logger });
    await projector.start();
  });
  afterAll(async () => {
    await projector?.stop();
    await pool?.end();
    await db?.drop();
    await deleteTopics(kafkaBrokers(), Object.values(topics));
  });

  it("keeps the newest version of an account, one risk point per version, each transition once", async () => {
    // Version 3 arrives before version 2 (a rebuild, a reordered relay): 2 must not overwrite it.
    await produce(topics.accountState, [
      { key: "acc-1", value: state(1, 60) },
      { key: "acc-1", value: state(3, 85) },
      { key: "acc-1", value: state(2, 70) },
      { key: "acc-1", value: "not json" },
    ]);
    const transition = {
      transitionId: "t-1", alertId: "acc-1:payments.overdue:1", accountId: "acc-1", rule: "payments.overdue", type: "fired",
      level: "high", score: 85, at: new Date(now).toISOString(), cause: "engine", actor: "engine", configVersion: "v1",
    };
    // At-least-once: the relay may write a transition twice.
    await produce(topics.alertHistory, [{ key: "acc-1", value: JSON.stringify(transition) }, { key: "acc-1", value: JSON.stringify(transition) }]);
    const answer = { type: "acknowledge", answerId: "a-1", accountId: "acc-1", alertId: transition.alertId, rule: "payments.overdue", actor: owner.email, at: new Date(now).toISOString() };
    await produce(topics.consoleAnswers, [{ key: "acc-1", value: JSON.stringify(answer) }]);

    const row = await waitFor(async () => {
      const r = await pool.query<{ version: string; score: number; level: string; n: string; t: string; a: string }>(
        `SELECT version, score, level,
           (SELECT count(*) FROM risk_points WHERE account_id = 'acc-1') AS n,
           (SELECT count(*) FROM alert_transitions WHERE account_id = 'acc-1') AS t,
           (SELECT count(*) FROM answers WHERE account_id = 'acc-1') AS a
         FROM accounts WHERE account_id = 'acc-1'`,
      );
      const x = r.rows[0];
      return x && x.n === "3" && x.t === "1" && x.a === "1" ? x : undefined;
    }, { timeoutMs: 30_000 });
    expect(row.version).toBe("3");
    const newest = projectAccountState("acc-1", state(3, 85), defaultConfig);
    if (newest.kind !== "account") throw new Error("the fixture does not project");
    expect([row.score, row.level]).toEqual([newest.row.score, newest.row.level]);
    const spend = await pool.query<{ spend: { months: unknown[]; baseline: string } }>("SELECT spend FROM accounts WHERE account_id = 'acc-1'");
    expect(spend.rows[0]?.spend.months).toHaveLength(12);
    expect(spend.rows[0]?.spend.baseline).toBe("10000.00");
  });
});
