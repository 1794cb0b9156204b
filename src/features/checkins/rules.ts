// Weekly check-ins: the async standup that feeds the pairing digest. Pure rules: when a round is
// asked and reminded, who is asked, what makes an answer, and how answers read in the digest.
//
// The reference's weekly 15-minute standup asks what moved, what is blocked and who is needed.
// cosell asks the people working the pairing's open deals the working day before the digest
// (a Monday digest is asked on Friday: nobody should be asked on a Sunday), reminds once two
// hours before the digest those who haven't answered, and closes the round when the digest goes
// out. See docs/digests.md "Check-ins".

import { checkText } from "../../kernel/text-input";
import { zonedTimeToUtc } from "../../kernel/sla-clock";

const DEFAULT_QUESTIONS = ["What moved?", "What's blocked, and who do you need?", "Any intros you want?"] as const;
export type CheckInQuestions = readonly [string, string, string];

/** Program.checkInQuestions → the three questions (a missing or damaged one falls back to the default). */
export function questionsOf(value: unknown): CheckInQuestions {
  const xs = Array.isArray(value) ? value : [];
  const q = (i: number) => (typeof xs[i] === "string" && xs[i].trim() !== "" ? String(xs[i]).trim() : DEFAULT_QUESTIONS[i]!);
  return [q(0), q(1), q(2)];
}

export type CheckInAudience = "ALL" | "OURS" | "PARTNERS" | "OFF";
export const CHECK_IN_AUDIENCES: readonly CheckInAudience[] = ["ALL", "OURS", "PARTNERS", "OFF"];
export function audienceOf(value: string | null | undefined): CheckInAudience {
  return CHECK_IN_AUDIENCES.includes(value as CheckInAudience) ? (value as CheckInAudience) : "ALL";
}
export const AUDIENCE_WORDS: Record<CheckInAudience, string> = {
  ALL: "everyone active on the pairing's open deals, ours and the partners'",
  OURS: "our people active on the pairing's open deals",
  PARTNERS: "the partners' people active on the pairing's open deals",
  OFF: "no one (check-ins are off)",
};

/** The most a question may say, and an answer's fields. */
export const LIMITS = { question: 150, moved: 1000, blocked: 1000, intro: 200, peoplePerRound: 50 } as const;

export interface CheckInTimes {
  /** when the round is asked: the working day before the digest, at the program's check-in hour */
  promptAt: Date;
  /** the one reminder: two hours before the digest */
  reminderAt: Date;
}

/**
 * The prompt and the reminder of the round feeding a digest at `digest` (its local date), in the
 * program's timezone. The prompt goes out on the previous working day (Monday–Friday) at
 * `hour`; it is never later than the reminder.
 */
export function checkInTimes(digest: { at: Date; localDate: string }, timezone: string, hour: number): CheckInTimes {
  const [y, m, d] = digest.localDate.split("-").map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  do day.setUTCDate(day.getUTCDate() - 1);
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6);
  const h = Number.isInteger(hour) && hour >= 0 && hour <= 23 ? hour : 14;
  const reminderAt = new Date(digest.at.getTime() - 2 * 3_600_000);
  const promptAt = zonedTimeToUtc({ y: day.getUTCFullYear(), m: day.getUTCMonth() + 1, d: day.getUTCDate(), h, mi: 0 }, timezone);
  return { promptAt: promptAt < reminderAt ? promptAt : new Date(reminderAt.getTime() - 3_600_000), reminderAt };
}

export interface Person {
  userId: string;
  orgId: string;
  internal: boolean;
}

/** Who a round asks: the people active on the pairing's open deals, as the program's audience says; once each. */
export function pickInvitees(people: readonly Person[], audience: CheckInAudience): Person[] {
  if (audience === "OFF") return [];
  const seen = new Set<string>();
  const out: Person[] = [];
  for (const p of people) {
    if (seen.has(p.userId)) continue;
    if (audience === "OURS" && !p.internal) continue;
    if (audience === "PARTNERS" && p.internal) continue;
    seen.add(p.userId);
    out.push(p);
  }
  return out.slice(0, LIMITS.peoplePerRound);
}

