import { describe, expect, it } from "vitest";
import {
  checkInTimes,
  groupAnswers,
  participationByOrg,
  pickInvitees,
  questionsOf,
  validateAnswer,
  type AnswerView,
} from "../../../src/features/checkins/rules";

describe("check-in times", () => {
  it("asks the working day before the digest at the check-in hour, reminds two hours before", () => {
    // Monday 09:00 in New York (EST, UTC−5): asked Friday 14:00 EST, reminded Monday 07:00 EST.
    const monday = { at: new Date("2026-11-16T14:00:00Z"), localDate: "2026-11-16" };
    expect(checkInTimes(monday, "America/New_York", 14)).toEqual({
      promptAt: new Date("2026-11-13T19:00:00Z"),
      reminderAt: new Date("2026-11-16T12:00:00Z"),
    });
    // A Wednesday digest is asked on Tuesday.
    const wednesday = { at: new Date("2026-11-18T09:00:00Z"), localDate: "2026-11-18" };
    expect(checkInTimes(wednesday, "UTC", 16).promptAt).toEqual(new Date("2026-11-17T16:00:00Z"));
    // A Sunday digest is asked on Friday, never on Saturday.
    const sunday = { at: new Date("2026-11-22T09:00:00Z"), localDate: "2026-11-22" };
    expect(checkInTimes(sunday, "UTC", 10).promptAt).toEqual(new Date("2026-11-20T10:00:00Z"));
  });

  it("an hour that would ask after the reminder falls back to an hour before the reminder", () => {
    // A Tuesday 01:00 digest asked Monday at 23:00 would be after the reminder (Monday 23:00): asked at 22:00.
    const t = checkInTimes({ at: new Date("2026-11-17T01:00:00Z"), localDate: "2026-11-17" }, "UTC", 23);
    expect(t.reminderAt).toEqual(new Date("2026-11-16T23:00:00Z"));
    expect(t.promptAt).toEqual(new Date("2026-11-16T22:00:00Z"));
  });
});

describe("who is asked", () => {
  const people = [
    { userId: "U1", orgId: "ours", internal: true },
    { userId: "P1", orgId: "acme", internal: false },
    { userId: "U1", orgId: "ours", internal: true },
    { userId: "P2", orgId: "acme", internal: false },
  ];
  it("each person once, as the audience says", () => {
    expect(pickInvitees(people, "ALL").map((p) => p.userId)).toEqual(["U1", "P1", "P2"]);
    expect(pickInvitees(people, "OURS").map((p) => p.userId)).toEqual(["U1"]);
    expect(pickInvitees(people, "PARTNERS").map((p) => p.userId)).toEqual(["P1", "P2"]);
    expect(pickInvitees(people, "OFF")).toEqual([]);
  });
  it("questions left empty or damaged fall back to the defaults", () => {
    expect(questionsOf(["Wins?", "", 3])).toEqual(["Wins?", "What's blocked, and who do you need?", "Any intros you want?"]);
    expect(questionsOf(null)[0]).toBe("What moved?");
  });
});

describe("an answer", () => {
  const base = { dealId: null, moved: "", blocked: "", blockerUserId: null, introAccount: "" };
  it("needs something to say", () => {
    expect(validateAnswer(base)).toEqual({ moved: expect.stringMatching(/one is enough/) });
    expect(validateAnswer({ ...base, moved: "Demo done" })).toEqual({});
  });
  it("a named blocker needs what is blocked and the deal; an intro needs the deal", () => {
    expect(validateAnswer({ ...base, blockerUserId: "U2" })).toMatchObject({
      blocked: expect.stringMatching(/Say what's blocked/),
      deal: expect.stringMatching(/blocker/),
    });
    expect(validateAnswer({ ...base, introAccount: "CFO at Fabrikam" })).toEqual({ deal: expect.stringMatching(/Request intro/) });
    expect(validateAnswer({ ...base, dealId: "d", blocked: "legal", blockerUserId: "U2", introAccount: "CFO" })).toEqual({});
  });
  it("refuses hidden characters and over-long text under the field", () => {
    expect(validateAnswer({ ...base, moved: "ok\u0000done" }).moved).toMatch(/NUL/);
    expect(validateAnswer({ ...base, blocked: "x".repeat(1001) }).blocked).toMatch(/under 1000/);
  });
});

describe("the digest section", () => {
  const a = (over: Partial<AnswerView>): AnswerView => ({
    userId: "U",
    orgName: "Ours",
    deal: null,
    moved: "",
    blocked: "",
    blockerUserId: null,
    blockerOpen: false,
    introAccount: "",
    ...over,
  });
  it("groups by deal, open blockers first; answers without a deal last; blockers first within a deal", () => {
    const groups = groupAnswers([
      a({ userId: "A", deal: { ref: 1, title: "One" }, moved: "demo" }),
      a({ userId: "B", moved: "general" }),
      a({ userId: "C", deal: { ref: 2, title: "Two" }, blocked: "legal", blockerUserId: "X", blockerOpen: true }),
      a({ userId: "D", deal: { ref: 1, title: "One" }, blocked: "pricing" }),
      a({ userId: "E", deal: { ref: 3, title: "Three" }, blocked: "done now", blockerUserId: "X", blockerOpen: false }),
    ]);
    expect(groups.map((g) => [g.deal?.ref ?? null, g.openBlocker, g.answers.map((x) => x.userId)])).toEqual([
      [1, true, ["D", "A"]], // a blocker without a person counts as open
      [2, true, ["C"]],
      [3, false, ["E"]],
      [null, false, ["B"]],
    ]);
  });
  it("participation: asked, answered and who didn't, per organization", () => {
    const invites = [
      { userId: "U1", orgId: "ours" },
      { userId: "P1", orgId: "acme" },
      { userId: "P2", orgId: "acme" },
    ];
    const orgs = [
      { id: "ours", name: "Ours" },
      { id: "acme", name: "Acme" },
      { id: "globex", name: "Globex" },
    ];
    expect(participationByOrg(invites, new Set(["U1", "P2", "X9"]), orgs)).toEqual([
      { orgName: "Ours", asked: 1, answered: 1, missing: [] },
      { orgName: "Acme", asked: 2, answered: 1, missing: ["P1"] },
    ]);
  });
});
