import { describe, expect, it } from "vitest";
import {
  DEFAULT_STALE_DAYS,
  addSlaHours,
  askAlertLevel,
  askDueAt,
  businessHoursProblem,
  closeDatePassed,
  localDate,
  localParts,
  staleDaysFor,
  staleLevel,
  zonedTimeToUtc,
  type BusinessHours,
} from "../../../src/kernel/sla-clock";

// Expected instants are written as ISO strings with the local offset, worked out by hand
// (CET = +01:00, CEST = +02:00, EST = -05:00, EDT = -04:00), never computed by the code under test.
const at = (iso: string) => new Date(iso);
const berlin: BusinessHours = { timezone: "Europe/Berlin", startHour: 9, endHour: 17, workdays: [1, 2, 3, 4, 5] };
const newYork: BusinessHours = { ...berlin, timezone: "America/New_York" };
const riyadhSunThu: BusinessHours = { timezone: "Asia/Riyadh", startHour: 9, endHour: 17, workdays: [7, 1, 2, 3, 4] };
const berlinAllDay: BusinessHours = { timezone: "Europe/Berlin", startHour: 0, endHour: 24, workdays: [1, 2, 3, 4, 5, 6, 7] };

describe("addSlaHours with business hours (9–17, Mon–Fri)", () => {
  it.each<[string, string, number, BusinessHours, string]>([
    ["Friday 16:00 ask, 24 h SLA → Wednesday 16:00", "2025-01-10T16:00:00+01:00", 24, berlin, "2025-01-15T16:00:00+01:00"],
    ["a full day's 8 h from opening ends at closing, same day", "2025-01-14T09:00:00+01:00", 8, berlin, "2025-01-14T17:00:00+01:00"],
    ["asked exactly at closing → counts from next opening", "2025-01-14T17:00:00+01:00", 1, berlin, "2025-01-15T10:00:00+01:00"],
    ["asked in the evening", "2025-01-14T18:00:00+01:00", 1, berlin, "2025-01-15T10:00:00+01:00"],
    ["asked before opening", "2025-01-14T07:30:00+01:00", 2, berlin, "2025-01-14T11:00:00+01:00"],
    ["asked on Saturday → starts Monday 09:00", "2025-01-11T10:00:00+01:00", 4, berlin, "2025-01-13T13:00:00+01:00"],
    ["half an hour at 16:45 spills into the next morning", "2025-01-14T16:45:00+01:00", 0.5, berlin, "2025-01-15T09:15:00+01:00"],
    ["40 h = five working days → same time next week", "2025-01-15T12:00:00+01:00", 40, berlin, "2025-01-22T12:00:00+01:00"],
    ["Berlin spring forward (Sun 30 Mar): Fri 16:00 + 24 h → Wed 16:00 CEST", "2025-03-28T16:00:00+01:00", 24, berlin, "2025-04-02T16:00:00+02:00"],
    ["Berlin fall back (Sun 26 Oct): Fri 16:00 + 24 h → Wed 16:00 CET", "2025-10-24T16:00:00+02:00", 24, berlin, "2025-10-29T16:00:00+01:00"],
    ["New York fall back (Sun 2 Nov): Fri 10:00 EDT + 16 h → Tue 10:00 EST", "2025-10-31T10:00:00-04:00", 16, newYork, "2025-11-04T10:00:00-05:00"],
    ["New York spring forward (Sun 9 Mar): Fri 16:00 EST + 2 h → Mon 10:00 EDT", "2025-03-07T16:00:00-05:00", 2, newYork, "2025-03-10T10:00:00-04:00"],
    ["the program's timezone decides, not the asker's: 15:00Z is 10:00 in New York", "2025-01-14T15:00:00Z", 2, newYork, "2025-01-14T12:00:00-05:00"],
    ["a Sunday–Thursday week: Thursday 16:00 + 4 h → Sunday 12:00", "2025-01-16T16:00:00+03:00", 4, riyadhSunThu, "2025-01-19T12:00:00+03:00"],
    ["round-the-clock hours equal elapsed time across a DST change", "2025-03-29T12:00:00+01:00", 24, berlinAllDay, "2025-03-30T13:00:00+02:00"],
  ])("%s", (_name, start, hours, bh, due) => {
    expect(addSlaHours(at(start), hours, bh).toISOString()).toBe(at(due).toISOString());
  });

  it("shows the due time on the local clock the program reads", () => {
    const due = addSlaHours(at("2025-03-28T16:00:00+01:00"), 24, berlin);
    expect(localParts(due, "Europe/Berlin")).toMatchObject({ y: 2025, m: 4, d: 2, h: 16, mi: 0, weekday: 3 });
  });

  it("a zero SLA is due at once", () => {
    expect(addSlaHours(at("2025-01-11T10:00:00+01:00"), 0, berlin).toISOString()).toBe("2025-01-11T09:00:00.000Z");
  });

  it("an unusable setting falls back to elapsed time instead of never being due", () => {
    const none = { ...berlin, workdays: [] };
    expect(businessHoursProblem(none)).toMatch(/working day/);
    expect(addSlaHours(at("2025-01-10T16:00:00+01:00"), 24, none).toISOString()).toBe(at("2025-01-11T16:00:00+01:00").toISOString());
    expect(businessHoursProblem({ ...berlin, startHour: 17, endHour: 9 })).not.toBeNull();
    expect(businessHoursProblem({ ...berlin, timezone: "Mars/Olympus" })).toMatch(/timezone/);
    expect(businessHoursProblem(berlin)).toBeNull();
  });
});

