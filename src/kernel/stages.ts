// Deal stages of a co-sell deal and the rules for moving between them.
// Pure: no I/O, no clock. The caller records every change (who/when/from/to) and,
// when `needsGapOverride` is true, that someone moved on despite role-clarity gaps.

export const STAGES = ["REGISTERED", "DISCOVERY", "TECHNICAL_VALIDATION", "PROPOSAL", "NEGOTIATION", "CLOSED_WON", "CLOSED_LOST"] as const;

export type Stage = (typeof STAGES)[number];
export type ClosedStage = "CLOSED_WON" | "CLOSED_LOST";
export type OpenStage = Exclude<Stage, ClosedStage>;

export const STAGE_LABELS: Readonly<Record<Stage, string>> = {
  REGISTERED: "Registered",
  DISCOVERY: "Discovery",
  TECHNICAL_VALIDATION: "Technical validation",
  PROPOSAL: "Proposal",
  NEGOTIATION: "Negotiation",
  CLOSED_WON: "Closed won",
  CLOSED_LOST: "Closed lost",
};

export const CLOSED_STAGES: readonly ClosedStage[] = ["CLOSED_WON", "CLOSED_LOST"];

/** The stages of a live deal, in pipeline order. */
export const OPEN_STAGES: readonly OpenStage[] = ["REGISTERED", "DISCOVERY", "TECHNICAL_VALIDATION", "PROPOSAL", "NEGOTIATION"];

export function isStage(value: unknown): value is Stage {
  return typeof value === "string" && (STAGES as readonly string[]).includes(value);
}

export function isClosed(stage: Stage): stage is ClosedStage {
  return stage === "CLOSED_WON" || stage === "CLOSED_LOST";
}

/** Position in the pipeline (REGISTERED = 0 … CLOSED_LOST = 6). */
function stageIndex(stage: Stage): number {
  return STAGES.indexOf(stage);
}

export function stageLabel(stage: Stage): string {
  return STAGE_LABELS[stage];
}

// ---------------------------------------------------------------------------
// Parsing what people type: "/cosell stage CS-42 tech", "Closed-Won", "closed_won", "won".

