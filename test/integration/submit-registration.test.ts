import { beforeAll, describe, expect, it } from "vitest";
import { STRANGER_MESSAGE, type Actor } from "../../src/kernel/access";
import { prepareRegistrationForm } from "../../src/features/registration/prepare-registration-form";
import {
  registrationDraftSchema,
  submitRegistration,
  type RegistrationDeps,
  type SubmitRegistrationResult,
} from "../../src/features/registration/submit-registration";
import { fixedClock } from "../../src/platform/clock";
import { useTestDb } from "../support/fixtures";

// The registration use case called directly, as the CLI, the playground or a CRM webhook would:
// a plain draft in, a typed result out, no Slack anywhere.

const { db, p } = useTestDb({ seed: true });
const deps: RegistrationDeps = { db, clock: fixedClock("2026-11-16T10:00:00Z"), admins: ["U_ADMIN"] };
let rep: Actor;
let acmeRep: Actor;
const stranger: Actor = { kind: "stranger", userId: "U_STRANGER", teamId: "T_NOBODY" };

beforeAll(() => {
  rep = { kind: "internal", userId: "U_REP", teamId: "T_OURS", isAdmin: false, orgId: p.ours.id };
  acmeRep = { kind: "partner", userId: "U_ACME", teamId: "T_ACME", orgId: p.acme.id, orgName: p.acme.name };
});

/** A valid draft (strings, as a form or a webhook sends them): Northwind with Acme. */
const draft = (over: Record<string, unknown> = {}) =>
  registrationDraftSchema.parse({
    accountName: "  Northwind Traders ",
    accountDomain: "https://www.Northwind.com/about",
    title: "Data platform, 400 seats",
    amount: "48,000",
    currency: "USD",
    expectedCloseDate: "2027-01-31",
    coSellModel: "SELL_WITH",
    pairingId: p.acmePairing.id,
    roles: { SOURCING: [p.acme.id], SELLING: [p.ours.id] },
    relationshipOwnerUserId: "U_REP",
    notes: "Their CFO prefers annual billing",
    ...over,
  });

const written = async () => ({
  deals: await db.prisma.deal.count(),
  outbox: await db.prisma.outboxMessage.count(),
  audit: await db.prisma.auditEvent.count(),
  stageChanges: await db.prisma.stageChange.count(),
});

type Registered = Extract<SubmitRegistrationResult, { kind: "registered" }>;

