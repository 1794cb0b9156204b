import type { RegistrationStatus } from "../../generated/prisma/client";
import { decideAdminAction, decideDealAction, type Actor, type Decision } from "../../kernel/access";
import { parseCalendarDate } from "../../kernel/calendar-date";
import { parseAmount } from "../../kernel/money";
import { formatDealRef, LIMITS } from "../../kernel/registration";
import { addDays, holdsAccount, REJECT_REASON_LABELS, type RejectReason } from "../../kernel/registration-lifecycle";
import { addSlaHours, localDate } from "../../kernel/sla-clock";
import { checkText } from "../../kernel/text-input";
import type { Clock } from "../../platform/clock";
import type { Database, Tx } from "../../platform/db/client";
import { toJsonColumn } from "../../platform/db/json";
import { enqueue } from "../../platform/outbox/enqueue";
import type { RegistrationNotice } from "../../platform/outbox/intents";
import { programRecordOf } from "../../platform/repos/program-repo";
import { lifecycleOf, reviewClockOf } from "./lifecycle-settings";

// The registration lifecycle's use cases: an admin's review decision (approve, reject, return
// for info, and the three ways of deciding a conflict), the registrant's resubmission, the
// protection extension (request, grant, decline). Slack-free: adapters (DM buttons, modals,
// `/cosell approvals`, the playground) parse their input, call these, and render the result.
//
// Each is one transaction that locks the deal's row first, so two admins clicking at the same
// moment leave exactly one decision: the second sees `alreadyDecided`. Every decision writes an
// audit event (who, when, why) and queues its messages in the same transaction: the card
// refresh, every admin's review DM updated in place, and the people told.

export interface ReviewDeps {
  db: Pick<Database, "prisma">;
  clock: Clock;
  /** program admins (COSELL_ADMINS): they review, and their review DMs are updated */
  admins: readonly string[];
}

export type ReviewDecision =
  | { kind: "approve" }
  /** a conflict: approve this one too, recorded as an exception */
  | { kind: "approveBoth" }
  /** a conflict: the first registration expires (with this reason) and this one is approved */
  | { kind: "moveProtection"; note: string }
  /** a conflict: the new registration is rejected as a duplicate */
  | { kind: "keepFirst" }
  | { kind: "reject"; reason: RejectReason; note: string | null }
  | { kind: "return"; note: string };

export type DecideResult =
  | { kind: "decided"; dealId: string; ref: number; status: RegistrationStatus; summary: string }
  | { kind: "alreadyDecided"; ref: number; status: RegistrationStatus; decidedBy: string | null }
  | { kind: "invalid"; message: string }
  | { kind: "denied"; message: Extract<Decision, { allowed: false }>["message"] };

const NOTE_MAX = 500;

interface LockedDeal {
  id: string;
  ref: number;
  registrationStatus: RegistrationStatus;
  stage: string;
  registeredBy: string;
  relationshipOwnerUserId: string | null;
  conflictWithDealId: string | null;
  conflictWithDirectDealId: string | null;
  decidedBy: string | null;
  protectedUntil: Date | null;
  extensionsUsed: number;
  extensionRequestedAt: Date | null;
  extensionRequestedBy: string | null;
  reviewRound: number;
  pairingId: string;
  currency: string;
}

/** Locks the deal's row for the rest of the transaction and reads its lifecycle state. */
async function lockDeal(tx: Tx, dealId: string): Promise<LockedDeal | null> {
  await tx.$queryRaw`SELECT id FROM "Deal" WHERE id = ${dealId} FOR UPDATE`;
  return tx.deal.findUnique({
    where: { id: dealId },
    select: {
      id: true,
      ref: true,
      registrationStatus: true,
      stage: true,
      registeredBy: true,
      relationshipOwnerUserId: true,
      conflictWithDealId: true,
      conflictWithDirectDealId: true,
      decidedBy: true,
      protectedUntil: true,
      extensionsUsed: true,
      extensionRequestedAt: true,
      extensionRequestedBy: true,
      reviewRound: true,
      pairingId: true,
      currency: true,
    },
  });
}

/** The review's validation of a note: plain text, within the limit. */
export function checkNote(raw: string | null, opts: { required: boolean; what: string }): { ok: true; note: string | null } | { ok: false; message: string } {
  const note = (raw ?? "").trim();
  const chars = checkText(raw ?? "", { field: opts.what, multiline: true });
  if (!chars.ok) return { ok: false, message: chars.message };
  if (note === "") return opts.required ? { ok: false, message: `${opts.what} is required: the registrant reads it.` } : { ok: true, note: null };
  if (note.length > NOTE_MAX) return { ok: false, message: `${opts.what} is ${note.length} characters; keep it to ${NOTE_MAX}.` };
  return { ok: true, note };
}

