import { describe, expect, it } from "vitest";
import type { ValidRegistration } from "../../src/kernel/registration";
import { registerDeal, type RegisterDealInput, type RegisterDealResult } from "../../src/features/registration/register-deal";
import { onPostgres } from "../support/db";
import { useTestDb } from "../support/fixtures";
import { withRendered } from "../support/outbox";

// The registration race: two registrations of one account with different partners, submitted
// at the same moment. The conflict check and the write share one transaction serialized on the
// account's domain, so one is registered and the other is shown the conflict. On Postgres the
// two transactions run on separate pool connections (real concurrency); PGlite is one
// connection and takes them in turn.

const { db, p } = useTestDb({ seed: true });
const now = new Date("2026-11-16T09:00:00Z");
const ADMINS = ["U_ADMIN", "U_ADMIN2"];
const PAIRS = 20;

type Registered = Extract<RegisterDealResult, { kind: "registered" }>;
type Conflict = Extract<RegisterDealResult, { kind: "conflict" }>;

/** A registration of `domain`: with Acme in the Acme pairing, or with Globex in the Globex pairing. */
function registration(domain: string, partner: "acme" | "globex", key: string, over: Partial<RegisterDealInput> = {}): RegisterDealInput {
  const pairing = partner === "acme" ? p.acmePairing : p.globexPairing;
  const reg: ValidRegistration = {
    accountName: `Account ${domain}`,
    accountDomain: domain,
    title: `Deal with ${partner}`,
    amountMinor: 5_000_000,
    currency: "USD",
    expectedCloseDate: "2027-03-31",
    coSellModel: "SELL_WITH",
    explicitModel: null,
    pairingId: pairing.id,
    participants: [
      { orgId: p[partner].id, roles: ["SOURCING"] },
      { orgId: p.ours.id, roles: ["SELLING"] },
    ],
    relationshipOwnerUserId: "U_REP",
    postSaleOwnerOrgId: null,
    notes: null,
  };
  return { reg, registeredBy: partner === "acme" ? "U_REP" : "U_REP2", registeredByOrgId: p.ours.id, key, admins: ADMINS, now, ...over };
}

const conflictDms = async (dealId: string) =>
  withRendered(db.prisma, await db.prisma.outboxMessage.findMany({ where: { dedupeKey: { startsWith: `review:${dealId}:` } } }));

describe("two registrations of one account with different partners at the same moment", () => {
  it(`in every pair one is registered and the other is shown the conflict; resubmitted acknowledging it, it is flagged (${PAIRS} pairs)`, async () => {
    let flagged = 0;
    for (let i = 1; i <= PAIRS; i++) {
      const domain = `race${i}.example.com`;
      const inputs = [registration(domain, "acme", `race:${i}:acme`), registration(domain, "globex", `race:${i}:globex`)] as const;
      // Neither has acknowledged a conflict.
      const results = await Promise.all(inputs.map((input) => registerDeal(db.prisma, input)));

      const winnerAt = results.findIndex((r) => r.kind === "registered");
      const loserAt = results.findIndex((r) => r.kind === "conflict");
      expect(results.map((r) => r.kind).sort(), `pair ${i}`).toEqual(["conflict", "registered"]);
      const winner = results[winnerAt] as Registered;
      const loser = results[loserAt] as Conflict;
      expect(winner).toMatchObject({ created: true });
      expect(winner.conflictWith).toBeUndefined();
      expect(loser.conflict).toMatchObject({ kind: "deal", id: winner.dealId, ref: winner.ref, registeredBy: inputs[winnerAt]!.registeredBy });
      // Nothing was written for the one shown the conflict.
      expect(await db.prisma.deal.count({ where: { accountDomain: domain } })).toBe(1);
      expect(await db.prisma.deal.count({ where: { registrationKey: inputs[loserAt]!.key } })).toBe(0);

      // The person ticks "register as a conflict" and submits the same modal again.
      const again = await registerDeal(db.prisma, { ...inputs[loserAt]!, acknowledgedConflictWithDealId: loser.conflict.id });
      expect(again).toMatchObject({ kind: "registered", created: true, conflictWith: winner.ref });
      const second = await db.prisma.deal.findUniqueOrThrow({ where: { id: (again as Registered).dealId } });
      expect(second.conflictWithDealId).toBe(winner.dealId);
      // Submitted for review with the conflict shown to every admin; the winner (ours: auto-approved) needs no review.
      expect(second.registrationStatus).toBe("SUBMITTED");
      expect((await conflictDms(second.id)).map((m) => (m.payload as { channel: string }).channel).sort()).toEqual(ADMINS);
      expect(await conflictDms(winner.dealId)).toHaveLength(0);
      expect(await db.prisma.auditEvent.count({ where: { action: "registration.submit", subject: second.id } })).toBe(1);
      flagged++;
    }
    console.log(`registration race (${onPostgres ? "Postgres" : "PGlite"}): ${flagged}/${PAIRS} pairs flagged`);
    expect(flagged).toBe(PAIRS);
  });

  it("an acknowledged conflict that is not the one found now is a new conflict; nothing written", async () => {
    const domain = "stale-ack.example.com";
    const first = await registerDeal(db.prisma, registration(domain, "acme", "stale:acme"));
    expect(first.kind).toBe("registered");
    const other = await registerDeal(db.prisma, registration("elsewhere.example.com", "acme", "stale:elsewhere"));
    const res = await registerDeal(db.prisma, registration(domain, "globex", "stale:globex", { acknowledgedConflictWithDealId: (other as Registered).dealId }));
    expect(res).toMatchObject({ kind: "conflict", conflict: { id: (first as Registered).dealId } });
    expect(await db.prisma.deal.count({ where: { accountDomain: domain } })).toBe(1);
  });

  it("the same submission twice at the same moment is one deal", async () => {
    const input = registration("double.example.com", "acme", "double:acme");
    const [a, b] = await Promise.all([registerDeal(db.prisma, input), registerDeal(db.prisma, { ...input })]);
    expect([a, b].map((r) => r.kind === "registered" && r.created).sort()).toEqual([false, true]);
    expect((a as Registered).dealId).toBe((b as Registered).dealId);
    expect(await db.prisma.deal.count({ where: { accountDomain: "double.example.com" } })).toBe(1);
    // A later retry of the acknowledged conflict answers with the deal and its flag.
    const conflicted = registration("double.example.com", "globex", "double:globex", { acknowledgedConflictWithDealId: (a as Registered).dealId });
    const c = await registerDeal(db.prisma, conflicted);
    expect(await registerDeal(db.prisma, conflicted)).toEqual({ ...c, created: false });
  });
});
