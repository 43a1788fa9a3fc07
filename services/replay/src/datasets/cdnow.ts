/**
 * Reader of the CDNOW cohort (Fader & Hardie's CD buyers of 1997–98, see shared/data/README.md):
 * `customer_id,date,cds_bought,dollar_value`, gzipped, one row per purchase, dates as local YYYYMMDD.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";

export interface CdnowRow {
  /** As in the file, zero-padded ("00001"): it is an id, not a number. */
  customerId: string;
  /** YYYYMMDD, a calendar date with no time of day. */
  date: string;
  cds: number;
  /** The file's decimal text, kept as text so no float rounding creeps into amounts. */
  dollars: string;
}

const HEADER = "customer_id,date,cds_bought,dollar_value";
const DATE = /^(\d{4})(\d{2})(\d{2})$/;
const DAY_MS = 86_400_000;

/** Epoch day number (1970-01-01 is 0) of a YYYYMMDD date, the same scale as the engine's buyingDays. */
export function epochDayOf(date: string): number {
  const m = DATE.exec(date);
  if (m === null) throw new RangeError(`not a YYYYMMDD date: ${JSON.stringify(date)}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    throw new RangeError(`not a calendar date: ${date}`);
  }
  return ms / DAY_MS;
}

export class CdnowFormatError extends Error {}

/** Parses one data line; `line` is its 1-based number, for the error message. */
export function parseCdnowLine(text: string, line: number): CdnowRow {
  const fields = text.split(",");
  const [customerId, date, cds, dollars] = fields;
  if (fields.length !== 4 || customerId === undefined || date === undefined || cds === undefined || dollars === undefined) {
    throw new CdnowFormatError(`line ${line}: expected 4 fields, got ${fields.length}`);
  }
  if (!/^\d+$/.test(customerId)) throw new CdnowFormatError(`line ${line}: bad customer_id ${JSON.stringify(customerId)}`);
  try {
    epochDayOf(date);
  } catch (err) {
    throw new CdnowFormatError(`line ${line}: ${(err as Error).message}`);
  }
  if (!/^\d+$/.test(cds)) throw new CdnowFormatError(`line ${line}: bad cds_bought ${JSON.stringify(cds)}`);
  if (!/^\d+(\.\d+)?$/.test(dollars)) throw new CdnowFormatError(`line ${line}: bad dollar_value ${JSON.stringify(dollars)}`);
  return { customerId, date, cds: Number(cds), dollars };
}

/** Streams the rows of a gzipped CDNOW CSV (the header is checked, not returned). */
export async function* readCdnow(path: string): AsyncGenerator<CdnowRow> {
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    line++;
    const text = raw.trim();
    if (line === 1) {
      if (text !== HEADER) throw new CdnowFormatError(`line 1: expected header ${HEADER}, got ${JSON.stringify(text)}`);
      continue;
    }
    if (text === "") continue;
    yield parseCdnowLine(text, line);
  }
}

export async function loadCdnow(path: string): Promise<CdnowRow[]> {
  const rows: CdnowRow[] = [];
  for await (const row of readCdnow(path)) rows.push(row);
  return rows;
}
