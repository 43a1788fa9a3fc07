import { describe, expect, it } from "vitest";
import { churnEventSchema } from "@churnwatch/contracts";
import { convertOnlineRetail } from "./onlineRetailEvents.ts";
import { parseOnlineRetail, ukLocalToInstant } from "./onlineRetailRows.ts";

describe("ukLocalToInstant", () => {
  it("gives GMT in winter and BST in summer, across both changes", () => {
    // Spring forward on 2011-03-27 at 01:00 GMT; fall back on 2010-10-31 at 02:00 BST.
    expect(ukLocalToInstant("2011-03-27 00:30:00")).toBe("2011-03-27T00:30:00+00:00");
    expect(ukLocalToInstant("2011-03-27 03:00:00")).toBe("2011-03-27T03:00:00+01:00");
    expect(Date.parse(ukLocalToInstant("2011-03-27 03:00:00")) - Date.parse(ukLocalToInstant("2011-03-27 00:30:00"))).toBe(1.5 * 3_600_000);
    expect(ukLocalToInstant("2010-10-31 00:59:00")).toBe("2010-10-31T00:59:00+01:00");
    expect(ukLocalToInstant("2010-10-31 02:00:00")).toBe("2010-10-31T02:00:00+00:00");
    expect(ukLocalToInstant("2011-06-10 12:00")).toBe("2011-06-10T12:00:00+01:00");
  });

  it("moves a time in the spring gap forward and reads the autumn overlap as winter time", () => {
    expect(ukLocalToInstant("2011-03-27 01:30:00")).toBe("2011-03-27T02:30:00+01:00");
    expect(ukLocalToInstant("2010-10-31 01:30:00")).toBe("2010-10-31T01:30:00+00:00");
  });

  it("refuses what is not a time", () => {
    expect(() => ukLocalToInstant("2011-02-30 10:00:00")).toThrow(RangeError);
    expect(() => ukLocalToInstant("10/02/2011 10:00")).toThrow(RangeError);
  });
});

const HEADER = "ts,customer_id,event_type,invoice_no,amount,lines,units,country\n";
const csv = (...lines: string[]) => HEADER + lines.join("\n") + "\n";

describe("convertOnlineRetail", () => {
  const text = csv(
    "2010-06-01 09:00:00,12346,order_placed,500001,100.10000000000001,3,10,United Kingdom",
    "2010-06-01 09:04:00,12346,order_placed,500002,0.2,1,1,United Kingdom",
    "2010-06-01 10:00:00,12346,credit_note_return,C500003,-15.299999999999999,1,-6,United Kingdom",
    "2010-06-02 09:00:00,12346,order_placed,500004,1143.421,2,2,United Kingdom",
    '2010-01-05 14:00:00,12348,order_placed,400001,50,1,1,"Korea, Republic of"',
    "2010-02-05 14:00:00,12350,credit_note_return,C400002,-5,1,-1,France",
    "2010-02-05 14:00:00,abc,order_placed,400003,5,1,1,France",
  );
  const { rows, rejected } = parseOnlineRetail(text);

  it("rejects a row with a non-numeric customer id, naming it", () => {
    expect(rejected).toEqual([{ record: 7, reason: 'customer_id "abc" is not numeric' }]);
  });

  it("merges a customer's invoices of one UK day, skips credit notes, keeps exact amounts", () => {
    const { events, summary } = convertOnlineRetail(rows);
    const orders = events.filter((e) => e.type === "order.placed");
    expect(orders.map((e) => [e.accountId, e.eventId, e.occurredAt, e.data.amount])).toEqual([
      ["uci-12348", "uci-order-400001", "2010-01-05T14:00:00+00:00", "50"],
      ["uci-12346", "uci-order-500001", "2010-06-01T09:00:00+01:00", "100.3"],
      ["uci-12346", "uci-order-500004", "2010-06-02T09:00:00+01:00", "1143.421"],
    ]);
    expect(summary).toMatchObject({ accounts: 2, orders: 3, invoicesMerged: 1, creditNotesSkipped: 2, creditOnlyCustomers: 1 });
    expect(convertOnlineRetail(rows, { mergeSameDay: false }).summary.orders).toBe(4);
  });

  it("puts each profile first, before its first order, and every event passes the wire contract", () => {
    const { events } = convertOnlineRetail(rows);
    expect(events.map((e) => e.type)).toEqual(["account.upserted", "order.placed", "account.upserted", "order.placed", "order.placed"]);
    const profile = events[2];
    expect(profile?.type === "account.upserted" && profile.data).toMatchObject({ timezone: "Europe/London", currency: "GBP", locale: "en", region: "United Kingdom" });
    const korea = events[0];
    expect(korea?.type === "account.upserted" && korea.data.region).toBe("Korea, Republic of");
    for (const e of events) expect(churnEventSchema.safeParse(e).success).toBe(true);
    const times = events.map((e) => Date.parse(e.occurredAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it("ranks tiers on revenue before the tier cut only", () => {
    const tiersAt = (tierCutMs?: number) => {
      const { events } = convertOnlineRetail(rows, tierCutMs === undefined ? {} : { tierCutMs });
      return Object.fromEntries(events.flatMap((e) => (e.type === "account.upserted" ? [[e.accountId, e.data.tier]] : [])));
    };
    // Two accounts: round(2 × 5%) = 0 strategic, round(2 × 25%) = 1 partner, the larger revenue.
    expect(tiersAt()).toEqual({ "uci-12346": "partner", "uci-12348": "ordinary" });
    // Before June 2010 only 12348 had bought: it is the partner, 12346 (no revenue yet) ordinary.
    expect(tiersAt(Date.parse("2010-03-01T00:00:00Z"))).toEqual({ "uci-12346": "ordinary", "uci-12348": "partner" });
  });
});
