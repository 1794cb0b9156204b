import { describe, expect, it } from "vitest";
import {
  buildAttributionCsv,
  CSV_HEADER,
  csvField,
  decideExport,
  formatCreditPct,
  formatPayout,
  neutralizeFormula,
  parseCsv,
  parsePeriod,
  rowsFromRecord,
  toCsv,
  type ExportRow,
  type Period,
} from "../../../src/features/attribution/export-rules";

const NOW = new Date("2026-11-16T10:00:00Z");

function period(text: string, timezone = "UTC", now = NOW): Period {
  const r = parsePeriod(text, { timezone, now });
  if (!r.ok) throw new Error(r.reason);
  return r.period;
}
const iso = (p: Period) => [p.start.toISOString(), p.end.toISOString()];

describe("parsePeriod", () => {
  it("quarters, months and years are half-open intervals in UTC", () => {
    const q = period("2026-Q4");
    expect(q).toMatchObject({ label: "2026-Q4", kind: "quarter", firstDay: "2026-10-01", lastDay: "2026-12-31" });
    expect(iso(q)).toEqual(["2026-10-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"]);
    expect(iso(period("2026-Q1"))).toEqual(["2026-01-01T00:00:00.000Z", "2026-04-01T00:00:00.000Z"]);
    expect(period("2026-11")).toMatchObject({ label: "2026-11", firstDay: "2026-11-01", lastDay: "2026-11-30" });
    expect(iso(period("2026-12"))).toEqual(["2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"]);
    expect(period("2028-02").lastDay).toBe("2028-02-29");
    expect(iso(period("2026"))).toEqual(["2026-01-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"]);
  });

  it("accepts the usual spellings", () => {
    for (const s of ["2026-Q4", "2026q4", "2026Q4", "Q4-2026", "q4 2026", " 2026-q4 "]) expect(period(s).label).toBe("2026-Q4");
    expect(period("2026-3").label).toBe("2026-03");
  });

  it("starts and ends at local midnight in the program's timezone (DST included)", () => {
    // New York: EDT (UTC-4) on 1 October, EST (UTC-5) on 1 January.
    expect(iso(period("2026-Q4", "America/New_York"))).toEqual(["2026-10-01T04:00:00.000Z", "2027-01-01T05:00:00.000Z"]);
    // Berlin: March begins in CET (+1), April in CEST (+2).
    expect(iso(period("2026-03", "Europe/Berlin"))).toEqual(["2026-02-28T23:00:00.000Z", "2026-03-31T22:00:00.000Z"]);
    // Tokyo is ahead of UTC: November starts on 31 October in UTC.
    expect(iso(period("2026-11", "Asia/Tokyo"))).toEqual(["2026-10-31T15:00:00.000Z", "2026-11-30T15:00:00.000Z"]);
    // Kolkata: half-hour offset.
    expect(iso(period("2026", "Asia/Kolkata"))).toEqual(["2025-12-31T18:30:00.000Z", "2026-12-31T18:30:00.000Z"]);
  });

  it("a record computed just before local midnight belongs to the earlier period", () => {
    const q3 = period("2026-Q3", "America/Los_Angeles");
    const q4 = period("2026-Q4", "America/Los_Angeles");
    const lateSept30 = new Date("2026-10-01T06:59:59Z"); // 23:59:59 PDT on 30 September
    const oct1 = new Date("2026-10-01T07:00:00Z"); // 00:00 PDT on 1 October
    const inP = (p: Period, d: Date) => d >= p.start && d < p.end;
    expect(inP(q3, lateSept30)).toBe(true);
    expect(inP(q4, lateSept30)).toBe(false);
    expect(inP(q4, oct1)).toBe(true);
    expect(q3.end.getTime()).toBe(q4.start.getTime());
  });

  it("relative periods are read in the program's timezone", () => {
    expect(period("this-quarter").label).toBe("2026-Q4");
    expect(period("last-quarter").label).toBe("2026-Q3");
    expect(period("last quarter").label).toBe("2026-Q3");
    expect(period("this-month").label).toBe("2026-11");
    expect(period("last-month").label).toBe("2026-10");
    expect(period("last-year").label).toBe("2025");
    // 1 January 02:00 UTC is still 31 December in New York: "this quarter" there is Q4 of the old year.
    const newYear = new Date("2027-01-01T02:00:00Z");
    expect(period("this-quarter", "America/New_York", newYear).label).toBe("2026-Q4");
    expect(period("this-quarter", "UTC", newYear).label).toBe("2027-Q1");
    expect(period("last-quarter", "UTC", newYear).label).toBe("2026-Q4");
    expect(period("last-month", "UTC", newYear).label).toBe("2026-12");
  });

  it("refuses what it cannot read, saying what would work", () => {
    for (const [text, msg] of [
      ["2026-Q5", /Q1 to Q4/],
      ["2026-13", /01 to 12/],
      ["1999", /outside/],
      ["next-quarter", /not a period.*2026-Q4/],
      ["", /Which period/],
      ["Q4", /not a period/],
    ] as const) {
      const r = parsePeriod(text, { timezone: "UTC", now: NOW });
      expect(r.ok, text).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(msg);
    }
    const tz = parsePeriod("2026", { timezone: "Mars/Olympus", now: NOW });
    expect(tz.ok).toBe(false);
  });
});

