// Entry point: `pnpm --filter @churnwatch/ops inspect <accountId>`. All logic lives in inspectCommand.ts.
import { runMain } from "@churnwatch/platform";
import { runInspect } from "./inspectCommand.ts";

await runMain(async () => {
  process.exitCode = await runInspect(process.argv.slice(2), {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
});
