import { describe, expect, it } from "vitest";
import { dueSlot, isoWeek, latestSlot, nextSlot, previousSlot } from "../../../src/features/digests/schedule";

const monday9Berlin = { timezone: "Europe/Berlin", weekday: 1, hour: 9 };

describe("digest schedule", () => {
  it("ISO weeks: 2026-11-16 is in 2026-W47; 2021-01-01 belongs to 2020-W53; 2026-01-01 (a Thursday) to 2026-W01", () => {
    expect(isoWeek(2026, 11, 16)).toBe("2026-W47");
    expect(isoWeek(2026, 11, 22)).toBe("2026-W47"); // the Sunday of that week
    expect(isoWeek(2021, 1, 1)).toBe("2020-W53");
    expect(isoWeek(2026, 1, 1)).toBe("2026-W01");
    expect(isoWeek(2024, 12, 30)).toBe("2025-W01");
  });

  it("the slot is Monday 09:00 local (08:00 UTC in CET) and is due until the end of that local day", () => {
    const at = new Date("2026-11-16T08:00:00Z");
    expect(dueSlot(new Date("2026-11-16T07:59:59Z"), monday9Berlin)).toBeNull();
    expect(dueSlot(at, monday9Berlin)).toEqual({ at, localDate: "2026-11-16", week: "2026-W47" });
    expect(dueSlot(new Date("2026-11-16T22:59:00Z"), monday9Berlin)?.week).toBe("2026-W47"); // 23:59 local
    expect(dueSlot(new Date("2026-11-16T23:00:00Z"), monday9Berlin)).toBeNull(); // Tuesday 00:00 local
    expect(latestSlot(new Date("2026-11-20T12:00:00Z"), monday9Berlin).at).toEqual(at);
  });

  it("across DST: the week before 2026-03-30 09:00 CEST starts at 2026-03-23 09:00 CET", () => {
    const slot = latestSlot(new Date("2026-03-30T10:00:00Z"), monday9Berlin);
    expect(slot.at.toISOString()).toBe("2026-03-30T07:00:00.000Z");
    expect(previousSlot(slot, monday9Berlin).at.toISOString()).toBe("2026-03-23T08:00:00.000Z");
    expect(nextSlot(new Date("2026-03-30T10:00:00Z"), monday9Berlin).at.toISOString()).toBe("2026-04-06T07:00:00.000Z");
  });

  it("a Sunday slot belongs to the ISO week it ends", () => {
    const s = dueSlot(new Date("2026-11-22T18:30:00Z"), { timezone: "UTC", weekday: 7, hour: 18 });
    expect(s).toMatchObject({ localDate: "2026-11-22", week: "2026-W47" });
  });
});
