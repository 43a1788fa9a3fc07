import { defineConfig } from "vitest/config";

// The engine is pure: its tests need no broker, so they run without the root globalSetup.
export default defineConfig({
  test: { root: import.meta.dirname, include: ["src/**/*.test.ts"] },
});
