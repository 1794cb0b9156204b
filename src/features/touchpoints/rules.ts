import { TOUCHPOINT_TYPES, type TouchpointType } from "../attribution/engine";
import { parseCalendarDate } from "../../kernel/calendar-date";
import { parseDealRef } from "../../kernel/registration";
import { localDate, localParts, zonedTimeToUtc } from "../../kernel/sla-clock";
import { checkText } from "../../kernel/text-input";

// Touchpoints: what reps type (`/cosell log CS-12 demo "joint demo with their CTO" --when …`),
// read into plain values. Pure: the current time and the program's timezone are arguments.

export const TOUCHPOINT_NOTE_MAX = 1000;
/**
 * A time picked a little ahead of now is a rounding of "just now" (a call that started at
 * 13:58 logged as 14:00), not a plan; past this, a future time is refused.
 */
const FUTURE_GRACE_MS = 5 * 60_000;

/** How each type is written in the command and named in messages. */
const TYPE_INFO: Record<TouchpointType, { word: string; label: string; phrase: string; aliases: string[] }> = {
  MEETING: { word: "meeting", label: "Meeting", phrase: "a meeting", aliases: ["call"] },
  DEMO: { word: "demo", label: "Demo", phrase: "a demo", aliases: [] },
  EMAIL: { word: "email", label: "Email", phrase: "an email", aliases: ["e-mail", "mail"] },
  PROPOSAL_REVIEW: { word: "proposal-review", label: "Proposal review", phrase: "a proposal review", aliases: ["review"] },
  INTRO: { word: "intro", label: "Intro", phrase: "an intro", aliases: ["introduction"] },
  INTEGRATION_MENTION: { word: "integration-mention", label: "Integration mention", phrase: "an integration mention", aliases: ["integration"] },
  EXEC_ALIGNMENT: { word: "exec-alignment", label: "Exec alignment", phrase: "an exec alignment", aliases: ["exec"] },
  POC: { word: "poc", label: "POC", phrase: "a POC", aliases: ["proof-of-concept"] },
  OTHER: { word: "other", label: "Other", phrase: "a touchpoint", aliases: [] },
};

/** "meeting, demo, email, proposal-review, …" — for messages that list the valid types. */
export const TOUCHPOINT_TYPE_WORDS: readonly string[] = TOUCHPOINT_TYPES.map((t) => TYPE_INFO[t].word);

export function touchpointLabel(type: TouchpointType): string {
  return TYPE_INFO[type].label;
}

/** "a demo", "an email", … as in "Logged a demo for …". */
export function touchpointPhrase(type: TouchpointType): string {
  return TYPE_INFO[type].phrase;
}

/** Case, spaces, dashes and underscores do not matter: "Proposal Review" = "proposal-review" = "PROPOSAL_REVIEW". */
function canonical(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, "-");
}

const BY_WORD = new Map<string, TouchpointType>();
for (const t of TOUCHPOINT_TYPES) {
  for (const w of [TYPE_INFO[t].word, t, ...TYPE_INFO[t].aliases]) BY_WORD.set(canonical(w), t);
}

/** A touchpoint type from one or more words, or null when it is not one of the list. */
export function parseTouchpointType(text: string): TouchpointType | null {
  return BY_WORD.get(canonical(text)) ?? null;
}

function unknownTypeMessage(given: string): string {
  return `"${given}" is not a touchpoint type. Use one of: ${TOUCHPOINT_TYPE_WORDS.join(", ")}.`;
}

/** The note as stored, or why it cannot be. */
export function checkNote(note: string): { ok: true; note: string } | { ok: false; reason: string } {
  const chars = checkText(note, { field: "The note", multiline: true });
  if (!chars.ok) return { ok: false, reason: chars.message };
  const v = note.trim();
  if (v === "") return { ok: false, reason: "Add a note: what happened, who was there." };
  if (v.length > TOUCHPOINT_NOTE_MAX) return { ok: false, reason: `The note is ${v.length} characters; keep it to ${TOUCHPOINT_NOTE_MAX}.` };
  return { ok: true, note: v };
}

export type WhenResult = { ok: true; at: Date } | { ok: false; reason: string };

/**
 * Refuses a time after now (beyond the grace); the message shows now in the program's
 * timezone. A time within the grace is recorded as now: nothing is stored in the future.
 */
