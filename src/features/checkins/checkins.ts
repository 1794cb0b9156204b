import { Prisma, type PrismaClient } from "../../generated/prisma/client";
import type { Tx } from "../../platform/db/client";
import { toJsonColumn } from "../../platform/db/json";
import { enqueue } from "../../platform/outbox/enqueue";
import { programRepo } from "../../platform/repos/program-repo";
import { truncate } from "../../platform/slack/command-text";
import { insertAsk } from "../asks/asks";
import {
  audienceOf,
  checkInTimes,
  groupAnswers,
  participationByOrg,
  pickInvitees,
  questionsOf,
  validateAnswer,
  type AnswerField,
  type AnswerGroup,
  type AnswerInput,
  type CheckInAudience,
  type CheckInQuestions,
  type Participation,
  type Person,
} from "./rules";

// Check-in use cases: opening a week's rounds (prompts), the reminder, answering (and the asks an
// answer makes), the digest's "From the team" section and participation. Slack-free: prompts and
// reminders are outbox intents rendered at delivery (features/checkins/outbox.ts).

const CLOSED_MESSAGE = "This check-in closed when the digest went out; next week's comes the working day before the next digest.";

const OPEN_STAGES = ["REGISTERED", "DISCOVERY", "TECHNICAL_VALIDATION", "PROPOSAL", "NEGOTIATION"] as const;
const ACTIVE_DAYS = 30;

export interface CheckInSettings {
  questions: CheckInQuestions;
  audience: CheckInAudience;
  hour: number;
}

export async function checkInSettings(db: Tx): Promise<CheckInSettings> {
  const p = await programRepo(db).find();
  return { questions: questionsOf(p?.checkInQuestions), audience: audienceOf(p?.checkInAudience), hour: p?.checkInHour ?? 14 };
}

/** Sets the questions, the audience or the hour, with an audit event, in one transaction. */
export async function updateCheckInSettings(
  prisma: PrismaClient,
  input: { change: { questions?: CheckInQuestions; audience?: CheckInAudience; hour?: number }; actor: string; now: Date },
): Promise<CheckInSettings> {
  return prisma.$transaction(async (tx) => {
    const before = await checkInSettings(tx);
    const c = input.change;
    await programRepo(tx).update({
      ...(c.questions ? { checkInQuestions: [...c.questions] } : {}),
      ...(c.audience ? { checkInAudience: c.audience } : {}),
      ...(c.hour !== undefined ? { checkInHour: c.hour } : {}),
    });
    const after = { ...before, ...c };
    await tx.auditEvent.create({
      data: { actor: input.actor, action: "program.check-ins", subject: "program", detail: toJsonColumn({ before, after }), createdAt: input.now },
    });
    return after;
  });
}

/** The people active on a pairing's open deals: touchpoints of the last 30 days, registrants and relationship owners; most recent first. */
async function activePeople(db: Tx, pairingId: string, now: Date): Promise<Person[]> {
  const [ours, deals] = await Promise.all([
    db.organization.findFirst({ where: { kind: "INTERNAL" }, select: { id: true } }),
    db.deal.findMany({
      where: { pairingId, stage: { in: [...OPEN_STAGES] } },
      select: {
        registeredBy: true,
        registeredByOrgId: true,
        registeredAt: true,
        relationshipOwnerUserId: true,
        touchpoints: {
          where: { occurredAt: { gte: new Date(now.getTime() - ACTIVE_DAYS * 86_400_000) } },
          select: { userId: true, orgId: true, occurredAt: true },
        },
      },
    }),
  ]);
  const seen: { p: Person; at: number }[] = [];
  const add = (userId: string, orgId: string, at: Date) => seen.push({ p: { userId, orgId, internal: orgId === ours?.id }, at: at.getTime() });
  for (const d of deals) {
    for (const t of d.touchpoints) add(t.userId, t.orgId, t.occurredAt);
    add(d.registeredBy, d.registeredByOrgId, d.registeredAt);
    if (d.relationshipOwnerUserId && ours) add(d.relationshipOwnerUserId, ours.id, d.registeredAt);
  }
  return seen.sort((a, b) => b.at - a.at).map((x) => x.p);
}

export interface CheckInRunReport {
  week: string | null;
  prompted: number;
  reminded: number;
}

/**
 * Opens the rounds of the digest at `digest` for every pairing without one: the invitees, and
 * the prompts (a DM to each of our people, one message in the channel naming the partners'),
 * in one transaction per pairing. The round's unique (pairing, week) makes it exactly once.
 */