async function notify(tx: Tx, dealId: string, to: string | null | undefined, event: RegistrationNotice, key: string, now: Date): Promise<void> {
  if (!to) return;
  await enqueue(tx, { method: "registration.notice", payload: { dealId, to, event }, dedupeKey: `reg-notice:${dealId}:${event}:${key}:${to}` }, now);
}

/** The card refresh and every admin's review DM updated in place. */
async function announceDecision(tx: Tx, dealId: string, now: Date): Promise<void> {
  await enqueue(tx, { method: "deal.card", payload: { dealId } }, now);
  const dms = await tx.registrationReviewMessage.findMany({ where: { dealId }, select: { admin: true } });
  for (const dm of dms) await enqueue(tx, { method: "registration.reviewUpdate", payload: { dealId, admin: dm.admin } }, now);
}

async function audit(tx: Tx, actor: string, action: string, dealId: string, detail: Record<string, unknown>, now: Date): Promise<void> {
  await tx.auditEvent.create({ data: { actor, action, subject: dealId, detail: toJsonColumn(detail), createdAt: now } });
}

/**
 * An admin decides a registration waiting for review. The conflict, if the registration has
 * one that still holds the account, must be decided with keepFirst, approveBoth or
 * moveProtection (a house account: reject or approveBoth); a plain approve is refused.
 */
