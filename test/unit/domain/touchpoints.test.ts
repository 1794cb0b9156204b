import { describe, expect, it } from "vitest";
import { TOUCHPOINT_TYPES } from "../../../src/features/attribution/engine";
import {
  checkNote,
  checkNotFuture,
  checkPickedTime,
  parseLogCommand,
  parseTouchpointType,
  parseWhen,
  TOUCHPOINT_TYPE_WORDS,
  touchpointPhrase,
} from "../../../src/features/touchpoints/rules";

describe("touchpoint types as people type them", () => {
  it.each([
    ["demo", "DEMO"],
    ["Demo", "DEMO"],
    ["MEETING", "MEETING"],
    ["email", "EMAIL"],
    ["proposal review", "PROPOSAL_REVIEW"],
    ["proposal-review", "PROPOSAL_REVIEW"],
    ["Proposal Review", "PROPOSAL_REVIEW"],
    ["review", "PROPOSAL_REVIEW"],
    ["intro", "INTRO"],
    ["integration mention", "INTEGRATION_MENTION"],
    ["integration-mention", "INTEGRATION_MENTION"],
    ["exec alignment", "EXEC_ALIGNMENT"],
    ["exec", "EXEC_ALIGNMENT"],
    ["EXEC_ALIGNMENT", "EXEC_ALIGNMENT"],
    ["poc", "POC"],
    ["other", "OTHER"],
  ])("%s → %s", (word, type) => {
    expect(parseTouchpointType(word)).toBe(type);
  });

  it("refuses words that are not a type", () => {
    expect(parseTouchpointType("lunch")).toBeNull();
    expect(parseTouchpointType("proposal")).toBeNull();
    expect(parseTouchpointType("")).toBeNull();
  });

  it("every type has a word people can type, and it reads back as that type", () => {
    expect(TOUCHPOINT_TYPE_WORDS).toHaveLength(TOUCHPOINT_TYPES.length);
    TOUCHPOINT_TYPE_WORDS.forEach((w, i) => expect(parseTouchpointType(w)).toBe(TOUCHPOINT_TYPES[i]));
  });

  it("reads naturally in the confirmation", () => {
    expect(touchpointPhrase("DEMO")).toBe("a demo");
    expect(touchpointPhrase("EMAIL")).toBe("an email");
    expect(touchpointPhrase("INTRO")).toBe("an intro");
  });
});

describe("/cosell log …", () => {
  it("reads a reference, a type and a quoted note", () => {
    expect(parseLogCommand('CS-12 demo "joint demo with their CTO"')).toEqual({
      kind: "log",
      ref: 12,
      type: "DEMO",
      note: "joint demo with their CTO",
      when: null,
    });
  });

  it("takes a two-word type and curly quotes (as Slack clients send them)", () => {
    expect(parseLogCommand("cs-3 proposal review “went through pricing”")).toMatchObject({
      kind: "log",
      ref: 3,
      type: "PROPOSAL_REVIEW",
      note: "went through pricing",
    });
  });

  it("reads --when with a date, a quoted date and time, an unquoted date and time, and --when=…", () => {
    expect(parseLogCommand('CS-12 demo "n" --when 2026-11-12')).toMatchObject({ when: "2026-11-12", note: "n" });
    expect(parseLogCommand('CS-12 demo "n" --when "2026-11-12 14:00"')).toMatchObject({ when: "2026-11-12 14:00" });
    expect(parseLogCommand('CS-12 --when 2026-11-12 14:00 demo "n"')).toMatchObject({ type: "DEMO", when: "2026-11-12 14:00", note: "n" });
    expect(parseLogCommand('CS-12 demo "n" --when=2026-11-12')).toMatchObject({ when: "2026-11-12" });
  });

  it("takes an unquoted note after the type", () => {
    expect(parseLogCommand("CS-12 email sent the security questionnaire")).toMatchObject({ type: "EMAIL", note: "sent the security questionnaire" });
  });

  it("an unknown type gets the list of valid ones", () => {
    const r = parseLogCommand('CS-12 lunch "with their team"');
    expect(r).toHaveProperty("error");
    const error = (r as { error: string }).error;
    expect(error).toContain('"lunch" is not a touchpoint type');
    for (const w of ["meeting", "demo", "email", "proposal-review", "intro", "integration-mention", "exec-alignment", "poc", "other"])
      expect(error).toContain(w);
  });

  it("a type without a note asks for the note", () => {
    expect((parseLogCommand("CS-12 demo") as { error: string }).error).toMatch(/Add a note in quotes/);
  });

  it("no type opens the form (with the deal fixed when given)", () => {
    expect(parseLogCommand("CS-12")).toEqual({ kind: "form", ref: 12, note: "" });
    expect(parseLogCommand('CS-12 "draft note"')).toEqual({ kind: "form", ref: 12, note: "draft note" });
    expect(parseLogCommand("")).toEqual({ kind: "form", ref: null, note: "" });
  });

  it("a first word that is no deal reference is refused with the usage", () => {
    expect((parseLogCommand('demo "x"') as { error: string }).error).toMatch(/not a deal reference.*\/cosell log CS-12/);
  });
});