async function openCheckInRounds(prisma: PrismaClient, input: { digest: { at: Date; week: string }; settings: CheckInSettings; now: Date }): Promise<number> {
  if (input.settings.audience === "OFF") return 0;
  const done = new Set((await prisma.checkInRound.findMany({ where: { week: input.digest.week }, select: { pairingId: true } })).map((r) => r.pairingId));
  const pairings = await prisma.pairing.findMany({ where: { createdAt: { lte: input.digest.at } }, select: { id: true }, orderBy: { createdAt: "asc" } });
  let opened = 0;
  for (const pairing of pairings) {
    if (done.has(pairing.id)) continue;
    const invitees = pickInvitees(await activePeople(prisma, pairing.id, input.now), input.settings.audience);
    if (invitees.length === 0) continue;
    const created = await prisma.$transaction(async (tx) => {
      const rows = await tx.checkInRound.createManyAndReturn({
        data: [{ pairingId: pairing.id, week: input.digest.week, digestAt: input.digest.at, questions: [...input.settings.questions], promptedAt: input.now }],
        skipDuplicates: true,
        select: { id: true },
      });
      const round = rows[0];
      if (!round) return false; // another process opened it
      await tx.checkInInvite.createMany({ data: invitees.map((p) => ({ roundId: round.id, userId: p.userId, orgId: p.orgId })) });
      for (const p of invitees.filter((x) => x.internal)) {
        await enqueue(
          tx,
          { method: "checkin.prompt", payload: { roundId: round.id, userId: p.userId }, dedupeKey: `checkin:${round.id}:prompt:${p.userId}` },
          input.now,
        );
      }
      if (invitees.some((x) => !x.internal)) {
        await enqueue(
          tx,
          { method: "checkin.prompt", payload: { roundId: round.id, userId: null }, dedupeKey: `checkin:${round.id}:prompt:channel` },
          input.now,
        );
      }
      return true;
    });
    if (created) opened++;
  }
  return opened;
}

/** The one reminder of each open round of this week, to those who haven't answered (exactly once: remindedAt is claimed). */
async function remindCheckIns(prisma: PrismaClient, input: { week: string; reminderAt: Date; now: Date }): Promise<number> {
  // A round asked after the reminder time (a late catch-up) gets no reminder on top.
  const rounds = await prisma.checkInRound.findMany({
    where: { week: input.week, remindedAt: null, closedAt: null, promptedAt: { lt: input.reminderAt } },
    select: { id: true, invites: { select: { userId: true, orgId: true } }, answers: { select: { userId: true } } },
  });
  const ours = await prisma.organization.findFirst({ where: { kind: "INTERNAL" }, select: { id: true } });
  let reminded = 0;
  for (const r of rounds) {
    const answered = new Set(r.answers.map((a) => a.userId));
    const missing = r.invites.filter((i) => !answered.has(i.userId));
    const claimed = await prisma.$transaction(async (tx) => {
      const won = await tx.checkInRound.updateMany({ where: { id: r.id, remindedAt: null }, data: { remindedAt: input.now } });
      if (won.count === 0) return false;
      for (const m of missing.filter((x) => x.orgId === ours?.id)) {
        await enqueue(
          tx,
          { method: "checkin.reminder", payload: { roundId: r.id, userId: m.userId }, dedupeKey: `checkin:${r.id}:reminder:${m.userId}` },
          input.now,
        );
      }
      if (missing.some((x) => x.orgId !== ours?.id)) {
        await enqueue(tx, { method: "checkin.reminder", payload: { roundId: r.id, userId: null }, dedupeKey: `checkin:${r.id}:reminder:channel` }, input.now);
      }
      return true;
    });
    if (claimed) reminded++;
  }
  return reminded;
}

/** Runs what is due at `now`: the prompts of the upcoming digest, then its reminder. */
export async function runCheckIns(
  prisma: PrismaClient,
  input: { digest: { at: Date; week: string; localDate: string }; timezone: string; now: Date },
): Promise<CheckInRunReport> {
  const settings = await checkInSettings(prisma);
  const times = checkInTimes(input.digest, input.timezone, settings.hour);
  const report: CheckInRunReport = { week: null, prompted: 0, reminded: 0 };
  if (input.now < times.promptAt || input.now >= input.digest.at) return report;
  report.week = input.digest.week;
  report.prompted = await openCheckInRounds(prisma, { digest: input.digest, settings, now: input.now });
  if (input.now >= times.reminderAt) report.reminded = await remindCheckIns(prisma, { week: input.digest.week, reminderAt: times.reminderAt, now: input.now });
  return report;
}

// ---------------------------------------------------------------------------------------------
// Answering

