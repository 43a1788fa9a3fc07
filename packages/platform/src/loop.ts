import type { Logger } from "pino";

export interface Loop {
  /** Runs the task as soon as the current run (if any) ends, instead of waiting for the interval. */
  kick(): void;
  /** Stops scheduling and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Runs `task` every `intervalMs`, never two runs at once. A failing run is logged and retried on the next
 * tick rather than killing the process: these are background duties (sweeps, relays, lag checks).
 */
export function startLoop(name: string, intervalMs: number, task: () => Promise<unknown>, logger: Logger): Loop {
  let stopped = false;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let again = false;

  const schedule = (delay: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(run, delay);
  };
  const run = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = task()
      .then(
        () => undefined,
        (err: unknown) => logger.error({ err, loop: name }, "background task failed; will retry"),
      )
      .finally(() => {
        running = undefined;
        const now = again;
        again = false;
        schedule(now ? 0 : intervalMs);
      });
  };
  schedule(0);
  return {
    kick: () => schedule(0),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** Repeats a batch step until it reports an empty batch; returns how many items it moved in all. */
export async function drainUntilEmpty(step: () => Promise<number>): Promise<number> {
  let moved = 0;
  for (let n = await step(); n > 0; n = await step()) moved += n;
  return moved;
}