describe("CSV", () => {
  it("quotes commas, quotes and newlines (RFC 4180) and ends every line with CRLF", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("Acme, Inc.")).toBe('"Acme, Inc."');
    expect(csvField('The "Best" Co')).toBe('"The ""Best"" Co"');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\rhere")).toBe('"cr\rhere"');
    expect(
      toCsv([
        ["a", "b,c"],
        ['"', ""],
      ]),
    ).toBe('a,"b,c"\r\n"""",\r\n');
  });

  it("round-trips through the parser", () => {
    const rows = [
      ["name", "note"],
      ['Acme, "Data" Inc.', "line 1\r\nline 2"],
      ["", "trailing,"],
      ["ünïcödé ✓", " spaced "],
    ];
    expect(parseCsv(toCsv(rows))).toEqual(rows);
  });

  it("neutralizes spreadsheet formulas in text cells", () => {
    expect(neutralizeFormula('=HYPERLINK("x")')).toBe('\'=HYPERLINK("x")');
    expect(neutralizeFormula("+1")).toBe("'+1");
    expect(neutralizeFormula("@SUM")).toBe("'@SUM");
    expect(neutralizeFormula("-x")).toBe("'-x");
    expect(neutralizeFormula("Acme")).toBe("Acme");
  });
});

describe("amounts", () => {
  it("credit is a plain percentage with 2 decimals", () => {
    expect(formatCreditPct(4500)).toBe("45.00");
    expect(formatCreditPct(3333)).toBe("33.33");
    expect(formatCreditPct(5)).toBe("0.05");
    expect(formatCreditPct(10000)).toBe("100.00");
    expect(formatCreditPct(0)).toBe("0.00");
  });

  it("payouts are major units with the currency's decimals and no separators", () => {
    expect(formatPayout(2_911_765, "USD")).toBe("29117.65");
    expect(formatPayout(100_000_000_00, "USD")).toBe("100000000.00");
    expect(formatPayout(5, "USD")).toBe("0.05");
    expect(formatPayout(0, "USD")).toBe("0.00");
    expect(formatPayout(1_234_567, "JPY")).toBe("1234567");
    expect(formatPayout(0, "JPY")).toBe("0");
    expect(formatPayout(1_234_567, "BHD")).toBe("1234.567");
    expect(formatPayout(1_234_567, "EUR")).toBe("12345.67");
  });
});