export interface RoundView {
  id: string;
  pairing: { id: string; name: string; channelId: string; orgIds: string[] };
  week: string;
  digestAt: Date;
  questions: CheckInQuestions;
  closedAt: Date | null;
  invites: { userId: string; orgId: string }[];
  answered: string[];
}

export async function loadRound(db: Tx, roundId: string): Promise<RoundView | null> {
  if (!/^[0-9a-f-]{36}$/i.test(roundId)) return null;
  const r = await db.checkInRound.findUnique({
    where: { id: roundId },
    include: { invites: { select: { userId: true, orgId: true } }, answers: { select: { userId: true } } },
  });
  if (!r) return null;
  const pairing = await db.pairing.findUnique({
    where: { id: r.pairingId },
    select: { id: true, name: true, channelId: true, members: { select: { orgId: true } } },
  });
  if (!pairing) return null;
  return {
    id: r.id,
    pairing: { id: pairing.id, name: pairing.name, channelId: pairing.channelId, orgIds: pairing.members.map((m) => m.orgId) },
    week: r.week,
    digestAt: r.digestAt,
    questions: questionsOf(r.questions),
    closedAt: r.closedAt,
    invites: r.invites,
    answered: r.answers.map((a) => a.userId),
  };
}

/** The round open now for a pairing (for `/cosell checkin` in its channel), if any. */
export async function openRoundOf(db: Tx, pairingId: string): Promise<string | null> {
  const r = await db.checkInRound.findFirst({ where: { pairingId, closedAt: null }, orderBy: { digestAt: "desc" }, select: { id: true } });
  return r?.id ?? null;
}

export interface AnswerForm {
  round: RoundView;
  deals: { id: string; ref: number; title: string; accountName: string }[];
  answer: AnswerInput | null;
}

/** What the answer form shows: the pairing's open deals and the person's answer so far. */
export async function loadAnswerForm(db: Tx, input: { roundId: string; userId: string }): Promise<AnswerForm | null> {
  const round = await loadRound(db, input.roundId);
  if (!round) return null;
  const [deals, answer] = await Promise.all([
    db.deal.findMany({
      where: { pairingId: round.pairing.id, stage: { in: [...OPEN_STAGES] } },
      select: { id: true, ref: true, title: true, accountName: true },
      orderBy: { lastActivityAt: "desc" },
      take: 100,
    }),
    db.checkInAnswer.findUnique({ where: { roundId_userId: { roundId: round.id, userId: input.userId } } }),
  ]);
  return {
    round,
    deals,
    answer: answer
      ? { dealId: answer.dealId, moved: answer.moved, blocked: answer.blocked, blockerUserId: answer.blockerUserId, introAccount: answer.introAccount }
      : null,
  };
}

export type SubmitCheckInResult =
  | {
      ok: true;
      edited: boolean;
      blockerAsk: { ref: number; ownerUserId: string; created: boolean } | null;
      introAsk: { ref: number; ownerUserId: string; created: boolean } | null;
    }
  | { ok: false; errors: Partial<Record<AnswerField, string>> };

/**
 * Saves a person's answer (edited in place until the digest goes out), in one transaction with
 * the asks it makes:
 * - a blocker naming a person → an ask on the picked deal to that person, with their SLA (their
 *   organization's response SLA on the deal), so it enters the overdue sweep;
 * - an intro → a *Request intro* ask on the deal: from our person to the partner's person who
 *   last logged a touchpoint on it; from a partner's person to the deal's relationship owner.
 * An edit naming the same person on the same deal asks nothing twice.
 */
