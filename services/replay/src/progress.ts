import { SingleBar } from "cli-progress";
import type { ReplayProgress } from "./replayer.ts";

export interface Progress {
  /** Starts a phase: `position` maps a progress report onto 0..total (bytes read, or events replayed). */
  phase(name: string, total: number, position: (p: ReplayProgress) => number): void;
  update(p: ReplayProgress): void;
  stop(): void;
}

const quiet: Progress = { phase: () => undefined, update: () => undefined, stop: () => undefined };

/** A bar on stderr when it is a terminal and progress is wanted; silent otherwise. */
export function createProgress(enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return quiet;
  const bar = new SingleBar({
    format: "{phase} [{bar}] {percentage}% | {events} events | {day}",
    stream: process.stderr,
    hideCursor: true,
    fps: 5,
  });
  let started = false;
  let total = 1;
  let position: (p: ReplayProgress) => number = () => 0;
  return {
    phase(name, t, pos) {
      total = Math.max(1, t);
      position = pos;
      if (started) bar.setTotal(total);
      else bar.start(total, 0, { events: 0, day: "", phase: name });
      started = true;
      bar.update(0, { phase: name, events: 0, day: "" });
    },
    update: (p) => bar.update(Math.min(total, position(p)), { events: p.events, day: p.at.slice(0, 10) }),
    stop: () => {
      if (started) bar.stop();
      started = false;
    },
  };
}
