// `tsx infra/dev/down.ts`: stop what up.ts, the demo or a test run started, found through .run/pids only,
// so a Kafka/Redis/maildev someone else runs is never touched. With `--demo` (`npm run demo:stop`): the demo's
// services and only the infrastructure the demo itself started; a broker that `infra:up` started for other
// work keeps running.
import { existsSync } from "node:fs";
import { stopKafka } from "./kafka.ts";
import { pidFile } from "./paths.ts";
import { status } from "./proc.ts";
import { stopRedis } from "./redis.ts";
import { stopMaildev } from "./smtp.ts";
import { stopDemoServices } from "./demoServices.ts";
import { forgetStartedByDemo, startedByDemo, type Infra } from "./startedBy.ts";

const onlyDemo = process.argv.includes("--demo");
const ownedByDemo = startedByDemo();

const infra: [Infra, string, () => Promise<boolean>][] = [
  ["maildev", "maildev", stopMaildev],
  ["redis", "Redis", stopRedis],
  ["kafka", "Kafka", stopKafka],
];
const steps: [string, () => Promise<boolean>][] = [["demo services", async () => (await stopDemoServices()).length > 0]];
for (const [id, name, stop] of infra) {
  if (!onlyDemo || ownedByDemo.has(id)) steps.push([name, stop]);
  else if (existsSync(pidFile(id))) status(`${name}: not started by the demo, left running (npm run infra:down stops it)`);
}

let failed = false;
// Each step on its own: one failure must not leave the others running.
for (const [name, stop] of steps) {
  try {
    if (!(await stop())) status(`${name}: nothing started by us is running`);
  } catch (error) {
    console.error(`stopping ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    failed = true;
  }
}
if (failed) process.exitCode = 1;
else forgetStartedByDemo();
