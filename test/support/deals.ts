import type { PrismaClient } from "../../src/generated/prisma/client";
import type { ValidRegistration } from "../../src/kernel/registration";
import { registerDeal } from "../../src/features/registration/register-deal";
import type { TestApp } from "./app";
import type { SeededProgram } from "./seed";
import { deliverUntilIdle, until } from "./settle";

let seq = 0;

/** Registers a deal through the real use case (Acme pairing, Acme sourcing + tech validation, us selling). */
export async function createDeal(prisma: PrismaClient, p: SeededProgram, over: Partial<ValidRegistration> & { now?: Date; registeredBy?: string } = {}) {
  const n = ++seq;
  const { now, registeredBy, ...reg } = over;
  const res = await registerDeal(prisma, {
    reg: {
      accountName: `Account ${n}`,
      accountDomain: `account${n}.example.com`,
      title: `Deal ${n}`,
      amountMinor: 10_000_000,
      currency: "USD",
      expectedCloseDate: "2027-03-31",
      coSellModel: "SELL_WITH",
      explicitModel: null,
      pairingId: p.acmePairing.id,
      participants: [
        { orgId: p.acme.id, roles: ["SOURCING", "TECHNICAL_VALIDATION"] },
        { orgId: p.ours.id, roles: ["SELLING"] },
      ],
      relationshipOwnerUserId: "U_REP",
      postSaleOwnerOrgId: null,
      notes: null,
      ...reg,
    },
    registeredBy: registeredBy ?? "U_REP",
    registeredByOrgId: p.ours.id,
    key: `test:${n}:${Math.random()}`,
    admins: ["U_ADMIN"],
    now: now ?? new Date("2026-11-16T09:00:00Z"),
  });
  if (res.kind !== "registered")
    throw new Error(`createDeal: ${res.conflict.kind === "deal" ? `CS-${res.conflict.ref}` : "a house account"} already holds this account`);
  return res;
}

/**
 * Registers a deal (as createDeal does) and waits until its card is in the pairing channel: the
 * outbox delivered it and the card's ts was recorded on the deal. With `{ outbox: false }` apps
 * the outbox is delivered here.
 */
export async function postedDeal(t: TestApp, p: SeededProgram, over: Parameters<typeof createDeal>[2] = {}) {
  const { dealId, ref } = await createDeal(t.db.prisma, p, over);
  const cardTs = async () => (await t.db.prisma.deal.findUniqueOrThrow({ where: { id: dealId }, select: { cardTs: true } })).cardTs;
  if (t.outbox) {
    t.outbox.kick();
    await until(async () => Boolean(await cardTs()), `the card of CS-${ref} was not posted`);
  } else {
    await deliverUntilIdle(t.deps);
  }
  const ts = await cardTs();
  if (!ts) throw new Error(`postedDeal: the card of CS-${ref} was not posted`);
  return { dealId, ref, cardTs: ts };
}