export async function decideRegistration(deps: ReviewDeps, actor: Actor, input: { dealId: string; decision: ReviewDecision }): Promise<DecideResult> {
  const allowed = decideAdminAction(actor, "registration.review", deps.admins);
  if (!allowed.allowed) return { kind: "denied", message: allowed.message };
  const now = deps.clock.now();
  const d = input.decision;
  return deps.db.prisma.$transaction(async (tx): Promise<DecideResult> => {
    const deal = await lockDeal(tx, input.dealId);
    if (!deal) return { kind: "invalid", message: "That registration no longer exists." };
    if (deal.registrationStatus !== "SUBMITTED") return { kind: "alreadyDecided", ref: deal.ref, status: deal.registrationStatus, decidedBy: deal.decidedBy };
    const ref = formatDealRef(deal.ref);

    // Is the conflict still live? A first registration that expired, was rejected or closed meanwhile frees the account.
    const first = deal.conflictWithDealId
      ? await tx.deal.findUnique({
          where: { id: deal.conflictWithDealId },
          select: { id: true, ref: true, registeredBy: true, registrationStatus: true, stage: true, protectedUntil: true },
        })
      : null;
    const firstHolds = first !== null && holdsAccount(first, now);
    const house = deal.conflictWithDirectDealId
      ? await tx.directDeal.findFirst({ where: { id: deal.conflictWithDirectDealId, closedAt: null }, select: { id: true } })
      : null;
    const conflictLive = firstHolds || house !== null;

    if (d.kind === "approve" && conflictLive)
      return {
        kind: "invalid",
        message: `${ref} conflicts with a registration that still holds the account: choose Keep the first, Approve both or Move protection.`,
      };
    if ((d.kind === "keepFirst" || d.kind === "moveProtection") && !firstHolds)
      return { kind: "invalid", message: `${ref} has no conflicting registration holding the account any more; approve or reject it.` };

    const program = programRecordOf(await tx.program.findUniqueOrThrow({ where: { id: 1 } }));
    const settings = lifecycleOf(program);
    const decided = { decidedAt: now, decidedBy: actor.userId };

    if (d.kind === "approve" || d.kind === "approveBoth" || d.kind === "moveProtection") {
      const exception = d.kind === "approveBoth" && conflictLive;
      await tx.deal.update({
        where: { id: deal.id },
        data: {
          ...decided,
          registrationStatus: "APPROVED",
          approvedAt: now,
          protectedUntil: addDays(now, settings.protectionDays),
          conflictException: exception,
          decisionReason: d.kind === "moveProtection" ? "PROTECTION_MOVED" : null,
          decisionNote: d.kind === "moveProtection" ? d.note : null,
        },
      });
      await audit(tx, actor.userId, exception ? "registration.exception" : "registration.approve", deal.id, { ref, kind: d.kind }, now);
      await announceDecision(tx, deal.id, now);
      await notify(tx, deal.id, deal.registeredBy, "approved", String(deal.reviewRound), now);
      if (exception && first) await notify(tx, first.id, first.registeredBy, "approved-exception", deal.id, now);
      if (d.kind === "moveProtection" && first) {
        await tx.deal.update({
          where: { id: first.id },
          data: { registrationStatus: "EXPIRED", expiredAt: now, expiryReason: `protection moved to another registration: ${d.note}` },
        });
        await audit(tx, actor.userId, "registration.protectionMoved", first.id, { ref: formatDealRef(first.ref), to: ref, note: d.note }, now);
        await enqueue(tx, { method: "deal.card", payload: { dealId: first.id } }, now);
        await notify(tx, first.id, first.registeredBy, "protection-moved", deal.id, now);
      }
      const summary =
        d.kind === "moveProtection"
          ? `${ref} approved; protection moved from ${formatDealRef(first!.ref)}, which expired.`
          : exception
            ? `${ref} approved as an exception; the first registration keeps its protection too.`
            : `${ref} approved: protected for ${settings.protectionDays} days.`;
      return { kind: "decided", dealId: deal.id, ref: deal.ref, status: "APPROVED", summary };
    }

    if (d.kind === "return") {
      await tx.deal.update({ where: { id: deal.id }, data: { ...decided, registrationStatus: "RETURNED", decisionReason: null, decisionNote: d.note } });
      await audit(tx, actor.userId, "registration.return", deal.id, { ref, note: d.note }, now);
      await announceDecision(tx, deal.id, now);
      await notify(tx, deal.id, deal.registeredBy, "returned", String(deal.reviewRound), now);
      return { kind: "decided", dealId: deal.id, ref: deal.ref, status: "RETURNED", summary: `${ref} returned to the registrant for more information.` };
    }

    const reason: RejectReason = d.kind === "keepFirst" ? "DUPLICATE" : d.reason;
    const note = d.kind === "reject" ? d.note : null;
    await tx.deal.update({ where: { id: deal.id }, data: { ...decided, registrationStatus: "REJECTED", decisionReason: reason, decisionNote: note } });
    await audit(tx, actor.userId, "registration.reject", deal.id, { ref, reason, note, keepFirst: d.kind === "keepFirst" }, now);
    await announceDecision(tx, deal.id, now);
    await notify(tx, deal.id, deal.registeredBy, "rejected", String(deal.reviewRound), now);
    if (d.kind === "keepFirst" && first) await notify(tx, first.id, first.registeredBy, "kept-first", deal.id, now);
    return { kind: "decided", dealId: deal.id, ref: deal.ref, status: "REJECTED", summary: `${ref} rejected: ${REJECT_REASON_LABELS[reason]}.` };
  });
}

export interface ResubmitDraft {
  title: string;
  amount: string;
  /** YYYY-MM-DD */
  expectedCloseDate: string | null;
  /** the registrant's answer to the admin's question */
  answer: string;
}
export type ResubmitField = "title" | "amount" | "expectedCloseDate" | "answer";

export type ResubmitResult =
  | { kind: "resubmitted"; ref: number }
  | { kind: "notReturned"; ref: number; status: RegistrationStatus }
  | { kind: "fieldErrors"; errors: Partial<Record<ResubmitField, string>> }
  | { kind: "denied"; message: Extract<Decision, { allowed: false }>["message"] };

/** Who may edit a registration: its registrant, or an admin. */
function mayEdit(actor: Actor, deal: { registeredBy: string }, admins: readonly string[]): boolean {
  return actor.userId === deal.registeredBy || decideAdminAction(actor, "registration.review", admins).allowed;
}

