/**
 * Ground truth for a backtest: `accountId,churnedAt[,pattern]`, an optional header line. The notifier's
 * `/api/labels.csv` writes this format: confirmed defections, and `accountId,,not-a-risk` for accounts an
 * account manager declared not at risk, which count as known non-churners.
 */
export interface Label {
  accountId: string;
  churnedAt: string;
  churnedMs: number;
  pattern: string | null;
}

export class LabelsError extends Error {
  override readonly name = "LabelsError";
}

/** Parses the labels CSV; a bad line is an error naming the line (a backtest on wrong truth is worthless). */
export function parseLabels(csv: string): Label[] {
  const out: Label[] = [];
  const seen = new Set<string>();
  const lines = csv.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === "" || line.startsWith("#")) continue;
    const [accountId = "", churnedAt = "", pattern = ""] = line.split(",").map((c) => c.trim());
    if (out.length === 0 && seen.size === 0 && /^accountid$/i.test(accountId)) continue; // header
    const where = `labels line ${i + 1}`;
    if (accountId === "") throw new LabelsError(`${where}: accountId is empty`);
    if (churnedAt === "" && pattern === "not-a-risk") continue; // a known non-churner: unlabelled already means that
    const churnedMs = Date.parse(churnedAt);
    if (!/^\d{4}-\d{2}-\d{2}/.test(churnedAt) || !Number.isFinite(churnedMs)) {
      throw new LabelsError(`${where}: churnedAt ${JSON.stringify(churnedAt)} is not an ISO instant`);
    }
    if (seen.has(accountId)) throw new LabelsError(`${where}: account ${accountId} is labelled twice`);
    seen.add(accountId);
    out.push({ accountId, churnedAt, churnedMs, pattern: pattern === "" ? null : pattern });
  }
  return out;
}