export async function submitCheckIn(
  prisma: PrismaClient,
  input: AnswerInput & { roundId: string; userId: string; orgId: string | null; internal: boolean; blockerOrgId: string | null; now: Date },
): Promise<SubmitCheckInResult> {
  const round = await loadRound(prisma, input.roundId);
  if (!round) return { ok: false, errors: { moved: "That check-in is gone; wait for next week's." } };
  if (round.closedAt)
    return { ok: false, errors: { moved: "This check-in closed when the digest went out; next week's comes the working day before the next digest." } };
  const errors = validateAnswer(input);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const deal = input.dealId
    ? await prisma.deal.findFirst({
        where: { id: input.dealId, pairingId: round.pairing.id },
        select: { id: true, ref: true, accountName: true, relationshipOwnerUserId: true },
      })
    : null;
  if (input.dealId && !deal) return { ok: false, errors: { deal: "That deal is not one of this pairing's; pick another." } };
  // The intro's owner: the partner's latest touchpoint author on the deal (our person asks), or our relationship owner (a partner's person asks).
  let introOwner: { userId: string; orgId: string | null } | null = null;
  if (deal && input.introAccount.trim() !== "") {
    if (input.internal) {
      const t = await prisma.touchpoint.findFirst({
        where: { dealId: deal.id, orgId: { in: round.pairing.orgIds.filter((o) => o !== input.orgId) } },
        orderBy: { occurredAt: "desc" },
        select: { userId: true, orgId: true },
      });
      if (t) introOwner = { userId: t.userId, orgId: t.orgId };
    } else if (deal.relationshipOwnerUserId) introOwner = { userId: deal.relationshipOwnerUserId, orgId: null };
    if (!introOwner) {
      return {
        ok: false,
        errors: {
          intro: input.internal
            ? `No one from the partner has logged a touchpoint on CS-${deal.ref} yet, so there is no one to ask for the intro. Ask in the channel, or pick another deal.`
            : `CS-${deal.ref} has no relationship owner to ask; ask in the channel.`,
        },
      };
    }
  }

  // A double click or Slack's retry submits twice at once: the loser of the unique keys (the
  // answer, the asks' keys) runs again and finds what the winner wrote.
  try {
    return await saveAnswer(prisma, input, round, deal, introOwner);
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") return saveAnswer(prisma, input, round, deal, introOwner);
    throw err;
  }
}

async function saveAnswer(
  prisma: PrismaClient,
  input: AnswerInput & { roundId: string; userId: string; orgId: string | null; internal: boolean; blockerOrgId: string | null; now: Date },
  round: RoundView,
  deal: { id: string; ref: number; accountName: string } | null,
  introOwner: { userId: string; orgId: string | null } | null,
): Promise<SubmitCheckInResult> {
  return prisma.$transaction(async (tx) => {
    // The digest closes the round in its claim: lock the round's row and look again, so an
    // answer is either in the digest or refused, never confirmed and then left out.
    const [locked] = await tx.$queryRaw<{ closedAt: Date | null }[]>`SELECT "closedAt" FROM "CheckInRound" WHERE id = ${round.id} FOR UPDATE`;
    if (!locked || locked.closedAt) return { ok: false as const, errors: { moved: CLOSED_MESSAGE } };
    const existing = await tx.checkInAnswer.findUnique({ where: { roundId_userId: { roundId: round.id, userId: input.userId } } });
    const blocker =
      deal && input.blockerUserId
        ? await askOnce(tx, `checkin:${round.id}:${input.userId}:blocker:${deal.id}:${input.blockerUserId}`, {
            dealId: deal.id,
            fromUserId: input.userId,
            ownerUserId: input.blockerUserId,
            ownerOrgId: input.blockerOrgId,
            text: truncate(`Blocked (from this week's check-in): ${input.blocked.trim()}`, 500),
            now: input.now,
          })
        : null;
    const account = input.introAccount.trim();
    const intro =
      deal && introOwner
        ? await askOnce(tx, `checkin:${round.id}:${input.userId}:intro:${deal.id}:${account.toLowerCase()}`, {
            dealId: deal.id,
            fromUserId: input.userId,
            ownerUserId: introOwner.userId,
            ownerOrgId: introOwner.orgId,
            text: truncate(
              `Request intro (from this week's check-in): an introduction to ${account} for ${deal.accountName}. Who is the right contact, and could you introduce us?`,
              500,
            ),
            now: input.now,
          })
        : null;
    const blockerAsk = blocker && { ref: blocker.ref, ownerUserId: input.blockerUserId!, created: blocker.created };
    const introAsk = intro && { ref: intro.ref, ownerUserId: introOwner!.userId, created: intro.created };
    const data = {
      orgId: input.orgId,
      dealId: deal?.id ?? null,
      moved: input.moved.trim(),
      blocked: input.blocked.trim(),
      blockerUserId: input.blockerUserId,
      introAccount: input.introAccount.trim(),
      blockerAskId: blocker?.askId ?? null,
      introAskId: intro?.askId ?? null,
      updatedAt: input.now,
    };
    if (existing) await tx.checkInAnswer.update({ where: { id: existing.id }, data });
    else await tx.checkInAnswer.create({ data: { roundId: round.id, userId: input.userId, createdAt: input.now, ...data } });
    return { ok: true as const, edited: existing !== null, blockerAsk, introAsk };
  });
}

