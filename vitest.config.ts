import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/**/src/**/*.test.ts", "services/**/src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    // Starts or reuses the shared Kafka broker and Redis once per run (see packages/testing).
    globalSetup: ["packages/testing/src/globalSetup.ts"],
    // Infra-backed files share one broker and one Redis (and a 2-core box): run files one at a time.
    // Tests inside a file stay sequential too (vitest's default).
    fileParallelism: false,
    // Infra tests poll with deadlines (consumer joins, queue retries); give them room, not sleeps.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Stopping a broker is SIGTERM + a controlled shutdown; allow for it.
    teardownTimeout: 60_000,
  },
});
