// Calendar dates as people pick or type them ("2027-02-28"). Strict: a date that does not exist
// (2027-02-30, 2027-04-31, 2027-13-01) is refused with what is wrong, never rolled over into the
// next month the way JavaScript's Date does. Pure: today's local date is an argument.
//
// Every date a person gives (the registration's expected close date, a touchpoint's `--when`
// or picked time, the CLI's `--now`) goes through parseCalendarDate.

/** No date may lie further ahead than this (a close date in 2099 is a typo, not a plan). */
export const MAX_YEARS_AHEAD = 10;
/** …or further back (a touchpoint from 1970 is a typo too). */
const MAX_YEARS_BACK = 10;

export type CalendarDateResult = { ok: true; date: string } | { ok: false; message: string };

export interface CalendarDateOptions {
  /** today's date (YYYY-MM-DD) in the program's timezone: the allowed range is counted from it */
  today: string;
  /** the field as named inside a sentence, for format errors: "the expected close date" */
  label?: string;
  /** the latest allowed date is today + this many years (default MAX_YEARS_AHEAD) */
  yearsAhead?: number;
  /** the earliest allowed date is today − this many years (default MAX_YEARS_BACK); null: no lower bound */
  yearsBack?: number | null;
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"] as const;

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

function formatCalendarDate(y: number, m: number, d: number): string {
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** The same day `years` later (or earlier, when negative); 29 February becomes the 28th in a common year. */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const ny = y + years;
  return formatCalendarDate(ny, m, Math.min(d, daysInMonth(ny, m)));
}

/**
 * Reads `YYYY-MM-DD` (a one-digit month or day is accepted: `2027-3-1`) into the canonical
 * `YYYY-MM-DD`, refusing impossible dates, other formats, and dates more than `yearsAhead` years
 * after or `yearsBack` years before today. Field-specific rules (a close date may not be in the
 * past, a touchpoint not in the future) stay with their fields.
 */
export function parseCalendarDate(text: string, opts: CalendarDateOptions): CalendarDateResult {
  const raw = text.trim();
  const label = opts.label ?? "the date";
  const format = `give ${label} as YYYY-MM-DD, e.g. ${opts.today}`;
  if (raw === "") return { ok: false, message: `No date given: ${format}.` };
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(raw);
  if (!m) return { ok: false, message: `"${raw}" is not a date: ${format}.` };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12) return { ok: false, message: `${raw} is not a calendar date: there is no month ${mo} (months run from 01 to 12).` };
  const days = daysInMonth(y, mo);
  if (d < 1 || d > days) {
    const why =
      d < 1 ? "there is no day 0" : mo === 2 && d === 29 ? `${y} is not a leap year, so February ${y} has 28 days` : `${MONTHS[mo - 1]} has ${days} days`;
    return { ok: false, message: `${raw} is not a calendar date: ${why}.` };
  }
  const date = formatCalendarDate(y, mo, d);
  const ahead = opts.yearsAhead ?? MAX_YEARS_AHEAD;
  const back = opts.yearsBack === undefined ? MAX_YEARS_BACK : opts.yearsBack;
  const latest = addYears(opts.today, ahead);
  if (date > latest) return { ok: false, message: `${date} is more than ${ahead} years ahead (the latest date accepted is ${latest}); check the year.` };
  if (back !== null) {
    const earliest = addYears(opts.today, -back);
    if (date < earliest) return { ok: false, message: `${date} is more than ${back} years ago (the earliest date accepted is ${earliest}); check the year.` };
  }
  return { ok: true, date };
}

export type InstantResult = { ok: true; at: Date } | { ok: false; message: string };

/**
 * An ISO 8601 time as an operator types it (the CLI's `--now`): `2026-11-16T09:00:00Z`,
 * `2026-11-16T09:00:00.000Z`, `2026-11-16 10:00+01:00`, or a date alone (midnight UTC). The date
 * part goes through parseCalendarDate (real dates, same range); a time needs a timezone (Z or an
 * offset) so that it means the same on every machine.
 */
export function parseInstant(text: string, opts: CalendarDateOptions): InstantResult {
  const raw = text.trim();
  const example = `${opts.today}T09:00:00Z`;
  const m = /^(\d{4}-\d{1,2}-\d{1,2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(raw);
  if (!m) return { ok: false, message: `"${raw}" is not a time: give it as YYYY-MM-DDTHH:MM:SSZ, e.g. ${example}.` };
  const date = parseCalendarDate(m[1]!, opts);
  if (!date.ok) return { ok: false, message: date.message };
  const [y, mo, d] = date.date.split("-").map(Number) as [number, number, number];
  if (m[2] === undefined) return { ok: true, at: new Date(Date.UTC(y, mo - 1, d)) };
  const [h, mi, s] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
  if (h > 23 || mi > 59 || s > 59)
    return { ok: false, message: `${m[2]}:${m[3]}${m[4] !== undefined ? `:${m[4]}` : ""} is not a time of day (00:00:00–23:59:59).` };
  const zone = m[6];
  if (zone === undefined) return { ok: false, message: `"${raw}" has no timezone: add Z for UTC or an offset such as +01:00, e.g. ${example}.` };
  let offsetMin = 0;
  if (zone.toUpperCase() !== "Z") {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    const [oh, om] = [Number(z[2]), Number(z[3])];
    if (oh > 23 || om > 59) return { ok: false, message: `${zone} is not a timezone offset (from -23:59 to +23:59).` };
    offsetMin = (z[1] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const ms = m[5] === undefined ? 0 : Math.floor(Number(`0.${m[5]}`) * 1000);
  return { ok: true, at: new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMin * 60_000) };
}
