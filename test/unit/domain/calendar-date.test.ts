import { describe, expect, it } from "vitest";
import { addYears, MAX_YEARS_AHEAD, parseCalendarDate, parseInstant } from "../../../src/kernel/calendar-date";

const today = "2026-11-16";
const parse = (text: string, opts: Partial<Parameters<typeof parseCalendarDate>[1]> = {}) => parseCalendarDate(text, { today, ...opts });
const message = (r: ReturnType<typeof parseCalendarDate>) => (r.ok ? "" : r.message);

describe("parseCalendarDate: only real calendar dates", () => {
  it.each([
    ["2027-02-28", "2027-02-28"],
    ["2028-02-29", "2028-02-29"], // a leap year
    ["2027-04-30", "2027-04-30"],
    ["2027-12-31", "2027-12-31"],
    ["  2027-03-01 ", "2027-03-01"],
    ["2027-3-1", "2027-03-01"], // one-digit month and day are read, the result is canonical
  ])("%j → %s", (text, date) => {
    expect(parse(text)).toEqual({ ok: true, date });
  });

  it("2027-02-30 is refused, never rolled over into March", () => {
    const r = parse("2027-02-30");
    expect(r.ok).toBe(false);
    expect(message(r)).toBe("2027-02-30 is not a calendar date: February has 28 days.");
  });

  it("2027-04-31 is refused: April has 30 days", () => {
    expect(message(parse("2027-04-31"))).toBe("2027-04-31 is not a calendar date: April has 30 days.");
  });

  it("2027-13-01 is refused: there is no month 13", () => {
    expect(message(parse("2027-13-01"))).toBe("2027-13-01 is not a calendar date: there is no month 13 (months run from 01 to 12).");
    expect(message(parse("2027-00-10"))).toMatch(/no month 0/);
  });

  it("29 February exists only in leap years", () => {
    expect(parse("2028-02-29").ok).toBe(true);
    expect(message(parse("2027-02-29"))).toBe("2027-02-29 is not a calendar date: 2027 is not a leap year, so February 2027 has 28 days.");
    expect(parse("2000-02-29", { yearsBack: null }).ok).toBe(true); // divisible by 400
    expect(message(parse("2100-02-29", { yearsAhead: 100 }))).toMatch(/2100 is not a leap year/); // divisible by 100
  });

  it("day 0 and day 32 are refused", () => {
    expect(message(parse("2027-01-00"))).toMatch(/no day 0/);
    expect(message(parse("2027-01-32"))).toMatch(/January has 31 days/);
  });

  it.each(["", "tomorrow", "2027/02/01", "01-02-2027", "2027-02-01T10:00", "27-02-01", "2027-002-01", "２０２７-０２-０１"])(
    "the format %j is refused, with the expected one",
    (text) => {
      const r = parse(text, { label: "the expected close date" });
      expect(r.ok).toBe(false);
      expect(message(r)).toMatch(/give the expected close date as YYYY-MM-DD, e\.g\. 2026-11-16/);
    },
  );

  it(`no more than ${MAX_YEARS_AHEAD} years ahead`, () => {
    expect(parse("2036-11-16")).toEqual({ ok: true, date: "2036-11-16" });
    expect(message(parse("2036-11-17"))).toBe("2036-11-17 is more than 10 years ahead (the latest date accepted is 2036-11-16); check the year.");
    expect(message(parse("9999-12-31"))).toMatch(/more than 10 years ahead/);
  });

  it("no more than 10 years back by default; a field may drop the lower bound", () => {
    expect(parse("2016-11-16").ok).toBe(true);
    expect(message(parse("2016-11-15"))).toMatch(/more than 10 years ago \(the earliest date accepted is 2016-11-16\)/);
    expect(parse("0001-01-01", { yearsBack: null })).toEqual({ ok: true, date: "0001-01-01" });
  });

  it("addYears keeps the day, and turns 29 February into the 28th in a common year", () => {
    expect(addYears("2026-11-16", 10)).toBe("2036-11-16");
    expect(addYears("2028-02-29", 1)).toBe("2029-02-28");
    expect(addYears("2028-02-29", -4)).toBe("2024-02-29");
  });
});

describe("parseInstant: the CLI's --now", () => {
  const now = (text: string) => parseInstant(text, { today, label: "--now" });
  it("reads ISO times with a timezone, and a date alone as midnight UTC", () => {
    expect(now("2026-11-16T09:00:00Z")).toEqual({ ok: true, at: new Date("2026-11-16T09:00:00Z") });
    expect(now("2026-11-16T09:00:00.250Z")).toEqual({ ok: true, at: new Date("2026-11-16T09:00:00.250Z") });
    expect(now("2026-11-16 10:00+01:00")).toEqual({ ok: true, at: new Date("2026-11-16T09:00:00Z") });
    expect(now("2026-11-16T04:00-0500")).toEqual({ ok: true, at: new Date("2026-11-16T09:00:00Z") });
    expect(now("2026-11-16")).toEqual({ ok: true, at: new Date("2026-11-16T00:00:00Z") });
  });

  it("refuses impossible dates and times instead of rolling them over", () => {
    expect(now("2027-02-30T09:00:00Z")).toEqual({ ok: false, message: "2027-02-30 is not a calendar date: February has 28 days." });
    expect(now("2027-04-31T00:00:00Z")).toMatchObject({ ok: false, message: expect.stringMatching(/April has 30 days/) });
    expect(now("2026-11-16T24:00:00Z")).toMatchObject({ ok: false, message: expect.stringMatching(/not a time of day/) });
    expect(now("2026-11-16T09:00:00+25:00")).toMatchObject({ ok: false, message: expect.stringMatching(/not a timezone offset/) });
  });

  it("a time needs a timezone; other formats are refused with an example", () => {
    expect(now("2026-11-16T09:00")).toMatchObject({ ok: false, message: expect.stringMatching(/no timezone: add Z/) });
    expect(now("next monday")).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not a time: give it as YYYY-MM-DDTHH:MM:SSZ, e\.g\. 2026-11-16T09:00:00Z/),
    });
    expect(now("2040-01-01T00:00:00Z")).toMatchObject({ ok: false, message: expect.stringMatching(/more than 10 years ahead/) });
  });
});
