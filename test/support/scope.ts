import { afterEach } from "vitest";
import type { MaildevHandle } from "@churnwatch/testing";
import { stopService, type RunningService } from "./processes.ts";

/**
 * What an end-to-end test starts (service processes, SMTP sinks) and must undo (topics, keys), torn down
 * after each test in that order: services stop first, so nothing writes while the rest is removed.
 */
export function e2eScope() {
  const scope = {
    running: [] as RunningService[],
    sinks: [] as MaildevHandle[],
    cleanups: [] as Array<() => Promise<unknown>>,
  };
  afterEach(async () => {
    for (const s of scope.running) await stopService(s, "SIGTERM");
    for (const sink of scope.sinks) await sink.close();
    for (const c of scope.cleanups.reverse()) await c();
    scope.running = [];
    scope.sinks = [];
    scope.cleanups = [];
  });
  return scope;
}
