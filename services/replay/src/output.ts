import { createWriteStream } from "node:fs";
import { once } from "node:events";
import type { Writable } from "node:stream";

const CHUNK_CHARS = 256 * 1024;

/** Writes lines to a file or stdout (`-`) with backpressure, a few hundred kilobytes in flight. */
export async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const toStdout = path === "-";
  const out: Writable = toStdout ? process.stdout : createWriteStream(path, { encoding: "utf8" });
  const failed = new Promise<never>((_, reject) => out.once("error", reject));
  failed.catch(() => undefined);
  let buffer = "";
  for (const line of lines) {
    buffer += line + "\n";
    if (buffer.length >= CHUNK_CHARS) {
      const ok = out.write(buffer);
      buffer = "";
      if (!ok) await Promise.race([once(out, "drain"), failed]);
    }
  }
  if (buffer) out.write(buffer);
  if (!toStdout) {
    out.end();
    await Promise.race([once(out, "finish"), failed]);
  }
}