describe("rows", () => {
  const record = {
    dealRef: 12,
    accountName: "Initech, Inc.",
    accountDomain: "initech.example",
    seq: 1,
    configVersion: 1,
    computedAt: new Date("2026-11-16T10:00:00Z"),
    reason: "closed won",
    result: {
      model: "ROLE_SPLIT" as const,
      currency: "JPY",
      credits: [
        {
          orgId: "a",
          orgName: "Acme Data",
          internal: false,
          roles: ["TECHNICAL_VALIDATION" as const, "SOURCING" as const],
          creditBp: 4500,
          weightedTouchpoints: 0,
        },
        { orgId: "g", orgName: 'Globex "GX"', internal: false, roles: ["SELLING" as const], creditBp: 4000, weightedTouchpoints: 0 },
        { orgId: "o", orgName: "Ourco", internal: true, roles: ["INFLUENCE" as const], creditBp: 1500, weightedTouchpoints: 0 },
        { orgId: "z", orgName: "Zeta", internal: false, roles: ["IMPLEMENTATION" as const], creditBp: 0, weightedTouchpoints: 0 },
      ],
      payouts: [
        { orgId: "a", orgName: "Acme Data", amountMinor: 291_177 },
        { orgId: "g", orgName: 'Globex "GX"', amountMinor: 258_823 },
      ],
    },
  };

  it("one row per organization: partners payable with their payout, ours (and partners without credit) reported with 0", () => {
    const rows = rowsFromRecord(record);
    expect(rows.map((r) => [r.orgName, r.creditBp, r.payoutMinor, r.payable])).toEqual([
      ["Acme Data", 4500, 291_177, true],
      ['Globex "GX"', 4000, 258_823, true],
      ["Ourco", 1500, 0, false],
      ["Zeta", 0, 0, false],
    ]);
    expect(rows[0]!.roles).toEqual(["SOURCING", "TECHNICAL_VALIDATION"]);
  });

  it("builds the CSV: header, CS-12, quoted names, JPY without decimals", () => {
    const rows: ExportRow[] = rowsFromRecord(record);
    const csv = buildAttributionCsv(rows);
    const parsed = parseCsv(csv);
    expect(parsed[0]).toEqual([...CSV_HEADER]);
    expect(parsed).toHaveLength(5);
    const col = (name: (typeof CSV_HEADER)[number]) => CSV_HEADER.indexOf(name);
    const acme = parsed[1]!;
    expect(acme[col("deal")]).toBe("CS-12");
    expect(acme[col("account")]).toBe("Initech, Inc.");
    expect(acme[col("organization")]).toBe("Acme Data");
    expect(acme[col("org_kind")]).toBe("partner");
    expect(acme[col("roles")]).toBe("SOURCING;TECHNICAL_VALIDATION");
    expect(acme[col("credit_pct")]).toBe("45.00");
    expect(acme[col("payout")]).toBe("291177");
    expect(acme[col("currency")]).toBe("JPY");
    expect(acme[col("payable")]).toBe("yes");
    expect(acme[col("model")]).toBe("Role Split");
    expect(acme[col("config_version")]).toBe("1");
    expect(acme[col("record_seq")]).toBe("1");
    expect(acme[col("computed_at")]).toBe("2026-11-16T10:00:00.000Z");
    expect(parsed[2]![col("organization")]).toBe('Globex "GX"');
    expect(csv).toContain('"Globex ""GX"""');
    expect(parsed[3]).toMatchObject({ [col("organization")]: "Ourco", [col("org_kind")]: "internal", [col("payout")]: "0", [col("payable")]: "no" });
    expect(csv.endsWith("\r\n")).toBe(true);
    expect(csv.split("\r\n")).toHaveLength(6);
  });

  it("an empty export is the header alone", () => {
    expect(buildAttributionCsv([])).toBe(`${CSV_HEADER.join(",")}\r\n`);
  });
});

describe("decideExport", () => {
  it("internal people (reps and admins) may export; partners and strangers may not", () => {
    expect(decideExport({ kind: "internal", userId: "U", teamId: "T", isAdmin: false, orgId: null }).allowed).toBe(true);
    expect(decideExport({ kind: "internal", userId: "U", teamId: "T", isAdmin: true, orgId: null }).allowed).toBe(true);
    const partner = decideExport({ kind: "partner", userId: "U", teamId: "T", orgId: "o", orgName: "Acme" });
    expect(partner.allowed).toBe(false);
    expect(decideExport({ kind: "stranger", userId: "U", teamId: "T" }).allowed).toBe(false);
  });
});
