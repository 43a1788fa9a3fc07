import type { Logger } from "pino";

export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Traps SIGTERM and SIGINT once: stops the service within a deadline, then exits. A second signal
 * during shutdown exits at once, so an operator is never stuck.
 */
export function installShutdown(service: Stoppable, logger: Logger, deadlineMs = 30_000): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal during shutdown, exiting now");
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal }, "shutting down");
    const timer = setTimeout(() => {
      logger.error({ deadlineMs }, "shutdown deadline passed, exiting");
      process.exit(1);
    }, deadlineMs);
    timer.unref();
    service.stop().then(
      () => {
        logger.info("stopped cleanly");
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, "error while stopping");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
}

/** Runs every cleanup step even when an earlier one fails, then reports all failures together. */
export async function closeAll(steps: Array<[string, () => Promise<unknown>]>, logger: Logger): Promise<void> {
  const failures: string[] = [];
  for (const [name, step] of steps) {
    try {
      await step();
    } catch (err) {
      failures.push(name);
      logger.error({ err, step: name }, "cleanup step failed");
    }
  }
  if (failures.length > 0) throw new Error(`cleanup failed: ${failures.join(", ")}`);
}

/** Memoises an async close so a second call returns the same promise (idempotent stop). */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () => (pending ??= fn());
}