/** The registrant edits a returned registration and sends it back for review (a new round, new DMs). */
export async function resubmitRegistration(deps: ReviewDeps, actor: Actor, input: { dealId: string; draft: ResubmitDraft }): Promise<ResubmitResult> {
  const now = deps.clock.now();
  return deps.db.prisma.$transaction(async (tx): Promise<ResubmitResult> => {
    const deal = await lockDeal(tx, input.dealId);
    if (!deal || !mayEdit(actor, deal, deps.admins)) return { kind: "denied", message: "Only the person who registered this deal can edit and resubmit it." };
    if (deal.registrationStatus !== "RETURNED") return { kind: "notReturned", ref: deal.ref, status: deal.registrationStatus };
    const program = programRecordOf(await tx.program.findUniqueOrThrow({ where: { id: 1 } }));
    const errors: Partial<Record<ResubmitField, string>> = {};
    const title = input.draft.title.trim();
    const titleChars = checkText(input.draft.title, { field: "Deal title", name: true });
    if (!titleChars.ok) errors.title = titleChars.message;
    else if (title === "") errors.title = "Deal title is required.";
    else if (title.length > LIMITS.title) errors.title = `Deal title is ${title.length} characters; keep it to ${LIMITS.title}.`;
    const amount = parseAmount(input.draft.amount, deal.currency);
    if (!amount.ok) errors.amount = amount.reason;
    const today = localDate(now, program.timezone);
    let close: string | null = null;
    if (!input.draft.expectedCloseDate) errors.expectedCloseDate = "Pick the expected close date.";
    else {
      const c = parseCalendarDate(input.draft.expectedCloseDate, { today, label: "the expected close date", yearsBack: null });
      if (!c.ok) errors.expectedCloseDate = c.message;
      else if (c.date < today) errors.expectedCloseDate = `The expected close date ${c.date} is in the past (today is ${today}).`;
      else close = c.date;
    }
    const answer = checkNote(input.draft.answer, { required: true, what: "Your answer" });
    if (!answer.ok) errors.answer = answer.message.replace("the registrant reads it", "the admin asked for it");
    if (Object.keys(errors).length > 0) return { kind: "fieldErrors", errors };

    const round = deal.reviewRound + 1;
    await tx.deal.update({
      where: { id: deal.id },
      data: {
        title,
        amountMinor: BigInt(amount.ok ? amount.minor : 0),
        expectedCloseDate: new Date(`${close}T00:00:00Z`),
        registrantNote: answer.ok ? answer.note : null,
        registrationStatus: "SUBMITTED",
        reviewRound: round,
        submittedAt: now,
        reviewDueAt: addSlaHours(now, lifecycleOf(program).approvalSlaHours, reviewClockOf(program)),
        reviewRemindedAt: null,
        lastActivityAt: now,
      },
    });
    await audit(tx, actor.userId, "registration.resubmit", deal.id, { ref: formatDealRef(deal.ref), round, answer: answer.ok ? answer.note : null }, now);
    await enqueue(tx, { method: "deal.card", payload: { dealId: deal.id } }, now);
    for (const admin of new Set(deps.admins)) {
      await enqueue(tx, { method: "registration.review", payload: { dealId: deal.id, admin }, dedupeKey: `review:${deal.id}:${round}:${admin}` }, now);
    }
    return { kind: "resubmitted", ref: deal.ref };
  });
}

export type ExtensionRequestResult =
  | { kind: "requested"; ref: number }
  | { kind: "alreadyRequested"; ref: number }
  | { kind: "refused"; message: string }
  | { kind: "denied"; message: Extract<Decision, { allowed: false }>["message"] };

/** The registrant (or anyone on the deal's pairing) asks an admin for more protection. */
export async function requestExtension(deps: ReviewDeps, actor: Actor, input: { dealId: string }): Promise<ExtensionRequestResult> {
  const now = deps.clock.now();
  return deps.db.prisma.$transaction(async (tx): Promise<ExtensionRequestResult> => {
    const deal = await lockDeal(tx, input.dealId);
    const members = deal ? (await tx.pairingMember.findMany({ where: { pairingId: deal.pairingId }, select: { orgId: true } })).map((m) => m.orgId) : [];
    const allowed = decideDealAction(actor, "deal.view", members);
    if (!deal || !allowed.allowed) return { kind: "denied", message: allowed.allowed ? "That deal no longer exists." : allowed.message };
    const ref = formatDealRef(deal.ref);
    if (deal.registrationStatus !== "APPROVED" || !deal.protectedUntil || deal.stage === "CLOSED_WON" || deal.stage === "CLOSED_LOST")
      return { kind: "refused", message: `${ref} has no protection running that could be extended.` };
    const settings = lifecycleOf(await tx.program.findUniqueOrThrow({ where: { id: 1 } }));
    if (deal.extensionsUsed >= settings.maxExtensions)
      return { kind: "refused", message: `${ref} already had ${deal.extensionsUsed} extension${deal.extensionsUsed === 1 ? "" : "s"}, the program's maximum.` };
    if (deal.extensionRequestedAt) return { kind: "alreadyRequested", ref: deal.ref };
    await tx.deal.update({ where: { id: deal.id }, data: { extensionRequestedAt: now, extensionRequestedBy: actor.userId } });
    await audit(tx, actor.userId, "registration.extensionRequest", deal.id, { ref }, now);
    const n = deal.extensionsUsed + 1;
    for (const admin of new Set(deps.admins)) {
      await enqueue(tx, { method: "registration.extensionRequest", payload: { dealId: deal.id, admin }, dedupeKey: `extension:${deal.id}:${n}:${admin}` }, now);
    }
    return { kind: "requested", ref: deal.ref };
  });
}

