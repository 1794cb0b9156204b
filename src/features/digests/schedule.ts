// When the weekly digests run: the program's weekday and hour in its timezone (default Monday
// 09:00). Pure: the current time is always an argument.
//
// - The slot of a week is the instant the program's wall clock reads <weekday> <hour>:00 (DST
//   handled by zonedTimeToUtc: a skipped hour moves forward, a repeated one takes the first).
// - Each slot belongs to one ISO week (of its local date), so a period key "2026-W47" names the
//   digest of a week whatever the slot's weekday; changing the weekday mid-week never gives a
//   second digest for the same week.
// - A slot is due from its instant until the end of its local day: a process that was down at
//   09:00 and starts at 11:00 the same day catches up; one that starts the next day does not
//   (that week's standup has passed; the next slot comes a week later).

import { localParts, zonedTimeToUtc } from "../../kernel/sla-clock";

export interface DigestSchedule {
  timezone: string;
  /** ISO weekday, 1 = Monday … 7 = Sunday */
  weekday: number;
  /** local hour 0–23 */
  hour: number;
}

export interface DigestSlot {
  /** the instant of the slot */
  at: Date;
  /** its local date, YYYY-MM-DD */
  localDate: string;
  /** its ISO week, e.g. "2026-W47" */
  week: string;
}

const DAY_MS = 86_400_000;
const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** ISO 8601 week of a calendar date: "2026-W47" (weeks start Monday; week 1 holds the first Thursday). */
export function isoWeek(y: number, m: number, d: number): string {
  const date = new Date(Date.UTC(y, m - 1, d));
  const weekday = date.getUTCDay() || 7;
  // The Thursday of this week decides the year.
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const year = date.getUTCFullYear();
  const week = Math.ceil(((date.getTime() - Date.UTC(year, 0, 1)) / DAY_MS + 1) / 7);
  return `${year}-W${pad(week)}`;
}

function clampSchedule(s: DigestSchedule): DigestSchedule {
  const weekday = Number.isInteger(s.weekday) && s.weekday >= 1 && s.weekday <= 7 ? s.weekday : 1;
  const hour = Number.isInteger(s.hour) && s.hour >= 0 && s.hour <= 23 ? s.hour : 9;
  return { timezone: s.timezone, weekday, hour };
}

function slotOnLocalDate(y: number, m: number, d: number, s: DigestSchedule): DigestSlot {
  const day = new Date(Date.UTC(y, m - 1, d));
  const [yy, mm, dd] = [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()];
  return {
    at: zonedTimeToUtc({ y: yy, m: mm, d: dd, h: s.hour, mi: 0 }, s.timezone),
    localDate: `${pad(yy, 4)}-${pad(mm)}-${pad(dd)}`,
    week: isoWeek(yy, mm, dd),
  };
}

/** The most recent slot at or before `now`. */
export function latestSlot(now: Date, schedule: DigestSchedule): DigestSlot {
  const s = clampSchedule(schedule);
  const p = localParts(now, s.timezone);
  const back = (p.weekday - s.weekday + 7) % 7;
  let slot = slotOnLocalDate(p.y, p.m, p.d - back, s);
  if (slot.at.getTime() > now.getTime()) slot = slotOnLocalDate(p.y, p.m, p.d - back - 7, s);
  return slot;
}

/** The slot a week before `slot` (the start of the week a digest covers). */
export function previousSlot(slot: DigestSlot, schedule: DigestSchedule): DigestSlot {
  const s = clampSchedule(schedule);
  const [y, m, d] = slot.localDate.split("-").map(Number) as [number, number, number];
  return slotOnLocalDate(y, m, d - 7, s);
}

/** The next slot strictly after `now`. */
export function nextSlot(now: Date, schedule: DigestSchedule): DigestSlot {
  const s = clampSchedule(schedule);
  const last = latestSlot(now, s);
  const [y, m, d] = last.localDate.split("-").map(Number) as [number, number, number];
  return slotOnLocalDate(y, m, d + 7, s);
}

/**
 * The slot to run now, or null: the latest slot when `now` is on the same local day as it
 * (at or after its instant). A slot missed for a whole local day is not run.
 */
export function dueSlot(now: Date, schedule: DigestSchedule): DigestSlot | null {
  const s = clampSchedule(schedule);
  const slot = latestSlot(now, s);
  const p = localParts(now, s.timezone);
  const today = `${pad(p.y, 4)}-${pad(p.m)}-${pad(p.d)}`;
  return today === slot.localDate ? slot : null;
}