/** The ask with this key: made now in the transaction, or the one an earlier submission made. */
async function askOnce(tx: Tx, key: string, ask: Omit<Parameters<typeof insertAsk>[1], "key">): Promise<{ askId: string; ref: number; created: boolean }> {
  const prior = await tx.ask.findUnique({ where: { idempotencyKey: key }, select: { id: true, deal: { select: { ref: true } } } });
  if (prior) return { askId: prior.id, ref: prior.deal.ref, created: false };
  const made = await insertAsk(tx, { ...ask, key });
  return { askId: made.askId, ref: made.ref, created: true };
}

// ---------------------------------------------------------------------------------------------
// The digest

export interface CheckInSection {
  roundId: string;
  questions: CheckInQuestions;
  groups: AnswerGroup[];
  participation: Participation[];
}

/** Each pairing's round for the digest of `week`: answers grouped by deal and who didn't answer, by organization. */
export async function loadCheckInSections(db: Tx, input: { week: string; pairingIds?: readonly string[] }): Promise<Map<string, CheckInSection>> {
  const rounds = await db.checkInRound.findMany({
    where: { week: input.week, ...(input.pairingIds ? { pairingId: { in: [...input.pairingIds] } } : {}) },
    include: { invites: { select: { userId: true, orgId: true } }, answers: true },
  });
  const out = new Map<string, CheckInSection>();
  if (rounds.length === 0) return out;
  const dealIds = rounds.flatMap((r) => r.answers.flatMap((a) => (a.dealId ? [a.dealId] : [])));
  const askIds = rounds.flatMap((r) => r.answers.flatMap((a) => (a.blockerAskId ? [a.blockerAskId] : [])));
  const [orgs, deals, asks] = await Promise.all([
    db.organization.findMany({ select: { id: true, name: true, kind: true }, orderBy: [{ kind: "asc" }, { name: "asc" }] }),
    db.deal.findMany({ where: { id: { in: dealIds } }, select: { id: true, ref: true, title: true } }),
    db.ask.findMany({ where: { id: { in: askIds } }, select: { id: true, status: true } }),
  ]);
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  const dealOf = new Map(deals.map((d) => [d.id, { ref: d.ref, title: d.title }]));
  const askOpen = new Map(asks.map((a) => [a.id, a.status === "OPEN"]));
  for (const r of rounds) {
    const groups = groupAnswers(
      r.answers.map((a) => ({
        userId: a.userId,
        orgName: (a.orgId && orgName.get(a.orgId)) || "",
        deal: (a.dealId && dealOf.get(a.dealId)) || null,
        moved: a.moved,
        blocked: a.blocked,
        blockerUserId: a.blockerUserId,
        blockerOpen: a.blockerAskId ? askOpen.get(a.blockerAskId) === true : false,
        introAccount: a.introAccount,
      })),
    );
    const participation = participationByOrg(r.invites, new Set(r.answers.map((a) => a.userId)), orgs);
    out.set(r.pairingId, { roundId: r.id, questions: questionsOf(r.questions), groups, participation });
  }
  return out;
}

/** Closes the rounds of these pairings' digests (answers are then final), inside the digest's claim. */
export async function closeCheckInRounds(tx: Tx, input: { week: string; pairingIds: readonly string[]; now: Date }): Promise<void> {
  if (input.pairingIds.length === 0) return;
  await tx.checkInRound.updateMany({ where: { week: input.week, pairingId: { in: [...input.pairingIds] }, closedAt: null }, data: { closedAt: input.now } });
}

export interface ParticipationRow {
  pairingName: string;
  orgName: string;
  asked: number;
  answered: number;
}

/** For the manager digest: check-in participation of a week, per pairing and organization. */
export async function loadParticipation(db: Tx, week: string): Promise<ParticipationRow[]> {
  const rounds = await db.checkInRound.findMany({
    where: { week },
    select: { pairingId: true, invites: { select: { userId: true, orgId: true } }, answers: { select: { userId: true } } },
  });
  if (rounds.length === 0) return [];
  const [orgs, pairings] = await Promise.all([
    db.organization.findMany({ select: { id: true, name: true, kind: true }, orderBy: [{ kind: "asc" }, { name: "asc" }] }),
    db.pairing.findMany({ where: { id: { in: rounds.map((r) => r.pairingId) } }, select: { id: true, name: true } }),
  ]);
  const name = new Map(pairings.map((p) => [p.id, p.name]));
  return rounds
    .flatMap((r) =>
      participationByOrg(r.invites, new Set(r.answers.map((a) => a.userId)), orgs).map((p) => ({
        pairingName: name.get(r.pairingId) ?? "",
        orgName: p.orgName,
        asked: p.asked,
        answered: p.answered,
      })),
    )
    .sort((a, b) => a.pairingName.localeCompare(b.pairingName) || a.orgName.localeCompare(b.orgName));
}