export interface AnswerInput {
  dealId: string | null;
  moved: string;
  blocked: string;
  blockerUserId: string | null;
  introAccount: string;
}

export type AnswerField = "deal" | "moved" | "blocked" | "blocker" | "intro";

/** An answer's problems, each under its field; empty when it can be saved. */
export function validateAnswer(a: AnswerInput): Partial<Record<AnswerField, string>> {
  const errors: Partial<Record<AnswerField, string>> = {};
  const checks: [AnswerField, string, string, number, boolean][] = [
    ["moved", a.moved, "What moved", LIMITS.moved, true],
    ["blocked", a.blocked, "What's blocked", LIMITS.blocked, true],
    ["intro", a.introAccount, "The intro", LIMITS.intro, false],
  ];
  for (const [field, value, label, max, multiline] of checks) {
    const chars = checkText(value, { field: label, multiline });
    if (!chars.ok) errors[field] = chars.message;
    else if (value.length > max) errors[field] = `${label} is ${value.length} characters; keep it under ${max}.`;
  }
  if (a.moved.trim() === "" && a.blocked.trim() === "" && a.introAccount.trim() === "") {
    errors.moved ??= "Say what moved, what's blocked or which intro you want (one is enough).";
  }
  if (a.blockerUserId && a.blocked.trim() === "") errors.blocked ??= "Say what's blocked, so the person you need knows what to do.";
  if (!a.dealId && (a.blockerUserId || a.introAccount.trim() !== "")) {
    errors.deal = a.blockerUserId
      ? "Pick the deal the blocker is on: the person you need gets it as an ask on that deal."
      : "Pick the deal the intro is for: it becomes a Request intro ask on that deal.";
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// In the digest

export interface AnswerView {
  userId: string;
  orgName: string;
  deal: { ref: number; title: string } | null;
  moved: string;
  blocked: string;
  blockerUserId: string | null;
  /** the blocker's ask is still open */
  blockerOpen: boolean;
  introAccount: string;
}

export interface AnswerGroup {
  deal: { ref: number; title: string } | null;
  answers: AnswerView[];
  /** some answer of the group has a blocker still open */
  openBlocker: boolean;
}

/**
 * Answers grouped by deal: groups with an open blocker first, then by deal ref, answers without a
 * deal last; within a group, open blockers first, then other blockers, then updates.
 */
export function groupAnswers(answers: readonly AnswerView[]): AnswerGroup[] {
  const groups = new Map<string, AnswerGroup>();
  for (const a of answers) {
    const key = a.deal ? String(a.deal.ref) : "-";
    const g = groups.get(key) ?? { deal: a.deal, answers: [], openBlocker: false };
    g.answers.push(a);
    g.openBlocker ||= a.blockerOpen || (a.blocked.trim() !== "" && !a.blockerUserId);
    groups.set(key, g);
  }
  const blocking = (a: AnswerView) => (a.blockerOpen ? 2 : a.blocked.trim() !== "" ? 1 : 0);
  for (const g of groups.values()) g.answers.sort((x, y) => blocking(y) - blocking(x));
  return [...groups.values()].sort(
    (x, y) => Number(y.openBlocker) - Number(x.openBlocker) || (x.deal === null ? 1 : 0) - (y.deal === null ? 1 : 0) || (x.deal?.ref ?? 0) - (y.deal?.ref ?? 0),
  );
}

export interface Participation {
  orgName: string;
  asked: number;
  answered: number;
  /** the people asked who did not answer */
  missing: string[];
}

/** Per organization: asked, answered (of those asked) and who didn't; in the order of `orgs`. */
export function participationByOrg(
  invites: readonly { userId: string; orgId: string }[],
  answered: ReadonlySet<string>,
  orgs: readonly { id: string; name: string }[],
): Participation[] {
  return orgs
    .map((o) => {
      const mine = invites.filter((i) => i.orgId === o.id);
      const missing = mine.filter((i) => !answered.has(i.userId)).map((i) => i.userId);
      return { orgName: o.name, asked: mine.length, answered: mine.length - missing.length, missing };
    })
    .filter((p) => p.asked > 0);
}
