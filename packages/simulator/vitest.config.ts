// The simulator's tests are pure: run them without the workspace's broker-starting global setup.
//   pnpm exec vitest run --root packages/simulator
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["src/**/*.test.ts"] },
});
