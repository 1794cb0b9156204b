// SLA clocks, staleness and local dates in the program's timezone.
// Pure: the current time is always an argument; time zones come from Intl (no libraries).

import type { Stage } from "./stages";

export interface BusinessHours {
  /** IANA timezone, e.g. "Europe/Berlin". */
  timezone: string;
  /** Working hours start, local hour 0–23 (inclusive). */
  startHour: number;
  /** Working hours end, local hour 1–24 (exclusive), after startHour. */
  endHour: number;
  /** Working days, ISO numbering: 1 = Monday … 7 = Sunday. */
  workdays: number[];
}

export interface LocalParts {
  y: number;
  m: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

export interface LocalDateTime {
  y: number;
  m: number;
  d: number;
  h: number;
  mi: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      weekday: "short",
    });
    formatters.set(timezone, f);
  }
  return f;
}

export function isValidTimezone(timezone: string): boolean {
  try {
    formatterFor(timezone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading of an instant in a timezone. Throws RangeError for an unknown timezone. */
export function localParts(date: Date, timezone: string): LocalParts {
  const out: Record<string, string> = {};
  for (const part of formatterFor(timezone).formatToParts(date)) out[part.type] = part.value;
  const hour = Number(out.hour);
  return {
    y: Number(out.year),
    m: Number(out.month),
    d: Number(out.day),
    h: hour === 24 ? 0 : hour,
    mi: Number(out.minute),
    s: Number(out.second),
    weekday: WEEKDAYS[out.weekday ?? ""] ?? 0,
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The local calendar date (YYYY-MM-DD) of an instant in a timezone. */
export function localDate(now: Date, timezone: string): string {
  const p = localParts(now, timezone);
  return `${pad(p.y, 4)}-${pad(p.m)}-${pad(p.d)}`;
}

/** Offset of the timezone at an instant, in ms (local = UTC + offset), to the second. */
function offsetMs(instantMs: number, timezone: string): number {
  const p = localParts(new Date(instantMs), timezone);
  const asUtc = Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s);
  return asUtc - (instantMs - (((instantMs % 1000) + 1000) % 1000));
}

/**
 * The instant at which the wall clock in `timezone` reads the given local time.
 * Out-of-range fields roll over like Date.UTC (h = 24 is midnight of the next day).
 * DST: a time that occurs twice (autumn) gives the earlier instant; a time that does not
 * exist (spring gap) is moved forward by the gap (Berlin 02:30 on the spring-forward day →
 * 03:30 CEST), like Temporal's "compatible" disambiguation.
 */
export function zonedTimeToUtc(local: LocalDateTime, timezone: string): Date {
  const wall = Date.UTC(local.y, local.m - 1, local.d, local.h, local.mi);
  const before = offsetMs(wall - DAY_MS, timezone);
  const after = offsetMs(wall + DAY_MS, timezone);
  const candidates = [...new Set([wall - before, wall - after])].sort((a, b) => a - b);
  for (const t of candidates) {
    if (t + offsetMs(t, timezone) === wall) return new Date(t);
  }
  // In a gap: read the wall time with the offset in force before the transition.
  return new Date(wall - before);
}

/** Why a business-hours setting cannot work, or null when it is usable. */
export function businessHoursProblem(bh: BusinessHours): string | null {
  if (!isValidTimezone(bh.timezone)) return `Unknown timezone "${bh.timezone}"`;
  if (!Number.isInteger(bh.startHour) || !Number.isInteger(bh.endHour)) return "Working hours must be whole hours";
  if (bh.startHour < 0 || bh.endHour > 24 || bh.startHour >= bh.endHour) {
    return "Working hours must start before they end, between 0 and 24";
  }
  if (!bh.workdays.some((d) => Number.isInteger(d) && d >= 1 && d <= 7)) {
    return "At least one working day (1 = Monday … 7 = Sunday) is needed";
  }
  return null;
}

/**
 * The instant `hours` of SLA time after `start`.
 * - `businessHours` null: elapsed time (24 h is 24 real hours; across a DST change the local
 *   clock reads one hour more or less).
 * - With business hours: only time inside [startHour, endHour) local time on workdays counts,
 *   measured as real elapsed time. A start outside working hours starts counting at the next
 *   opening. When the SLA runs out exactly at closing time, the due time is that closing time
 *   (09:00 + 8 h → 17:00 the same day, not 09:00 the next working day).
 *   An unusable setting (no workdays, start ≥ end) falls back to elapsed time rather than
 *   never becoming due; validate settings with `businessHoursProblem`.
 */
export function addSlaHours(start: Date, hours: number, businessHours: BusinessHours | null): Date {
  if (!Number.isFinite(hours) || hours <= 0) return new Date(start.getTime());
  let remaining = Math.round(hours * HOUR_MS);
  if (!businessHours || businessHoursProblem(businessHours) !== null) {
    return new Date(start.getTime() + remaining);
  }
  const { timezone, startHour, endHour } = businessHours;
  const workdays = new Set(businessHours.workdays);

  let cursor = start.getTime();
  // Each iteration consumes one local calendar day; any usable setting has ≥1 working hour a
  // week, so this ends after at most ~7 × (hours / 1) + 7 iterations.
  for (;;) {
    const p = localParts(new Date(cursor), timezone);
    if (workdays.has(p.weekday)) {
      const open = zonedTimeToUtc({ y: p.y, m: p.m, d: p.d, h: startHour, mi: 0 }, timezone).getTime();
      const close = zonedTimeToUtc({ y: p.y, m: p.m, d: p.d, h: endHour, mi: 0 }, timezone).getTime();
      const from = Math.max(cursor, open);
      if (from < close) {
        const available = close - from;
        if (remaining <= available) return new Date(from + remaining);
        remaining -= available;
      }
    }
    const nextMidnight = zonedTimeToUtc({ y: p.y, m: p.m, d: p.d + 1, h: 0, mi: 0 }, timezone).getTime();
    cursor = Math.max(nextMidnight, cursor + 1);
  }
}

// ---------------------------------------------------------------------------
// Asks.

/** When an ask is due: `slaHours` of SLA time after it was created. */
export function askDueAt(createdAt: Date, slaHours: number, businessHours: BusinessHours | null): Date {
  return addSlaHours(createdAt, slaHours, businessHours);
}

/** When an unanswered ask escalates: 2 × SLA (in the same clock) after creation. */
export function askEscalatesAt(createdAt: Date, slaHours: number, businessHours: BusinessHours | null): Date {
  return addSlaHours(createdAt, 2 * slaHours, businessHours);
}

/**
 * 0: not overdue; 1: overdue (now ≥ due); 2: escalate (now ≥ creation + 2 × SLA).
 * Alerts can be keyed by (ask, level) so each level is raised once.
 */
export function askAlertLevel(now: Date, createdAt: Date, slaHours: number, businessHours: BusinessHours | null): 0 | 1 | 2 {
  const t = now.getTime();
  if (t >= askEscalatesAt(createdAt, slaHours, businessHours).getTime()) return 2;
  if (t >= askDueAt(createdAt, slaHours, businessHours).getTime()) return 1;
  return 0;
}

// ---------------------------------------------------------------------------
// Stale deals.

export const DEFAULT_STALE_DAYS = 14;

/**
 * How many whole staleness periods have passed since the last activity: 0 while within
 * `staleDays`, 1 once `staleDays` have passed, 2 at 2 × `staleDays`, … so that "one alert per
 * staleness period" can be keyed by (deal, level). Days are 24-hour periods of elapsed time.
 * A non-positive `staleDays` disables staleness (always 0).
 */
export function staleLevel(now: Date, lastActivityAt: Date, staleDays: number): number {
  if (!Number.isFinite(staleDays) || staleDays <= 0) return 0;
  const elapsed = now.getTime() - lastActivityAt.getTime();
  if (elapsed <= 0) return 0;
  return Math.floor(elapsed / (staleDays * DAY_MS));
}

/**
 * The staleness threshold for a deal in `stage`: the program's per-stage setting when it is a
 * positive number, otherwise `fallback` (usually DEFAULT_STALE_DAYS). Closed deals are never
 * swept for staleness; callers skip them.
 */
export function staleDaysFor(stage: Stage, perStage: Partial<Record<Stage, number>>, fallback: number): number {
  const v = perStage[stage];
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : fallback;
}

// ---------------------------------------------------------------------------
// Expected close dates.

/**
 * True once the local date in `timezone` is after the expected close date (a deal expected to
 * close on the 30th is not late on the 30th, it is on the 31st). A value that is not a
 * YYYY-MM-DD date (a full ISO timestamp is read by its date part) gives false.
 */
export function closeDatePassed(now: Date, expectedCloseDate: string, timezone: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(expectedCloseDate.trim());
  if (!m || m[1] === undefined) return false;
  return localDate(now, timezone) > m[1];
}
