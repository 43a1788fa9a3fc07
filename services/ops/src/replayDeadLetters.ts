// Entry point: `pnpm --filter @churnwatch/ops replay-dead-letters`. All logic lives in replayCommand.ts.
import { runMain } from "@churnwatch/platform";
import { runReplay } from "./replayCommand.ts";

await runMain(async () => {
  process.exitCode = await runReplay(process.argv.slice(2), {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
});
