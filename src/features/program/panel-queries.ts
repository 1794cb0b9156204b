import type { Stage } from "../../kernel/stages";
import type { Tx } from "../../platform/db/client";

// What the pairing panel's buttons show: one person's open asks in the pairing, and the
// pairing's pipeline by stage. Plain rows; the panel renders them.

export interface PipelineStage {
  stage: Stage;
  count: number;
  amounts: { currency: string; amountMinor: number }[];
}

export interface AskLine {
  id: string;
  dealRef: number;
  text: string;
  ownerUserId: string;
  fromUserId: string;
  dueAt: Date;
}

/** Open asks on the pairing's deals that the person owes, and those owed to them, soonest due first. */
export async function pairingAsksOf(db: Tx, input: { pairingId: string; userId: string }): Promise<{ owe: AskLine[]; owed: AskLine[] }> {
  const select = { id: true, text: true, ownerUserId: true, fromUserId: true, dueAt: true, deal: { select: { ref: true } } } as const;
  const where = { status: "OPEN" as const, deal: { pairingId: input.pairingId } };
  const [owe, owed] = await Promise.all([
    db.ask.findMany({ where: { ...where, ownerUserId: input.userId }, select, orderBy: { dueAt: "asc" } }),
    db.ask.findMany({ where: { ...where, fromUserId: input.userId }, select, orderBy: { dueAt: "asc" } }),
  ]);
  const line = (a: (typeof owe)[number]) => ({ ...a, dealRef: a.deal.ref });
  return { owe: owe.map(line), owed: owed.map(line) };
}

/** The pairing's deals by stage: how many, and their amounts per currency. */
export async function pairingPipeline(db: Tx, pairingId: string): Promise<PipelineStage[]> {
  const groups = await db.deal.groupBy({
    by: ["stage", "currency"],
    where: { pairingId },
    _count: { _all: true },
    _sum: { amountMinor: true },
  });
  const stages = new Map<string, PipelineStage>();
  for (const g of groups) {
    const s = stages.get(g.stage) ?? { stage: g.stage, count: 0, amounts: [] };
    s.count += g._count._all;
    s.amounts.push({ currency: g.currency, amountMinor: Number(g._sum.amountMinor ?? 0n) });
    stages.set(g.stage, s);
  }
  return [...stages.values()];
}
