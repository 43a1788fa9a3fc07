import { describe, expect, it } from "vitest";
import { churnEventSchema } from "@churnwatch/contracts";
import { convertReceivables, DISPUTE_TEXT } from "./receivablesEvents.ts";
import { parseReceivables, parseUsDate } from "./receivablesRows.ts";

const text =
  "countryCode,customerID,PaperlessDate,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,Disputed,SettledDate,PaperlessBill,DaysToSettle,DaysLate\n" +
  "391,0379-NEVHP,4/6/2013,0000611365,1/2/2013,2/1/2013,55.94,No,1/15/2013,Paper,13,0\n" +
  "406,8976-AMJEO,3/3/2012,0007900770,1/26/2013,2/25/2013,61.74,Yes,3/3/2013,Electronic,36,6\n" +
  "406,8976-AMJEO,3/3/2012,0007900771,7/3/2013,8/2/2013,10,No,7/3/2013,Electronic,0,0\n";

describe("parseUsDate", () => {
  it("reads M/D/YYYY and refuses impossible days", () => {
    expect(parseUsDate("1/26/2013")).toEqual({ year: 2013, month: 1, day: 26 });
    expect(parseUsDate("2/29/2013")).toBeNull();
    expect(parseUsDate("2013-01-26")).toBeNull();
  });
});

describe("convertReceivables", () => {
  const { rows, rejected } = parseReceivables(text);

  it("issues at 09:00 and settles and falls due at 17:00 New York time, across the DST change", () => {
    expect(rejected).toEqual([]);
    const { events, summary } = convertReceivables(rows);
    const issued = events.filter((e) => e.type === "invoice.issued");
    expect(issued.map((e) => [e.occurredAt, e.data.dueAt, e.data.amount])).toEqual([
      ["2013-01-02T09:00:00-05:00", "2013-02-01T17:00:00-05:00", "55.94"],
      ["2013-01-26T09:00:00-05:00", "2013-02-25T17:00:00-05:00", "61.74"],
      ["2013-07-03T09:00:00-04:00", "2013-08-02T17:00:00-04:00", "10"],
    ]);
    // Settled the day it was issued: the payment still comes after the invoice.
    const sameDay = events.filter((e) => e.accountId === "ar-8976-AMJEO" && e.occurredAt.startsWith("2013-07-03")).map((e) => e.type);
    expect(sameDay).toEqual(["invoice.issued", "payment.received"]);
    expect(summary).toMatchObject({ accounts: 2, invoices: 3, payments: 3, disputed: 1, disputeComplaints: 0 });
    expect(events.some((e) => e.type === "complaint.opened")).toBe(false);
  });

  it("turns a dispute into a low complaint at the due date only when asked, and says it is approximated", () => {
    const { events } = convertReceivables(rows, { disputes: "complaint" });
    const complaints = events.filter((e) => e.type === "complaint.opened");
    expect(complaints).toHaveLength(1);
    expect(complaints[0]).toMatchObject({ accountId: "ar-8976-AMJEO", occurredAt: "2013-02-25T17:00:00-05:00", data: { severity: "low", text: DISPUTE_TEXT } });
    for (const e of events) expect(churnEventSchema.safeParse(e).success).toBe(true);
    expect(events[0]?.type).toBe("account.upserted");
  });
});
