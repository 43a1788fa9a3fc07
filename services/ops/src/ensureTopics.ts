// Entry point: `pnpm --filter @churnwatch/ops ensure-topics`, the init step of compose and Kubernetes. It
// creates the missing topics with TOPIC_PARTITIONS partitions and leaves existing ones as they are.
import { runMain } from "@churnwatch/platform";
import { ensurePipelineTopics } from "./topicPlan.ts";

await runMain(async () => {
  await ensurePipelineTopics(process.env);
});