describe("addSlaHours without business hours", () => {
  it.each<[string, number, string]>([
    ["2025-01-10T16:00:00+01:00", 24, "2025-01-11T16:00:00+01:00"],
    // 24 real hours across Berlin's spring-forward night: the local clock reads 13:00.
    ["2025-03-29T12:00:00+01:00", 24, "2025-03-30T13:00:00+02:00"],
    ["2025-01-10T16:00:00+01:00", 1.5, "2025-01-10T17:30:00+01:00"],
  ])("%s + %i h → %s", (start, hours, due) => {
    expect(addSlaHours(at(start), hours, null).toISOString()).toBe(at(due).toISOString());
  });
});

describe("ask alerts", () => {
  const created = at("2025-01-10T16:00:00+01:00"); // Friday 16:00 Berlin
  // Due Wed 15 Jan 16:00 (24 business hours); escalates at 48 business hours: Mon 20 Jan 16:00.
  it("is due at the business-hours due time", () => {
    expect(askDueAt(created, 24, berlin).toISOString()).toBe(at("2025-01-15T16:00:00+01:00").toISOString());
  });

  it.each<[string, 0 | 1 | 2]>([
    ["2025-01-11T16:00:00+01:00", 0], // the weekend does not count
    ["2025-01-15T15:59:59+01:00", 0],
    ["2025-01-15T16:00:00+01:00", 1], // exactly due → overdue
    ["2025-01-17T12:00:00+01:00", 1],
    ["2025-01-20T15:59:59+01:00", 1],
    ["2025-01-20T16:00:00+01:00", 2], // exactly 2 × SLA → escalate
    ["2025-02-20T16:00:00+01:00", 2],
  ])("at %s the level is %i (business hours)", (now, level) => {
    expect(askAlertLevel(at(now), created, 24, berlin)).toBe(level);
  });

  it.each<[string, 0 | 1 | 2]>([
    ["2025-01-11T15:59:59.999+01:00", 0],
    ["2025-01-11T16:00:00+01:00", 1],
    ["2025-01-12T15:59:59.999+01:00", 1],
    ["2025-01-12T16:00:00+01:00", 2],
  ])("at %s the level is %i (wall clock)", (now, level) => {
    expect(askAlertLevel(at(now), created, 24, null)).toBe(level);
  });
});

describe("stale deals", () => {
  const last = at("2025-01-01T09:00:00Z");
  const plus = (days: number, ms = 0) => new Date(last.getTime() + days * 86_400_000 + ms);

  it.each<[number, number, number]>([
    [0, 0, 0],
    [13, 86_399_999, 0],
    [14, 0, 1],
    [27, 0, 1],
    [28, 0, 2],
    [42, 0, 3],
  ])("%i days + %i ms after the last activity → level %i (14-day period)", (days, ms, level) => {
    expect(staleLevel(plus(days, ms), last, 14)).toBe(level);
  });

  it("raises one new level per staleness period, so one alert per period", () => {
    const changes: number[] = [];
    let previous = 0;
    for (let day = 0; day <= 60; day++) {
      const level = staleLevel(plus(day), last, DEFAULT_STALE_DAYS);
      if (level !== previous) changes.push(day);
      expect(level).toBeGreaterThanOrEqual(previous);
      previous = level;
    }
    expect(changes).toEqual([14, 28, 42, 56]);
  });

  it("activity in the future or a disabled threshold is never stale", () => {
    expect(staleLevel(last, plus(3), 14)).toBe(0);
    expect(staleLevel(plus(100), last, 0)).toBe(0);
  });

  it("per-stage thresholds override the program default", () => {
    const perStage = { NEGOTIATION: 7, PROPOSAL: 0 };
    expect(DEFAULT_STALE_DAYS).toBe(14);
    expect(staleDaysFor("NEGOTIATION", perStage, DEFAULT_STALE_DAYS)).toBe(7);
    expect(staleDaysFor("PROPOSAL", perStage, DEFAULT_STALE_DAYS)).toBe(14); // 0 is not a threshold
    expect(staleDaysFor("DISCOVERY", perStage, DEFAULT_STALE_DAYS)).toBe(14);
    expect(staleLevel(plus(7), last, staleDaysFor("NEGOTIATION", perStage, 14))).toBe(1);
  });
});

