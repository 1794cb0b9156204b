import { describe, expect, it } from "vitest";
import { CsvError, decodeCsvBytes, parseCsv, readCsv, sniffDelimiter } from "../../../src/kernel/csv";

const fields = (text: string) => parseCsv(text).map((r) => r.fields);

describe("CSV reader (RFC 4180)", () => {
  it("splits fields and records on LF, CRLF and lone CR", () => {
    expect(fields("a,b,c\n1,2,3\n")).toEqual([
      ["a", "b", "c"],
      ["1", "2", "3"],
    ]);
    expect(fields("a,b\r\n1,2\r\n")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(fields("a,b\r1,2")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(fields("a,b\n1,2")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]); // no final line break
  });

  it("keeps empty fields, including a trailing one", () => {
    expect(fields("a,,c\n,,\n")).toEqual([
      ["a", "", "c"],
      ["", "", ""],
    ]);
    expect(fields("a,b,")).toEqual([["a", "b", ""]]);
  });

  it("reads quoted fields with commas, doubled quotes and line breaks", () => {
    const text = 'name,note\r\n"Acme, Inc.","said ""hi""\r\nthen left"\r\nNorthwind,plain\r\n';
    expect(fields(text)).toEqual([
      ["name", "note"],
      ["Acme, Inc.", 'said "hi"\r\nthen left'],
      ["Northwind", "plain"],
    ]);
  });

  it("numbers records like spreadsheet rows: a quoted line break stays in its row, an empty line is a row", () => {
    const recs = parseCsv('h1,h2\n"multi\nline",x\n\nlast,y\n');
    expect(recs.map((r) => r.row)).toEqual([1, 2, 3, 4]);
    expect(recs[2]!.fields).toEqual([""]);
    expect(recs[3]!.fields).toEqual(["last", "y"]);
  });

  it("drops a byte order mark", () => {
    expect(fields("\uFEFFdomain\nacme.com\n")).toEqual([["domain"], ["acme.com"]]);
  });

  it("is lenient with stray quotes inside unquoted fields and text after a closing quote", () => {
    expect(fields('a 12" screen,"quoted"tail\n')).toEqual([['a 12" screen', "quotedtail"]]);
  });

  it("refuses an unterminated quote, naming the row where it opened", () => {
    expect(() => parseCsv('a,b\n1,2\n"oops,3\n4,5\n')).toThrow(CsvError);
    try {
      parseCsv('a,b\n1,2\n"oops,3\n4,5\n');
    } catch (e) {
      expect((e as CsvError).row).toBe(3);
      expect((e as Error).message).toMatch(/row 3 is never closed/);
    }
  });

  it("sniffs semicolon and tab delimiters from the header line (outside quotes)", () => {
    expect(sniffDelimiter("name;domain;arr\nA;a.com;1,5\n")).toBe(";");
    expect(sniffDelimiter("name\tdomain\n")).toBe("\t");
    expect(sniffDelimiter('"a;b;c",domain\n')).toBe(",");
    expect(fields("name;domain\nAcme, Inc.;acme.com\n")).toEqual([
      ["name", "domain"],
      ["Acme, Inc.", "acme.com"],
    ]);
  });

  it("reads lazily (a generator)", () => {
    const it = readCsv("a\nb\nc\n");
    expect(it.next().value).toEqual({ row: 1, fields: ["a"] });
    expect(it.next().value).toEqual({ row: 2, fields: ["b"] });
  });

  it("decodes UTF-8 (with or without BOM), UTF-16 with its BOM, and falls back to Windows-1252", () => {
    expect(decodeCsvBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0xc3, 0xa9]))).toBe("aé");
    expect(decodeCsvBytes(new Uint8Array([0x61, 0xc3, 0xa9]))).toBe("aé");
    expect(decodeCsvBytes(new Uint8Array([0xff, 0xfe, 0x61, 0x00, 0xe9, 0x00]))).toBe("aé");
    expect(decodeCsvBytes(new Uint8Array([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x80]))).toBe("Müller€");
  });

  it("reads an empty input as no records", () => {
    expect(fields("")).toEqual([]);
    expect(fields("\uFEFF")).toEqual([]);
  });
});
