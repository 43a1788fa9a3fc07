import { describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { formatIso, fromLocal, toLocal } from "./zone.ts";
import { Rng } from "./prng.ts";
import { officeHours, DAY } from "./time.ts";
import { regions } from "./pools.ts";

const zones = [...new Set(regions.flatMap((r) => r.timezones))];

describe("zone offsets", () => {
  it("formats exactly like luxon's toISO in every zone, across DST changes", () => {
    const rng = Rng.derive("zones");
    const from = Date.parse("2024-01-01T00:00:00Z");
    for (const zone of zones) {
      for (let i = 0; i < 400; i++) {
        const ms = Math.floor((from + rng.float(0, 3 * 365) * DAY) / 1000) * 1000;
        expect(formatIso(ms, zone)).toBe(DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }));
      }
    }
  });

  it("formats the hours around a DST switch", () => {
    const switchMs = Date.parse("2026-03-29T01:00:00Z"); // Europe/Berlin springs forward
    for (let m = -120; m <= 120; m += 15) {
      const ms = switchMs + m * 60_000;
      expect(formatIso(ms, "Europe/Berlin")).toBe(DateTime.fromMillis(ms, { zone: "Europe/Berlin" }).toISO({ suppressMilliseconds: true }));
    }
  });

  it("round-trips wall-clock times", () => {
    const ms = Date.parse("2026-07-01T09:30:00Z");
    expect(fromLocal(toLocal(ms, "America/Chicago"), "America/Chicago")).toBe(ms);
  });

  it("puts office work between 08:30 and 18:00 local time on weekdays", () => {
    const rng = Rng.derive("office");
    for (let i = 0; i < 500; i++) {
      const zone = rng.pick(zones);
      const ms = officeHours(Date.parse("2026-01-01T00:00:00Z") + rng.float(0, 365) * DAY, zone, rng, 0);
      const local = DateTime.fromMillis(ms, { zone });
      expect(local.weekday).toBeLessThanOrEqual(5);
      expect(local.hour * 60 + local.minute).toBeGreaterThanOrEqual(510);
      expect(local.hour * 60 + local.minute).toBeLessThan(1080);
    }
  });
});
