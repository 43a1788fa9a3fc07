/** A one-line progress bar on stderr, only when it is a terminal, so pipes and logs stay clean. */
export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

const quiet: Progress = { update: () => undefined, stop: () => undefined };

export function createProgress(stream: NodeJS.WriteStream = process.stderr, label = "replaying"): Progress {
  if (!stream.isTTY) return quiet;
  let last = 0;
  let drawn = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 100 && done < total) return; // redraw at most 10 times a second
      last = now;
      const share = total > 0 ? Math.min(1, done / total) : 1;
      const width = 30;
      const filled = Math.round(share * width);
      stream.write(`\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${Math.round(share * 100)}% ${done}/${total}`);
      drawn = true;
    },
    stop() {
      if (drawn) stream.write("\n");
      drawn = false;
    },
  };
}
