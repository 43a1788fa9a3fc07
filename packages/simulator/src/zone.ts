/**
 * Fast UTC-offset lookup for IANA zones. Luxon asks Intl for every instant, which dominated the
 * run time; offsets only change at DST transitions, so they are cached per UTC day.
 */
const MINUTE = 60_000;
const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const dayOffsets = new Map<string, Map<number, number>>();

function rawOffset(zone: string, ms: number): number {
  let fmt = formatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, fmt);
  }
  const f: Record<string, number> = {};
  for (const part of fmt.formatToParts(new Date(ms))) f[part.type] = Number(part.value);
  const local = Date.UTC(f["year"] ?? 0, (f["month"] ?? 1) - 1, f["day"], f["hour"], f["minute"], f["second"]);
  return Math.round((local - Math.floor(ms / 1000) * 1000) / MINUTE);
}

/** Minutes east of UTC in `zone` at instant `ms`. */
export function zoneOffset(zone: string, ms: number): number {
  let days = dayOffsets.get(zone);
  if (!days) dayOffsets.set(zone, (days = new Map()));
  const day = Math.floor(ms / DAY);
  let offset = days.get(day);
  if (offset === undefined) {
    const first = rawOffset(zone, day * DAY);
    offset = first === rawOffset(zone, day * DAY + DAY - 1000) ? first : NaN; // NaN: a transition day
    days.set(day, offset);
  }
  return Number.isNaN(offset) ? rawOffset(zone, ms) : offset;
}

/** Wall-clock milliseconds (a local time written as if it were UTC). */
export function toLocal(ms: number, zone: string): number {
  return ms + zoneOffset(zone, ms) * MINUTE;
}

/** The instant of a wall-clock time; in a DST gap or overlap it picks a neighbouring valid instant. */
export function fromLocal(localMs: number, zone: string): number {
  const guess = localMs - zoneOffset(zone, localMs) * MINUTE;
  return localMs - zoneOffset(zone, guess) * MINUTE;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** ISO 8601 with the zone's offset and whole seconds, the same text as luxon's toISO({ suppressMilliseconds }). */
export function formatIso(ms: number, zone: string): string {
  const whole = Math.floor(ms / 1000) * 1000;
  const offset = zoneOffset(zone, whole);
  const d = new Date(whole + offset * MINUTE);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}
