import { describe, expect, it } from "vitest";
import { OPEN_STAGES, STAGES, STAGE_LABELS, checkTransition, isClosed, nextStepHint, parseStage, type Stage } from "../../../src/kernel/stages";

const rep = { isAdmin: false, roleGaps: [] as string[], confirmedGaps: false };
const admin = { ...rep, isAdmin: true };
const gaps = ["Lead for Technical validation", "Response SLA for Acme"];

describe("stage names", () => {
  it("lists the pipeline in order with human labels", () => {
    expect(STAGES.map((s) => STAGE_LABELS[s])).toEqual([
      "Registered",
      "Discovery",
      "Technical validation",
      "Proposal",
      "Negotiation",
      "Closed won",
      "Closed lost",
    ]);
  });

  it("open stages are the live pipeline; closed stages are won and lost", () => {
    expect(OPEN_STAGES).toEqual(["REGISTERED", "DISCOVERY", "TECHNICAL_VALIDATION", "PROPOSAL", "NEGOTIATION"]);
    expect(STAGES.filter(isClosed)).toEqual(["CLOSED_WON", "CLOSED_LOST"]);
  });
});

describe("parseStage reads what people type", () => {
  it.each<[string, Stage]>([
    ["Registered", "REGISTERED"],
    ["DISCOVERY", "DISCOVERY"],
    ["Technical validation", "TECHNICAL_VALIDATION"],
    ["technical_validation", "TECHNICAL_VALIDATION"],
    ["technical-validation", "TECHNICAL_VALIDATION"],
    ["  Technical   Validation ", "TECHNICAL_VALIDATION"],
    ["tech", "TECHNICAL_VALIDATION"],
    ["tech val", "TECHNICAL_VALIDATION"],
    ["prop", "PROPOSAL"],
    ["neg", "NEGOTIATION"],
    ["disc", "DISCOVERY"],
    ["reg", "REGISTERED"],
    ["won", "CLOSED_WON"],
    ["lost", "CLOSED_LOST"],
    ["Closed won", "CLOSED_WON"],
    ["CLOSED_LOST", "CLOSED_LOST"],
    ["closed-won", "CLOSED_WON"],
    ["closedwon", "CLOSED_WON"],
    ["Closed Lost", "CLOSED_LOST"],
    ["closed w", "CLOSED_WON"],
  ])("%j → %s", (text, stage) => {
    expect(parseStage(text)).toBe(stage);
  });

  it.each(["", "   ", "closed", "c", "pipeline", "negotiation phase", "won!!x"])("%j is ambiguous or unknown → null", (text) => {
    expect(parseStage(text)).toBeNull();
  });
});

