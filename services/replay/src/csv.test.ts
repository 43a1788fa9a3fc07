import { describe, expect, it } from "vitest";
import { CsvError, csvRecords, parseCsv } from "./csv.ts";

describe("parseCsv", () => {
  it("reads quoted fields with commas, doubled quotes and line breaks", () => {
    const text = 'a,b,c\n1,"Smith, J",x\n2,"say ""hi""",y\n3,"two\nlines",z\n';
    expect(parseCsv(text)).toEqual([
      ["a", "b", "c"],
      ["1", "Smith, J", "x"],
      ["2", 'say "hi"', "y"],
      ["3", "two\nlines", "z"],
    ]);
  });

  it("takes CRLF line ends, skips blank lines, keeps empty and quoted-empty fields, needs no final newline", () => {
    expect(parseCsv('a,b\r\n\r\n,""\r\n"",\r\nx,y')).toEqual([
      ["a", "b"],
      ["", ""],
      ["", ""],
      ["x", "y"],
    ]);
  });

  it("refuses an unclosed quote and a quote inside an unquoted field", () => {
    expect(() => parseCsv('a\n"open')).toThrow(CsvError);
    expect(() => parseCsv('a\nab"c"')).toThrow(/line 2/);
  });
});

describe("csvRecords", () => {
  it("keys records by header name in any column order, past a byte-order mark", () => {
    expect(csvRecords('\ufeffz,y,x\n1,"2,5",3\n', ["x", "y"])).toEqual([{ x: "3", y: "2,5" }]);
  });

  it("names missing columns and short records", () => {
    expect(() => csvRecords("x\n1\n", ["x", "y"])).toThrow(/missing column\(s\) y/);
    expect(() => csvRecords("x,y\n1\n", ["x", "y"])).toThrow(/data record 1: 1 fields/);
  });
});