describe("submitRegistration, without Slack", () => {
  let first: Registered;

  it("registers a valid draft: the deal, its first stage and its card post, once per idempotency key", async () => {
    const res = await submitRegistration(deps, rep, draft(), { idempotencyKey: "test:northwind" });
    expect(res).toMatchObject({
      kind: "registered",
      ref: 1,
      created: true,
      channelId: "C_ACME",
      title: "Data platform, 400 seats",
      accountName: "Northwind Traders",
    });
    first = res as Registered;
    expect(first.conflictWith).toBeUndefined();
    const deal = await db.prisma.deal.findUniqueOrThrow({ where: { id: first.dealId }, include: { participants: true, stageChanges: true } });
    expect(deal).toMatchObject({ accountDomain: "northwind.com", amountMinor: 4_800_000n, registeredBy: "U_REP", registeredByOrgId: p.ours.id });
    expect(deal.participants).toHaveLength(2);
    expect(deal.stageChanges.map((s) => s.toStage)).toEqual(["REGISTERED"]);
    expect(await db.prisma.outboxMessage.count({ where: { dedupeKey: `card-post:${deal.id}` } })).toBe(1);

    const before = await written();
    expect(await submitRegistration(deps, rep, draft(), { idempotencyKey: "test:northwind" })).toEqual({ ...first, created: false });
    expect(await written()).toEqual(before);
  });

  // (functions: the seeded ids exist only once the tests run)
  const invalid: [string, () => Record<string, unknown>, Record<string, string | RegExp>][] = [
    [
      "an impossible close date",
      () => ({ expectedCloseDate: "2027-02-30" }),
      { expectedCloseDate: "2027-02-30 is not a calendar date: February has 28 days." },
    ],
    ["a close date in the past", () => ({ expectedCloseDate: "2026-11-01" }), { expectedCloseDate: /in the past/ }],
    ["an unknown co-sell model", () => ({ coSellModel: "SELL_SIDEWAYS" }), { coSellModel: /Pick the co-sell model/ }],
    [
      "an organization outside the pairing",
      () => ({ roles: { SOURCING: [p.acme.id], SELLING: [p.ours.id], INFLUENCE: [p.globex.id] } }),
      { "role:INFLUENCE": /not in the pairing/ },
    ],
  ];
  it.each(invalid)("%s → field errors keyed by domain field, nothing written", async (_name, over, expected) => {
    const before = await written();
    const res = await submitRegistration(deps, rep, draft({ ...over(), accountDomain: "fresh.example.com" }));
    expect(res.kind).toBe("fieldErrors");
    const errors = (res as Extract<SubmitRegistrationResult, { kind: "fieldErrors" }>).errors;
    expect(Object.keys(errors)).toEqual(Object.keys(expected));
    for (const [field, message] of Object.entries(expected)) expect(errors[field as keyof typeof errors]).toMatch(message);
    expect(await written()).toEqual(before);
  });

  it("a draft with fields left out gets each one's error, not a parse failure", async () => {
    const before = await written();
    const res = await submitRegistration(deps, rep, registrationDraftSchema.parse({ accountName: "Only a name" }));
    expect(res.kind).toBe("fieldErrors");
    expect(Object.keys((res as Extract<SubmitRegistrationResult, { kind: "fieldErrors" }>).errors).sort()).toEqual(
      ["accountDomain", "coSellModel", "currency", "expectedCloseDate", "pairing", "title"].sort(),
    );
    expect(await written()).toEqual(before);
  });

  it("another partner on an account already registered → the first registration, nothing written; acknowledged → flagged to admins", async () => {
    const globex = draft({ pairingId: p.globexPairing.id, roles: { SOURCING: [p.globex.id], SELLING: [p.ours.id] }, title: "Globex rollout" });
    const before = await written();
    const res = await submitRegistration(deps, rep, globex, { idempotencyKey: "test:globex" });
    expect(res).toEqual({
      kind: "conflict",
      // Our rep sees which registration holds the account (a partner's person would not: detail null).
      conflict: {
        dealId: first.dealId,
        kind: "deal",
        detail: { kind: "deal", ref: first.ref, registeredBy: "U_REP", registeredAt: new Date("2026-11-16T10:00:00Z"), partners: ["Acme Data"] },
      },
    });
    expect(await written()).toEqual(before);

    const again = await submitRegistration(deps, rep, { ...globex, acknowledgedConflictDealId: first.dealId }, { idempotencyKey: "test:globex" });
    expect(again).toMatchObject({ kind: "registered", created: true, conflictWith: first.ref, channelId: "C_GLOBEX" });
    const dealId = (again as Registered).dealId;
    expect((await db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } })).conflictWithDealId).toBe(first.dealId);
    // Reviewed: a conflict is never auto-approved, even for our own rep.
    expect((await db.prisma.deal.findUniqueOrThrow({ where: { id: dealId } })).registrationStatus).toBe("SUBMITTED");
    expect(await db.prisma.outboxMessage.count({ where: { dedupeKey: `review:${dealId}:1:U_ADMIN` } })).toBe(1);
    expect(await db.prisma.auditEvent.count({ where: { action: "registration.submit", subject: dealId } })).toBe(1);
  });

  it("a stranger is denied, and a partner is denied in a pairing that is not theirs; nothing written", async () => {
    const before = await written();
    expect(await submitRegistration(deps, stranger, draft({ accountDomain: "stranger.example.com" }))).toEqual({ kind: "denied", message: STRANGER_MESSAGE });
    const other = await submitRegistration(deps, acmeRep, draft({ accountDomain: "other.example.com", pairingId: p.globexPairing.id }));
    expect(other).toEqual({ kind: "denied", message: expect.stringMatching(/isn't in a co-sell pairing your organization belongs to/) });
    expect(await written()).toEqual(before);
  });

  it("a partner person registers in their own pairing, under their organization", async () => {
    const res = await submitRegistration(deps, acmeRep, draft({ accountDomain: "fabrikam.com" }));
    expect(res).toMatchObject({ kind: "registered", created: true, channelId: "C_ACME" });
    expect((await db.prisma.deal.findUniqueOrThrow({ where: { id: (res as Registered).dealId } })).registeredByOrgId).toBe(p.acme.id);
  });
});

describe("prepareRegistrationForm, without Slack", () => {
  it("offers our people every pairing, preselecting the channel's with its default model and the program's currency", async () => {
    const res = await prepareRegistrationForm(deps, rep, { channelId: "C_GLOBEX", prefill: { accountName: "Contoso" } });
    expect(res.kind).toBe("form");
    const form = (res as Extract<typeof res, { kind: "form" }>).form;
    expect(form.pairings.map((x) => x.id).sort()).toEqual([p.acmePairing.id, p.globexPairing.id].sort());
    expect(form.orgs.map((o) => o.id).sort()).toEqual([p.globex.id, p.ours.id].sort());
    expect(form.initial).toEqual({ currency: "USD", pairingId: p.globexPairing.id, coSellModel: "SELL_THROUGH", accountName: "Contoso" });
  });

  it("offers a partner person only their own pairings; refuses strangers and other pairings' panels", async () => {
    const own = await prepareRegistrationForm(deps, acmeRep, {});
    expect(own.kind === "form" && own.form.pairings.map((x) => x.id)).toEqual([p.acmePairing.id]);
    expect(await prepareRegistrationForm(deps, stranger, {})).toEqual({ kind: "denied", message: STRANGER_MESSAGE });
    const panel = await prepareRegistrationForm(deps, acmeRep, { channelId: "C_GLOBEX", channelPairingOnly: true });
    expect(panel).toEqual({ kind: "denied", message: expect.stringMatching(/isn't in a co-sell pairing your organization belongs to/) });
  });
});