export function checkNotFuture(at: Date, ctx: { now: Date; timezone: string }): WhenResult {
  if (at.getTime() > ctx.now.getTime() + FUTURE_GRACE_MS) {
    return {
      ok: false,
      reason: `${formatLocal(at, ctx.timezone)} is in the future (it is now ${formatLocal(ctx.now, ctx.timezone)} ${ctx.timezone}). Log a touchpoint once it has happened.`,
    };
  }
  return { ok: true, at: at.getTime() > ctx.now.getTime() ? ctx.now : at };
}

/**
 * A time picked in the form (a datetimepicker sends Unix seconds): a real instant, within the
 * calendar range every date keeps to (parseCalendarDate), and not in the future.
 */
export function checkPickedTime(seconds: number, ctx: { now: Date; timezone: string }): WhenResult {
  const at = new Date(seconds * 1000);
  if (!Number.isFinite(seconds) || Number.isNaN(at.getTime())) return { ok: false, reason: "Pick the date and time it happened." };
  const date = parseCalendarDate(localDate(at, ctx.timezone), { today: localDate(ctx.now, ctx.timezone) });
  if (!date.ok) return { ok: false, reason: date.message };
  return checkNotFuture(at, ctx);
}

/**
 * `--when` values, read in the program's timezone: `2026-11-12`, `2026-11-12 14:00`
 * (or `2026-11-12T14:00`), `today`, `yesterday`. A date without a time means midday that day
 * (so it reads as the same date in nearby timezones), or now when that is still ahead today.
 */