describe("checkTransition: moving a deal", () => {
  it.each<[Stage, Stage, "advance" | "back" | "close"]>([
    ["REGISTERED", "DISCOVERY", "advance"],
    ["DISCOVERY", "NEGOTIATION", "advance"], // skipping stages is allowed
    ["REGISTERED", "PROPOSAL", "advance"],
    ["PROPOSAL", "TECHNICAL_VALIDATION", "back"],
    ["NEGOTIATION", "REGISTERED", "back"],
    ["REGISTERED", "CLOSED_LOST", "close"],
    ["DISCOVERY", "CLOSED_WON", "close"],
    ["NEGOTIATION", "CLOSED_WON", "close"],
  ])("a rep moves %s → %s (%s) when roles are clear", (from, to, kind) => {
    expect(checkTransition(from, to, rep)).toEqual({ ok: true, kind, needsGapOverride: false });
  });

  it("refuses a move to the stage the deal is already in, naming the deal", () => {
    expect(checkTransition("PROPOSAL", "PROPOSAL", { ...rep, dealRef: "CS-42" })).toEqual({
      ok: false,
      reason: "CS-42 is already in Proposal",
    });
    const r = checkTransition("CLOSED_WON", "CLOSED_WON", admin);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe("This deal is already in Closed won");
  });

  it.each<Stage>(["REGISTERED", "DISCOVERY", "PROPOSAL", "NEGOTIATION"])("a rep cannot reopen a closed-won or closed-lost deal (to %s)", (to) => {
    for (const from of ["CLOSED_WON", "CLOSED_LOST"] as const) {
      expect(checkTransition(from, to, rep)).toEqual({
        ok: false,
        reason: "Only a program admin can reopen a closed deal",
      });
    }
  });

  it("a rep cannot flip won to lost either", () => {
    expect(checkTransition("CLOSED_WON", "CLOSED_LOST", rep)).toEqual({
      ok: false,
      reason: "Only a program admin can reopen a closed deal",
    });
  });

  it.each<Stage>(OPEN_STAGES)("an admin reopens a closed deal to %s", (to) => {
    expect(checkTransition("CLOSED_LOST", to, admin)).toEqual({ ok: true, kind: "reopen", needsGapOverride: false });
    expect(checkTransition("CLOSED_WON", to, admin)).toEqual({ ok: true, kind: "reopen", needsGapOverride: false });
  });

  it("even an admin must reopen before switching between won and lost", () => {
    const r = checkTransition("CLOSED_WON", "CLOSED_LOST", { ...admin, dealRef: "CS-7" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/^CS-7 is Closed won; .*Reopen it to an open stage first/);
  });
});

describe("checkTransition: the role-clarity gate", () => {
  const withGaps = { ...rep, roleGaps: gaps };

  it.each<[Stage, Stage]>([
    ["DISCOVERY", "TECHNICAL_VALIDATION"],
    ["REGISTERED", "PROPOSAL"],
    ["PROPOSAL", "NEGOTIATION"],
    ["DISCOVERY", "CLOSED_WON"],
  ])("refuses %s → %s while roles are unsettled and lists every gap", (from, to) => {
    const r = checkTransition(from, to, { ...withGaps, dealRef: "CS-42" });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toContain("CS-42");
      expect(r.reason).toContain(STAGE_LABELS[to]);
      expect(r.reason).toContain("Lead for Technical validation, Response SLA for Acme");
    }
  });

  it.each<[Stage, Stage, string]>([
    ["DISCOVERY", "TECHNICAL_VALIDATION", "advance"],
    ["NEGOTIATION", "CLOSED_WON", "close"],
  ])("lets %s → %s through once the gaps are confirmed, flagged as an override", (from, to, kind) => {
    expect(checkTransition(from, to, { ...withGaps, confirmedGaps: true })).toEqual({
      ok: true,
      kind,
      needsGapOverride: true,
    });
  });

  it.each<[Stage, Stage, string]>([
    ["REGISTERED", "DISCOVERY", "advance"], // discovery itself is where roles get settled
    ["PROPOSAL", "CLOSED_LOST", "close"], // losing a deal is never blocked
    ["TECHNICAL_VALIDATION", "CLOSED_LOST", "close"],
    ["NEGOTIATION", "PROPOSAL", "back"], // a step back is a correction, not progress
    ["PROPOSAL", "DISCOVERY", "back"],
  ])("does not gate %s → %s", (from, to, kind) => {
    expect(checkTransition(from, to, withGaps)).toEqual({ ok: true, kind, needsGapOverride: false });
  });

  it("gates an admin reopening into a later stage, but not into discovery", () => {
    const adminWithGaps = { ...admin, roleGaps: gaps };
    expect(checkTransition("CLOSED_LOST", "NEGOTIATION", adminWithGaps).ok).toBe(false);
    expect(checkTransition("CLOSED_LOST", "NEGOTIATION", { ...adminWithGaps, confirmedGaps: true })).toEqual({
      ok: true,
      kind: "reopen",
      needsGapOverride: true,
    });
    expect(checkTransition("CLOSED_LOST", "DISCOVERY", adminWithGaps)).toEqual({
      ok: true,
      kind: "reopen",
      needsGapOverride: false,
    });
  });

  it("no override is recorded when there were no gaps to confirm", () => {
    expect(checkTransition("DISCOVERY", "PROPOSAL", { ...rep, confirmedGaps: true })).toEqual({
      ok: true,
      kind: "advance",
      needsGapOverride: false,
    });
  });
});

describe("nextStepHint", () => {
  it("tells both partners what to do after discovery starts", () => {
    expect(nextStepHint("DISCOVERY")).toBe("Run a joint discovery call; agree on the stage leads");
  });

  it.each<Stage>([...STAGES])("%s has a single-line hint", (stage) => {
    const hint = nextStepHint(stage);
    expect(hint.length).toBeGreaterThan(10);
    expect(hint).not.toContain("\n");
  });

  it("points a won deal at the post-sale handoff", () => {
    expect(nextStepHint("CLOSED_WON")).toMatch(/post-sale owner/);
  });
});
