// Entry point: `pnpm --filter @churnwatch/ops rebuild-redis`. All logic lives in rebuildCommand.ts.
import { runMain } from "@churnwatch/platform";
import { runRebuild } from "./rebuildCommand.ts";

await runMain(async () => {
  process.exitCode = await runRebuild(process.argv.slice(2), {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
});