function normalizeWords(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** Every spelling of a stage, already normalized to space-separated lowercase words. */
const STAGE_NAMES: ReadonlyArray<readonly [Stage, readonly string[]]> = STAGES.map((stage) => {
  const names = new Set<string>([normalizeWords(stage), normalizeWords(STAGE_LABELS[stage])]);
  if (stage === "CLOSED_WON") names.add("won");
  if (stage === "CLOSED_LOST") names.add("lost");
  return [stage, [...names]] as const;
});

function wordPrefixMatch(input: string, candidate: string): boolean {
  const inWords = input.split(" ");
  const candWords = candidate.split(" ");
  if (inWords.length > candWords.length) return false;
  return inWords.every((w, i) => (candWords[i] ?? "").startsWith(w));
}

/**
 * Reads a stage from free text: the enum name (`TECHNICAL_VALIDATION`), the label
 * ("Technical validation"), kebab/snake/space/joined variants ("closed-won", "closedwon"),
 * "won"/"lost", and any unambiguous prefix, also word by word ("tech", "neg", "prop",
 * "tech val", "closed w"). Ambiguous ("closed", "c") or unknown text gives null.
 */
export function parseStage(text: string): Stage | null {
  const input = normalizeWords(text);
  if (input === "") return null;
  const joined = input.replace(/ /g, "");

  // 1. Exact spellings win over prefixes.
  for (const [stage, names] of STAGE_NAMES) {
    if (names.some((n) => n === input || n.replace(/ /g, "") === joined)) return stage;
  }

  // 2. Unambiguous prefixes.
  const matches = new Set<Stage>();
  for (const [stage, names] of STAGE_NAMES) {
    if (names.some((n) => wordPrefixMatch(input, n) || n.replace(/ /g, "").startsWith(joined))) {
      matches.add(stage);
    }
  }
  if (matches.size === 1) return [...matches][0] ?? null;
  return null;
}

// ---------------------------------------------------------------------------
// Transitions.

export interface TransitionOptions {
  /** A program admin (COSELL_ADMINS) is making the change. */
  isAdmin: boolean;
  /** Labels of the deal's open role-clarity gaps (see role-clarity.ts `assessRoleClarity().gaps`). */
  roleGaps: string[];
  /** The person saw the gaps and chose to move on anyway. */
  confirmedGaps: boolean;
  /** Optional human reference ("CS-42") used in refusal messages; "This deal" otherwise. */
  dealRef?: string;
}

type TransitionKind = "advance" | "back" | "close" | "reopen";

export type TransitionResult = { ok: true; kind: TransitionKind; needsGapOverride: boolean } | { ok: false; reason: string };

/**
 * Decides whether a deal may move from one stage to another.
 *
 * Rules, chosen as a partner manager would run the program:
 * - Same stage: refused ("CS-42 is already in Proposal"); nothing to notify about.
 * - Open → open: forward any number of steps ("advance": deals do skip stages, e.g. a
 *   customer who already validated the integration) or back any number of steps
 *   ("back": a proposal bounced back to technical validation is real and must be recordable).
 * - Open → CLOSED_WON / CLOSED_LOST from any open stage ("close"): deals close early
 *   (won off a marketplace listing, lost at discovery).
 * - Closed → open: only a program admin may reopen ("reopen"), to any open stage, because a
 *   closed-won deal has attribution and commission computed on it; everyone else gets
 *   "Only a program admin can reopen a closed deal".
 * - Closed → the other closed stage (won ↔ lost): refused for everyone, admins included. The
 *   admin reopens it first and closes it again, so the history shows both steps and the
 *   attribution recompute stays an explicit action.
 * - Role-clarity gate: the reference says roles must be settled before the first customer
 *   conversation, so moving into any stage after DISCOVERY (TECHNICAL_VALIDATION, PROPOSAL,
 *   NEGOTIATION or CLOSED_WON) while gaps exist is refused with the list of gaps, unless the
 *   person confirmed them (then ok with `needsGapOverride: true` and the caller records the
 *   override). The gate applies to advances, closes as won and admin reopens — moves that
 *   carry the deal (back) into the later pipeline. It does NOT apply to CLOSED_LOST (losing
 *   a deal must never be blocked) nor to moving back a step (a correction that does not take
 *   the deal any further; blocking it would leave the record wrong).
 */
export function checkTransition(from: Stage, to: Stage, opts: TransitionOptions): TransitionResult {
  const ref = opts.dealRef?.trim() || "This deal";

  if (from === to) {
    return { ok: false, reason: `${ref} is already in ${STAGE_LABELS[to]}` };
  }

  let kind: TransitionKind;
  if (isClosed(from)) {
    if (!opts.isAdmin) {
      return { ok: false, reason: "Only a program admin can reopen a closed deal" };
    }
    if (isClosed(to)) {
      return {
        ok: false,
        reason: `${ref} is ${STAGE_LABELS[from]}; it cannot switch straight to ${STAGE_LABELS[to]}. Reopen it to an open stage first, then close it again`,
      };
    }
    kind = "reopen";
  } else if (isClosed(to)) {
    kind = "close";
  } else {
    kind = stageIndex(to) > stageIndex(from) ? "advance" : "back";
  }

  const gated = kind !== "back" && to !== "CLOSED_LOST" && stageIndex(to) > stageIndex("DISCOVERY");
  const gaps = opts.roleGaps.filter((g) => g.trim() !== "");
  if (gated && gaps.length > 0) {
    if (!opts.confirmedGaps) {
      return {
        ok: false,
        reason:
          `Roles are not settled for ${ref === "This deal" ? "this deal" : ref}, so it cannot move to ` +
          `${STAGE_LABELS[to]} yet. Missing: ${gaps.join(", ")}. ` +
          `Fill them in, or confirm to move on anyway (the override is recorded)`,
      };
    }
    return { ok: true, kind, needsGapOverride: true };
  }
  return { ok: true, kind, needsGapOverride: false };
}

// ---------------------------------------------------------------------------
// Stage-change alert text.

const NEXT_STEP_HINTS: Readonly<Record<Stage, string>> = {
  REGISTERED: "Settle the roles before the first customer conversation: quarterback, stage leads, post-sale owner, partner SLAs",
  DISCOVERY: "Run a joint discovery call; agree on the stage leads",
  TECHNICAL_VALIDATION: "Schedule the joint demo or POC; each partner shows its part of the solution",
  PROPOSAL: "Send one joint proposal through the relationship owner; no competing quotes",
  NEGOTIATION: "Let the partner with pricing authority lead; confirm who handles post-sale",
  CLOSED_WON: "Hand off to the post-sale owner for onboarding; check the attribution",
  CLOSED_LOST: "Log why it was lost and share the lessons with the partner",
};

/** One line for stage-change notifications: what both partners should do next. */
export function nextStepHint(stage: Stage): string {
  return NEXT_STEP_HINTS[stage];
}
