import { Prisma, type PrismaClient } from "../../generated/prisma/client";
import type { Tx } from "../../platform/db/client";
import { programRepo, type BusinessHoursSetting } from "../../platform/repos/program-repo";
import { askDueAt, askEscalatesAt, type BusinessHours } from "../../kernel/sla-clock";
import { enqueue } from "../../platform/outbox/enqueue";

// Asks: a request from one person to another on a deal, due after the owner's response SLA.
// Creating and closing write the ask and its Slack posts (outbox) in one transaction.

const DEFAULT_RESPONSE_SLA_HOURS = 24;

/** Program.businessHours (parsed by the program repository) in Program.timezone → a business-hours clock, or null (wall clock). */
function programBusinessHours(program: { businessHours: BusinessHoursSetting | null; timezone: string }): BusinessHours | null {
  return program.businessHours ? { timezone: program.timezone, ...program.businessHours } : null;
}

/**
 * The response SLA for an ask owned by someone of `ownerOrgId` (a partner organization; null
 * for our own people): that organization's committed SLA on the deal, else the program's.
 */
async function responseSlaFor(
  db: Tx,
  input: { dealId: string; ownerOrgId: string | null },
): Promise<{ slaHours: number; businessHours: BusinessHours | null }> {
  const program = await programRepo(db).find();
  const committed = input.ownerOrgId
    ? (await db.participant.findUnique({ where: { dealId_orgId: { dealId: input.dealId, orgId: input.ownerOrgId } }, select: { responseSlaHours: true } }))
        ?.responseSlaHours
    : null;
  const slaHours =
    committed && committed > 0 ? committed : program?.responseSlaHours && program.responseSlaHours > 0 ? program.responseSlaHours : DEFAULT_RESPONSE_SLA_HOURS;
  return { slaHours, businessHours: program ? programBusinessHours(program) : null };
}

export interface CreateAskInput {
  dealId: string;
  fromUserId: string;
  ownerUserId: string;
  /** the owner's partner organization, or null when the owner is one of ours */
  ownerOrgId: string | null;
  text: string;
  /** idempotency key: `view:<view id>` for the modal, `cmd:<trigger id>` for the command */
  key: string;
  now: Date;
}

export interface CreateAskResult {
  askId: string;
  created: boolean;
  ref: number;
  slaHours: number;
  dueAt: Date;
  escalateAt: Date;
}

/**
 * Creates an ask in one transaction: the ask with its due and escalation times, the owner's DM
 * (with the Done button) and a card refresh. The same key twice → one ask, one DM.
 */
export async function createAsk(prisma: PrismaClient, input: CreateAskInput): Promise<CreateAskResult> {
  const existing = await findByKey(prisma, input.key);
  if (existing) return existing;
  try {
    return await prisma.$transaction((tx) => insertAsk(tx, input));
  } catch (err) {
    // A concurrent duplicate (double submit) lost the race on the unique key: answer with the winner.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      const winner = await findByKey(prisma, input.key);
      if (winner) return winner;
    }
    throw err;
  }
}

/**
 * The ask, its DM and the card refresh, inside the caller's transaction (a use case that
 * creates asks as part of a larger change, e.g. intro requests). The key must be new.
 */
export async function insertAsk(tx: Tx, input: CreateAskInput): Promise<CreateAskResult> {
  const deal = await tx.deal.findUniqueOrThrow({ where: { id: input.dealId }, select: { id: true, ref: true } });
  const { slaHours, businessHours } = await responseSlaFor(tx, input);
  const dueAt = askDueAt(input.now, slaHours, businessHours);
  const escalateAt = askEscalatesAt(input.now, slaHours, businessHours);
  const ask = await tx.ask.create({
    data: {
      dealId: deal.id,
      fromUserId: input.fromUserId,
      ownerUserId: input.ownerUserId,
      text: input.text,
      slaHours,
      createdAt: input.now,
      dueAt,
      escalateAt,
      idempotencyKey: input.key,
    },
  });
  await enqueue(tx, { method: "ask.requested", payload: { askId: ask.id }, dedupeKey: `ask-dm:${ask.id}` }, input.now);
  await enqueue(tx, { method: "deal.card", payload: { dealId: deal.id } }, input.now);
  return { askId: ask.id, created: true, ref: deal.ref, slaHours, dueAt, escalateAt };
}

async function findByKey(db: Tx, key: string): Promise<CreateAskResult | null> {
  const a = await db.ask.findUnique({ where: { idempotencyKey: key }, include: { deal: { select: { ref: true } } } });
  return a ? { askId: a.id, created: false, ref: a.deal.ref, slaHours: a.slaHours, dueAt: a.dueAt, escalateAt: a.escalateAt } : null;
}

export interface AskRow {
  id: string;
  dealId: string;
  fromUserId: string;
  ownerUserId: string;
  text: string;
  status: "OPEN" | "DONE" | "CANCELLED";
  doneAt: Date | null;
  doneBy: string | null;
}

export async function findAsk(db: Tx, id: string): Promise<AskRow | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  return db.ask.findUnique({
    where: { id },
    select: { id: true, dealId: true, fromUserId: true, ownerUserId: true, text: true, status: true, doneAt: true, doneBy: true },
  });
}

export type CloseAskResult = { closed: true; ask: AskRow } | { closed: false; ask: AskRow };

/**
 * Marks an open ask done (who, when) and refreshes the card, in one transaction. Conditional on
 * the ask still being open, so a second click (or two people at once) changes nothing.
 */
export async function closeAsk(prisma: PrismaClient, input: { askId: string; by: string; now: Date }): Promise<CloseAskResult> {
  return prisma.$transaction(async (tx) => {
    const res = await tx.ask.updateMany({ where: { id: input.askId, status: "OPEN" }, data: { status: "DONE", doneAt: input.now, doneBy: input.by } });
    const ask = await findAsk(tx, input.askId);
    if (!ask) throw new Error(`ask ${input.askId} vanished`);
    if (res.count === 0) return { closed: false, ask };
    await enqueue(tx, { method: "deal.card", payload: { dealId: ask.dealId } }, input.now);
    if (input.by !== ask.fromUserId) {
      await enqueue(tx, { method: "ask.done", payload: { askId: ask.id, by: input.by }, dedupeKey: `ask-done:${ask.id}` }, input.now);
    }
    return { closed: true, ask };
  });
}
