/**
 * Where the real data sets live and how they are read (I/O): gzipped CSV in the shared data folder.
 */
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

export const ONLINE_RETAIL_FILE = "online-retail-ii/invoices_even_customers_2009-12-01_2011-12-09.csv.gz";
export const RECEIVABLES_FILE = "accounts-receivable/accounts_receivable_2012_2013.csv.gz";

/**
 * The shared data folder: $CHURNWATCH_DATA, else `shared/data` beside the checkout (../shared/data from the
 * repository root, which is three levels above this file). Not copied into the repository: it is not ours to
 * commit, and the odd-id half of Online Retail is a hold-out nobody here should read.
 */
export function defaultDataDir(): string {
  const env = process.env.CHURNWATCH_DATA;
  if (env) return env;
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
  return resolve(repoRoot, "../shared/data");
}

export function dataFile(dir: string, file: string): string {
  return join(dir, file);
}

/** A gzipped text file, whole (the data sets are a few MB unpacked). */
export async function readGzipText(path: string): Promise<string> {
  return gunzipSync(await readFile(path)).toString("utf8");
}