export type ExtensionDecisionResult =
  | { kind: "granted"; ref: number; protectedUntil: Date }
  | { kind: "declined"; ref: number }
  | { kind: "nothingPending"; ref: number }
  | { kind: "denied"; message: Extract<Decision, { allowed: false }>["message"] };

/** An admin grants (+extensionDays) or declines (with a reason) a pending extension request. */
export async function decideExtension(
  deps: ReviewDeps,
  actor: Actor,
  input: { dealId: string; grant: true } | { dealId: string; grant: false; reason: string },
): Promise<ExtensionDecisionResult> {
  const allowed = decideAdminAction(actor, "registration.review", deps.admins);
  if (!allowed.allowed) return { kind: "denied", message: allowed.message };
  const now = deps.clock.now();
  return deps.db.prisma.$transaction(async (tx): Promise<ExtensionDecisionResult> => {
    const deal = await lockDeal(tx, input.dealId);
    if (!deal) return { kind: "denied", message: "That deal no longer exists." };
    if (!deal.extensionRequestedAt || deal.registrationStatus !== "APPROVED" || !deal.protectedUntil) return { kind: "nothingPending", ref: deal.ref };
    const ref = formatDealRef(deal.ref);
    const requester = deal.extensionRequestedBy;
    const n = String(deal.extensionsUsed + 1);
    if (input.grant) {
      const settings = lifecycleOf(await tx.program.findUniqueOrThrow({ where: { id: 1 } }));
      const protectedUntil = addDays(deal.protectedUntil, settings.extensionDays);
      await tx.deal.update({
        where: { id: deal.id },
        data: { protectedUntil, extensionsUsed: { increment: 1 }, extensionRequestedAt: null, extensionRequestedBy: null },
      });
      await audit(tx, actor.userId, "registration.extend", deal.id, { ref, days: settings.extensionDays, protectedUntil: protectedUntil.toISOString() }, now);
      await enqueue(tx, { method: "deal.card", payload: { dealId: deal.id } }, now);
      await notify(tx, deal.id, requester, "extension-granted", n, now);
      if (requester !== deal.registeredBy) await notify(tx, deal.id, deal.registeredBy, "extension-granted", n, now);
      return { kind: "granted", ref: deal.ref, protectedUntil };
    }
    await tx.deal.update({ where: { id: deal.id }, data: { extensionRequestedAt: null, extensionRequestedBy: null, decisionNote: input.reason } });
    await audit(tx, actor.userId, "registration.extensionDecline", deal.id, { ref, reason: input.reason }, now);
    await notify(tx, deal.id, requester, "extension-declined", n, now);
    return { kind: "declined", ref: deal.ref };
  });
}

export interface PendingReview {
  dealId: string;
  ref: number;
  title: string;
  accountName: string;
  registeredBy: string;
  submittedAt: Date;
  reviewRound: number;
  hasConflict: boolean;
}

/** Registrations waiting for review, oldest first, and how many there are (`/cosell approvals`). */
export async function listPendingReviews(db: Tx, opts: { take: number }): Promise<{ rows: PendingReview[]; total: number }> {
  const where = { registrationStatus: "SUBMITTED" as const };
  const [rows, total] = await Promise.all([
    db.deal.findMany({ where, orderBy: [{ submittedAt: "asc" }, { ref: "asc" }], take: opts.take }),
    db.deal.count({ where }),
  ]);
  return {
    total,
    rows: rows.map((d) => ({
      dealId: d.id,
      ref: d.ref,
      title: d.title,
      accountName: d.accountName,
      registeredBy: d.registeredBy,
      submittedAt: d.submittedAt ?? d.registeredAt,
      reviewRound: d.reviewRound,
      hasConflict: d.conflictWithDealId !== null || d.conflictWithDirectDealId !== null,
    })),
  };
}
