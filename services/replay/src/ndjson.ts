import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { decodeEvent, type ChurnEvent, type InvalidReason } from "@churnwatch/contracts";

export interface InvalidLine {
  line: number;
  reason: InvalidReason;
  detail: string;
}

export interface ReadStats {
  lines: number;
  invalid: number;
  /** Bytes consumed so far, for a progress bar against the file size. */
  bytes: number;
}

export interface ReadOptions {
  /** Called for each line that fails the wire contract; the run goes on. */
  onInvalid?: (bad: InvalidLine) => void;
  stats?: ReadStats;
}

export function newReadStats(): ReadStats {
  return { lines: 0, invalid: 0, bytes: 0 };
}

/** A path, or `-` for stdin. */
export function openInput(path: string): Readable {
  return path === "-" ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
}

/**
 * Splits a byte stream on newlines without decoding it to one big string: each line is handed to the
 * wire decoder as a Buffer. Memory stays at one chunk plus one partial line.
 */
export async function* splitLines(source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, stats?: ReadStats): AsyncGenerator<Buffer> {
  let carry: Buffer | undefined;
  for await (const raw of source) {
    const chunk = typeof raw === "string" ? Buffer.from(raw, "utf8") : raw;
    if (stats) stats.bytes += chunk.byteLength;
    let start = 0;
    let nl = chunk.indexOf(10, start);
    while (nl !== -1) {
      const piece = chunk.subarray(start, nl);
      yield carry ? Buffer.concat([carry, piece]) : piece;
      carry = undefined;
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    if (start < chunk.byteLength) {
      const rest = chunk.subarray(start);
      // Copy: the stream may reuse its chunk buffer.
      carry = carry ? Buffer.concat([carry, rest]) : Buffer.from(rest);
    }
  }
  if (carry && carry.byteLength > 0) yield carry;
}

/** Decodes NDJSON wire events; blank lines are skipped, invalid ones reported and counted, never fatal. */
export async function* readEvents(source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, opts: ReadOptions = {}): AsyncGenerator<ChurnEvent> {
  const stats = opts.stats ?? newReadStats();
  for await (const line of splitLines(source, stats)) {
    stats.lines++;
    const end = line.byteLength > 0 && line[line.byteLength - 1] === 13 ? line.byteLength - 1 : line.byteLength;
    const body = end === line.byteLength ? line : line.subarray(0, end);
    if (isBlank(body)) continue;
    const decoded = decodeEvent(body);
    if (decoded.ok) {
      yield decoded.event;
      continue;
    }
    stats.invalid++;
    opts.onInvalid?.({ line: stats.lines, reason: decoded.reason, detail: decoded.detail });
  }
}

function isBlank(line: Buffer): boolean {
  for (let i = 0; i < line.byteLength; i++) {
    const c = line[i];
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}