export function parseWhen(raw: string, ctx: { now: Date; timezone: string }): WhenResult {
  const text = raw.trim().toLowerCase();
  const usage = `Give the time as YYYY-MM-DD or "YYYY-MM-DD HH:MM" (${ctx.timezone}), e.g. --when 2026-11-12 or --when "2026-11-12 14:00".`;
  if (text === "") return { ok: false, reason: `--when needs a date. ${usage}` };
  if (text === "now") return { ok: true, at: ctx.now };
  let y: number, m: number, d: number;
  let time: { h: number; mi: number } | null = null;
  if (text === "today" || text === "yesterday") {
    const today = localParts(ctx.now, ctx.timezone);
    const date = new Date(Date.UTC(today.y, today.m - 1, today.d - (text === "yesterday" ? 1 : 0)));
    [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
  } else {
    const match = text.match(/^(\d{4}-\d{1,2}-\d{1,2})(?:[ t](\d{1,2}):(\d{2}))?$/);
    if (!match) return { ok: false, reason: `"${raw.trim()}" is not a date. ${usage}` };
    const date = parseCalendarDate(match[1]!, { today: localDate(ctx.now, ctx.timezone), label: "--when" });
    if (!date.ok) return { ok: false, reason: `${date.message} ${usage}` };
    [y, m, d] = date.date.split("-").map(Number) as [number, number, number];
    if (match[2] !== undefined) {
      time = { h: Number(match[2]), mi: Number(match[3]) };
      if (time.h > 23 || time.mi > 59) return { ok: false, reason: `${match[2]}:${match[3]} is not a time of day (00:00–23:59).` };
    }
  }
  if (time) return checkNotFuture(zonedTimeToUtc({ y, m, d, ...time }, ctx.timezone), ctx);
  const startOfDay = zonedTimeToUtc({ y, m, d, h: 0, mi: 0 }, ctx.timezone);
  if (startOfDay.getTime() > ctx.now.getTime()) {
    return {
      ok: false,
      reason: `${formatLocal(startOfDay, ctx.timezone).slice(0, 10)} is in the future (today is ${formatLocal(ctx.now, ctx.timezone).slice(0, 10)} in ${ctx.timezone}). Log a touchpoint once it has happened.`,
    };
  }
  const midday = zonedTimeToUtc({ y, m, d, h: 12, mi: 0 }, ctx.timezone);
  return { ok: true, at: midday.getTime() > ctx.now.getTime() ? ctx.now : midday };
}

function formatLocal(at: Date, timezone: string): string {
  const p = localParts(at, timezone);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${p.y}-${pad(p.m)}-${pad(p.d)} ${pad(p.h)}:${pad(p.mi)}`;
}

/** What `/cosell log …` asked for, before the deal or the time is looked at. */
export type LogCommand =
  /** no type given: open the form (with the deal fixed when a reference was given) */
  { kind: "form"; ref: number | null; note: string } | { kind: "log"; ref: number; type: TouchpointType; note: string; when: string | null };

export const LOG_USAGE = '/cosell log CS-12 demo "joint demo with their CTO" [--when 2026-11-12 | --when "2026-11-12 14:00"]';

interface Token {
  text: string;
  quoted: boolean;
}

/** Words, with "quoted phrases" (straight or curly quotes) kept together and marked. */
function tokens(text: string): Token[] {
  const out: Token[] = [];
  const re = /"([^"]*)"|“([^”]*)”|'([^']*)'|(\S+)/g;
  for (const m of text.matchAll(re)) {
    const quoted = m[4] === undefined;
    out.push({ text: m[1] ?? m[2] ?? m[3] ?? m[4] ?? "", quoted });
  }
  return out;
}

/**
 * Reads the text after `log`: a deal reference, a type (one or more words, e.g. `proposal
 * review`), the note in quotes, and optionally `--when <date>` or `--when "<date> <time>"`
 * anywhere after the reference. Without quotes, the words after the type are the note.
 * Without a type, the form opens. Throws nothing: problems come back as { error }.
 */
export function parseLogCommand(text: string): LogCommand | { error: string } {
  const all = tokens(text);
  if (all.length === 0) return { kind: "form", ref: null, note: "" };
  const first = all[0]!;
  const ref = first.quoted ? null : parseDealRef(first.text);
  if (ref === null) return { error: `"${first.text}" is not a deal reference. Usage: \`${LOG_USAGE}\`` };

  let when: string | null = null;
  const rest: Token[] = [];
  for (let i = 1; i < all.length; i++) {
    const t = all[i]!;
    const flag = t.quoted ? null : t.text.match(/^--when(?:=(.*))?$/i);
    if (!flag) {
      rest.push(t);
      continue;
    }
    if (when !== null) return { error: "Give --when once." };
    if (flag[1] !== undefined && flag[1] !== "") {
      when = flag[1];
      continue;
    }
    const value = all[i + 1];
    if (!value) return { error: `--when needs a date, e.g. --when 2026-11-12 or --when "2026-11-12 14:00".` };
    when = value.text;
    i++;
    // `--when 2026-11-12 14:00` without quotes: the time is the next word.
    const next = all[i + 1];
    if (!value.quoted && next && !next.quoted && /^\d{1,2}:\d{2}$/.test(next.text)) {
      when = `${when} ${next.text}`;
      i++;
    }
  }

  const quoted = rest.filter((t) => t.quoted);
  const plain = rest.filter((t) => !t.quoted);
  if (quoted.length > 1) return { error: `Put the whole note in one pair of quotes. Usage: \`${LOG_USAGE}\`` };
  if (quoted.length === 1 && rest.indexOf(quoted[0]!) !== rest.length - 1) {
    return { error: `The note in quotes comes last (before --when). Usage: \`${LOG_USAGE}\`` };
  }
  if (plain.length === 0) {
    if (when !== null) return { error: `Say which kind of touchpoint: ${TOUCHPOINT_TYPE_WORDS.join(", ")}. Usage: \`${LOG_USAGE}\`` };
    return { kind: "form", ref, note: quoted[0]?.text ?? "" };
  }

  // The type is the longest run of leading words that names one ("proposal review" before "review").
  let type: TouchpointType | null = null;
  let used = 0;
  for (let n = Math.min(plain.length, 3); n >= 1 && type === null; n--) {
    type = parseTouchpointType(
      plain
        .slice(0, n)
        .map((t) => t.text)
        .join(" "),
    );
    if (type) used = n;
  }
  if (type === null) {
    const given = quoted.length === 1 ? plain.map((t) => t.text).join(" ") : plain[0]!.text;
    return { error: unknownTypeMessage(given) };
  }
  const leftover = plain
    .slice(used)
    .map((t) => t.text)
    .join(" ");
  if (leftover !== "" && quoted.length === 1) {
    return { error: `"${plain.map((t) => t.text).join(" ")}" is not a touchpoint type. Use one of: ${TOUCHPOINT_TYPE_WORDS.join(", ")}.` };
  }
  const note = quoted.length === 1 ? quoted[0]!.text : leftover;
  if (note.trim() === "") return { error: `Add a note in quotes: what happened, who was there. Usage: \`${LOG_USAGE}\`` };
  return { kind: "log", ref, type, note, when };
}
