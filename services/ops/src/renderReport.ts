import { oneLine } from "@churnwatch/explain";
import type { AccountReport } from "./accountReport.ts";

// Producer-supplied text could carry terminal escape sequences or line breaks; print it on one safe line.
const safe = (text: string) => oneLine(text, 300);

/** The terminal view of an account report: one fact per line, evidence indented under its alert. */
export function renderAccountReport(r: AccountReport): string {
  const lines: string[] = [`Account ${safe(r.accountId)}`];
  if (r.profile) {
    const p = r.profile;
    lines.push(`  name:        ${safe(p.name)}`, `  tier:        ${p.tier}`, `  region:      ${safe(p.region)}`, `  owner:       ${safe(p.owner)} <${safe(p.ownerEmail)}>`);
  } else {
    lines.push("  profile:     (none yet: no account.upserted applied)");
  }
  lines.push(
    `  events:      ${r.eventsApplied} applied`,
    `  clock:       ${r.clock ?? "(no events)"}`,
    `  T12M orders: ${r.t12m.formatted} in ${r.t12m.orders} order(s)`,
    `  risk:        ${r.risk.score}${r.risk.level ? ` (${r.risk.level})` : ""}`,
    `  open invoices: ${r.openInvoices}; unresolved complaints: ${r.unresolvedComplaints}`,
  );
  if (r.alerts.length === 0) lines.push("Alerts: none firing");
  else lines.push(`Alerts (${r.alerts.length} firing):`);
  for (const a of r.alerts) {
    const announced = a.announcedLevel ? `announced ${a.announcedLevel}` : "not announced";
    const recovering = a.recoveringSince ? `, recovering since ${a.recoveringSince}` : "";
    lines.push(`  - ${a.rule} ${a.level} score ${a.score}, fired ${a.firedAt}, ${announced}${recovering}`);
    for (const sentence of a.explanations) lines.push(`      ${sentence}`);
  }
  if (r.history.length > 0) lines.push(`History (last ${r.history.length}):`);
  for (const h of r.history) {
    lines.push(`  ${h.at}  ${h.rule} ${h.type} ${h.level} by ${safe(h.actor)}${h.note ? `: ${safe(h.note)}` : ""}`);
  }
  return `${lines.join("\n")}\n`;
}
