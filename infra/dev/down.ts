// `tsx infra/dev/down.ts`: stop what up.ts (or a test run) started, found through .run/pids only,
// so a Kafka/Redis/maildev someone else runs is never touched.
import { stopKafka } from "./kafka.ts";
import { status } from "./proc.ts";
import { stopRedis } from "./redis.ts";
import { stopMaildev } from "./smtp.ts";
import { stopDemoServices } from "./demoServices.ts";

const steps: [string, () => Promise<boolean>][] = [
  ["demo services", async () => (await stopDemoServices()).length > 0],
  ["maildev", stopMaildev],
  ["Redis", stopRedis],
  ["Kafka", stopKafka],
];

// Each step on its own: one failure must not leave the others running.
for (const [name, stop] of steps) {
  try {
    if (!(await stop())) status(`${name}: nothing started by us is running`);
  } catch (error) {
    console.error(`stopping ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