describe("local dates and expected close dates", () => {
  it.each<[string, string, string]>([
    ["2025-12-31T23:30:00Z", "Europe/Berlin", "2026-01-01"],
    ["2025-12-31T23:30:00Z", "America/New_York", "2025-12-31"],
    ["2025-01-01T18:29:00Z", "Asia/Kolkata", "2025-01-01"],
    ["2025-01-01T18:30:00Z", "Asia/Kolkata", "2025-01-02"],
  ])("%s in %s is %s", (now, tz, date) => {
    expect(localDate(at(now), tz)).toBe(date);
  });

  it.each<[string, string, boolean]>([
    ["2025-06-30T21:59:00Z", "Europe/Berlin", false], // 23:59 on the 30th
    ["2025-06-30T22:00:00Z", "Europe/Berlin", true], // 00:00 on 1 July
    ["2025-07-01T06:59:00Z", "America/Los_Angeles", false], // still the 30th in California
    ["2025-07-01T07:00:00Z", "America/Los_Angeles", true],
    ["2025-06-15T12:00:00Z", "UTC", false],
  ])("a deal expected to close 2025-06-30: at %s (%s) passed = %s", (now, tz, passed) => {
    expect(closeDatePassed(at(now), "2025-06-30", tz)).toBe(passed);
  });

  it("ignores a malformed close date", () => {
    expect(closeDatePassed(at("2030-01-01T00:00:00Z"), "soon", "UTC")).toBe(false);
  });
});

describe("zonedTimeToUtc", () => {
  it.each<[string, { y: number; m: number; d: number; h: number; mi: number }, string, string]>([
    ["winter in Berlin", { y: 2025, m: 1, d: 10, h: 16, mi: 0 }, "Europe/Berlin", "2025-01-10T15:00:00Z"],
    ["summer in Berlin", { y: 2025, m: 7, d: 1, h: 9, mi: 0 }, "Europe/Berlin", "2025-07-01T07:00:00Z"],
    ["half-hour zone", { y: 2025, m: 1, d: 1, h: 0, mi: 0 }, "Asia/Kolkata", "2024-12-31T18:30:00Z"],
    ["quarter-hour zone", { y: 2025, m: 1, d: 1, h: 9, mi: 0 }, "Asia/Kathmandu", "2025-01-01T03:15:00Z"],
    ["Berlin 02:30 does not exist on 30 Mar → 03:30 CEST", { y: 2025, m: 3, d: 30, h: 2, mi: 30 }, "Europe/Berlin", "2025-03-30T01:30:00Z"],
    ["Berlin 02:30 happens twice on 26 Oct → the first (CEST)", { y: 2025, m: 10, d: 26, h: 2, mi: 30 }, "Europe/Berlin", "2025-10-26T00:30:00Z"],
    ["New York 02:30 does not exist on 9 Mar → 03:30 EDT", { y: 2025, m: 3, d: 9, h: 2, mi: 30 }, "America/New_York", "2025-03-09T07:30:00Z"],
    ["New York 01:30 happens twice on 2 Nov → the first (EDT)", { y: 2025, m: 11, d: 2, h: 1, mi: 30 }, "America/New_York", "2025-11-02T05:30:00Z"],
    ["hour 24 is the next midnight", { y: 2025, m: 1, d: 31, h: 24, mi: 0 }, "UTC", "2025-02-01T00:00:00Z"],
  ])("%s", (_name, local, tz, utc) => {
    expect(zonedTimeToUtc(local, tz).toISOString()).toBe(at(utc).toISOString());
  });

  it.each(["Europe/Berlin", "America/New_York", "Australia/Sydney"])("reads back the same wall clock for every hour of 2025 in %s", (tz) => {
    const mismatches: string[] = [];
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2026, 0, 1); t += 3_600_000) {
      const p = localParts(new Date(t), tz);
      const back = localParts(zonedTimeToUtc(p, tz), tz);
      if ([back.y, back.m, back.d, back.h, back.mi].join() !== [p.y, p.m, p.d, p.h, p.mi].join()) {
        mismatches.push(new Date(t).toISOString());
      }
    }
    expect(mismatches).toEqual([]);
  });
});