describe("--when in the program's timezone", () => {
  const now = new Date("2026-11-16T10:00:00Z");
  const berlin = { now, timezone: "Europe/Berlin" }; // UTC+1 in November

  it("a date and time is wall-clock time in the program's timezone", () => {
    expect(parseWhen("2026-11-12 14:00", berlin)).toEqual({ ok: true, at: new Date("2026-11-12T13:00:00Z") });
    expect(parseWhen("2026-11-12 14:00", { now, timezone: "America/New_York" })).toEqual({ ok: true, at: new Date("2026-11-12T19:00:00Z") });
  });

  it("a date alone means midday that day, local time", () => {
    expect(parseWhen("2026-11-12", berlin)).toEqual({ ok: true, at: new Date("2026-11-12T11:00:00Z") });
  });

  it("today before midday is now; yesterday is midday yesterday", () => {
    expect(parseWhen("2026-11-16", berlin)).toEqual({ ok: true, at: now }); // 11:00 in Berlin
    expect(parseWhen("today", berlin)).toEqual({ ok: true, at: now });
    expect(parseWhen("yesterday", berlin)).toEqual({ ok: true, at: new Date("2026-11-15T11:00:00Z") });
  });

  it("the local date decides 'today', not UTC's", () => {
    // 23:30 UTC on the 16th is already the 17th in Tokyo: the 17th is today there, not the future.
    const late = { now: new Date("2026-11-16T23:30:00Z"), timezone: "Asia/Tokyo" };
    expect(parseWhen("2026-11-17", late)).toEqual({ ok: true, at: late.now });
    expect(parseWhen("2026-11-17", { ...late, timezone: "UTC" })).toMatchObject({ ok: false });
  });

  it("refuses the future with a clear message", () => {
    const later = parseWhen("2026-11-16 15:00", berlin);
    expect(later.ok).toBe(false);
    expect((later as { reason: string }).reason).toMatch(/2026-11-16 15:00 is in the future \(it is now 2026-11-16 11:00 Europe\/Berlin\)/);
    const tomorrow = parseWhen("2026-11-17", berlin);
    expect((tomorrow as { reason: string }).reason).toMatch(/2026-11-17 is in the future \(today is 2026-11-16/);
  });

  it("a time a few minutes ahead is 'just now' and is recorded as now", () => {
    expect(parseWhen("2026-11-16 11:03", berlin)).toEqual({ ok: true, at: now });
    expect(checkNotFuture(new Date(now.getTime() + 6 * 60_000), berlin).ok).toBe(false);
  });

  it("past dates are fine, impossible ones are not", () => {
    expect(parseWhen("2025-01-31 09:15", berlin)).toEqual({ ok: true, at: new Date("2025-01-31T08:15:00Z") });
    expect(parseWhen("2026-02-30", berlin)).toMatchObject({ ok: false, reason: expect.stringMatching(/not a calendar date/) });
    expect(parseWhen("2026-11-12 25:00", berlin)).toMatchObject({ ok: false, reason: expect.stringMatching(/not a time of day/) });
    expect(parseWhen("next tuesday", berlin)).toMatchObject({ ok: false, reason: expect.stringMatching(/YYYY-MM-DD/) });
  });

  it("uses the shared calendar rules: no 29 February in a common year, nothing more than 10 years back", () => {
    expect(parseWhen("2025-02-29", berlin)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^2025-02-29 is not a calendar date: 2025 is not a leap year/),
    });
    expect(parseWhen("2024-02-29 10:00", berlin)).toEqual({ ok: true, at: new Date("2024-02-29T09:00:00Z") });
    expect(parseWhen("2026-04-31", berlin)).toMatchObject({ ok: false, reason: expect.stringMatching(/April has 30 days/) });
    expect(parseWhen("2026-13-01", berlin)).toMatchObject({ ok: false, reason: expect.stringMatching(/no month 13/) });
    expect(parseWhen("1996-11-12", berlin)).toMatchObject({ ok: false, reason: expect.stringMatching(/more than 10 years ago/) });
  });

  it("a picked time (Unix seconds) must be a real instant within range and not in the future", () => {
    const s = (d: string) => new Date(d).getTime() / 1000;
    expect(checkPickedTime(s("2026-11-12T13:00:00Z"), berlin)).toEqual({ ok: true, at: new Date("2026-11-12T13:00:00Z") });
    expect(checkPickedTime(s("1970-01-01T00:00:00Z"), berlin)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^1970-01-01 is more than 10 years ago/),
    });
    expect(checkPickedTime(1e15, berlin)).toMatchObject({ ok: false, reason: expect.stringMatching(/Pick the date and time/) });
    expect(checkPickedTime(s("2026-11-18T10:00:00Z"), berlin)).toMatchObject({ ok: false, reason: expect.stringMatching(/in the future/) });
  });
});

describe("the note", () => {
  it("is required and at most 1000 characters", () => {
    expect(checkNote("  ")).toMatchObject({ ok: false });
    expect(checkNote("x".repeat(1000))).toMatchObject({ ok: true });
    expect(checkNote("x".repeat(1001))).toMatchObject({ ok: false, reason: expect.stringMatching(/1001 characters; keep it to 1000/) });
    expect(checkNote("  called them  ")).toEqual({ ok: true, note: "called them" });
  });

  it("refuses invisible-only text and control characters, saying what is wrong", () => {
    expect(checkNote("\u200B\u200B")).toMatchObject({ ok: false, reason: expect.stringMatching(/^The note is made only of invisible characters/) });
    expect(checkNote("met\u0000them")).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^The note contains an invisible control character, U\+0000 NUL/),
    });
    expect(checkNote("agenda:\n- pricing\n- rollout")).toMatchObject({ ok: true });
  });
});
