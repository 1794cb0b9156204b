import { beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/platform/clock";
import { QBR_JOB, runQbrs } from "../../src/features/qbr/qbr-job";
import { changeStage } from "../../src/features/stages/change-stage";
import { createDeal } from "../support/deals";
import { useTestApp } from "../support/fixtures";
import { PEOPLE } from "../support/seed";

// The quarterly partner review end to end: the job posts each partner's QBR once (internal to
// the admins, partner-safe to its pairing channels), and `/cosell qbr` previews it, each person
// seeing only what they may. The partner-safe version holds no other partner's numbers and
// nothing internal.

const clock = fixedClock("2027-01-04T10:00:00Z"); // the first Monday of 2027-Q1
const { t, p } = useTestApp({ clock, seed: true });

type Call = { method: string; args: Record<string, unknown> };

describe("quarterly partner reviews", () => {
  beforeAll(async () => {
    await t.db.prisma.pairing.updateMany({ data: { createdAt: new Date("2026-09-01T00:00:00Z") } });
    // Acme: a sourced deal won in Q4 ($123,456.78) and an open one; Globex: a deal of its own ($987,654.32).
    const won = await createDeal(t.db.prisma, p, { now: new Date("2026-10-05T10:00:00Z"), amountMinor: 12_345_678, notes: "SECRET-MARGIN-NOTE" });
    await changeStage(t.db.prisma, {
      dealId: won.dealId,
      to: "CLOSED_WON",
      by: "U_REP",
      isAdmin: false,
      confirmedGaps: true,
      now: new Date("2026-11-04T10:00:00Z"),
    });
    await createDeal(t.db.prisma, p, { now: new Date("2026-11-20T10:00:00Z"), amountMinor: 5_000_000 });
    const globex = await createDeal(t.db.prisma, p, {
      now: new Date("2026-10-07T10:00:00Z"),
      amountMinor: 98_765_432,
      pairingId: p.globexPairing.id,
      participants: [
        { orgId: p.globex.id, roles: ["SOURCING", "SELLING"] },
        { orgId: p.ours.id, roles: ["TECHNICAL_VALIDATION"] },
      ],
      coSellModel: "SELL_THROUGH",
    });
    await changeStage(t.db.prisma, {
      dealId: globex.dealId,
      to: "CLOSED_WON",
      by: "U_REP",
      isAdmin: false,
      confirmedGaps: true,
      now: new Date("2026-12-01T10:00:00Z"),
    });
    // A channel shared with both partners: neither's review goes there.
    await t.db.prisma.pairing.create({
      data: {
        name: "Trio",
        channelId: "C_TRIO",
        createdBy: "U_ADMIN",
        createdAt: new Date("2026-09-01T00:00:00Z"),
        members: { create: [{ orgId: p.ours.id }, { orgId: p.acme.id }, { orgId: p.globex.id }] },
      },
    });
    // The quarter close proposed a tier for Acme: internal until an admin decides.
    await t.db.prisma.tierProposal.create({
      data: {
        orgId: p.acme.id,
        quarter: "2026-Q4",
        fromTier: "INACTIVE",
        toTier: "SILVER",
        revenueMinor: 12_345_678n,
        createdAt: new Date("2027-01-01T05:00:00Z"),
      },
    });
    await t.settled();
    t.fake.reset();
  });

  const posts = (channel: string) =>
    t.fake.delivered("chat.postMessage").filter((c: Call) => c.args.channel === channel && /Quarterly partner review/.test(String(c.args.text)));

  it("posts each partner's review of the quarter that ended once: internal to the admin, partner-safe to its pairing channel", async () => {
    const first = await runQbrs(t.deps, clock.now(), { client: null });
    expect(first).toEqual({ quarter: "2026-Q4", posted: 2 });
    expect(await runQbrs(t.deps, new Date("2027-01-04T10:15:00Z"), { client: null })).toEqual({ quarter: "2026-Q4", posted: 0 });
    expect(await t.db.prisma.jobRun.count({ where: { job: QBR_JOB } })).toBe(2);
    await t.settled();

    const acme = posts("C_ACME");
    expect(acme).toHaveLength(1);
    const shared = JSON.stringify(acme[0]!.args);
    expect(shared).toContain("Quarterly partner review · Acme Data · 2026-Q4");
    expect(shared).toContain("Revenue won* — sourced: $123,456.78 in 1 deal");
    // nothing of Globex, nothing internal
    expect(shared).not.toMatch(/Globex|987,654/);
    expect(shared).not.toMatch(/SECRET-MARGIN-NOTE|proposal:|Silver|commission/i);
    expect(posts("C_GLOBEX")).toHaveLength(1);
    expect(posts("C_TRIO")).toHaveLength(0);
    expect(JSON.stringify(posts("C_GLOBEX")[0]!.args)).not.toMatch(/Acme|123,456/);

    const internal = posts("U_ADMIN");
    expect(internal).toHaveLength(2);
    const acmeInternal = JSON.stringify(internal.find((c: Call) => String(c.args.text).includes("Acme Data"))!.args);
    expect(acmeInternal).toContain("proposal: Silver (pending)");
    expect(acmeInternal).toContain("Internal version");
  });

  it("/cosell qbr previews: our rep any partner (internal), a partner's person only their own (partner-safe)", async () => {
    const rep = await t.command("qbr Acme last-quarter", { user: PEOPLE.rep.user, team: PEOPLE.rep.team, channel: "C_GENERAL" });
    const repText = JSON.stringify(rep.json());
    expect(repText).toContain("Acme Data · 2026-Q4");
    expect(repText).toContain("proposal: Silver");

    const partner = await t.command("qbr last-quarter", { user: PEOPLE.acmeRep.user, team: PEOPLE.acmeRep.team, channel: "C_ACME" });
    const partnerText = JSON.stringify(partner.json());
    expect(partnerText).toContain("Acme Data · 2026-Q4");
    expect(partnerText).not.toMatch(/proposal|Globex/);
    // This quarter to date, by default.
    expect(JSON.stringify((await t.command("qbr", { user: PEOPLE.acmeRep.user, team: PEOPLE.acmeRep.team, channel: "C_ACME" })).json())).toContain(
      "2027-Q1 (to date)",
    );

    const other = await t.command("qbr Globex", { user: PEOPLE.acmeRep.user, team: PEOPLE.acmeRep.team, channel: "C_ACME" });
    expect((other.json() as { text: string }).text).toMatch(/your own organization's review only/);
    const stranger = await t.command("qbr Acme", { user: PEOPLE.stranger.user, team: PEOPLE.stranger.team, channel: "C_ACME" });
    expect((stranger.json() as { text: string }).text).toMatch(/isn't one of them/);
    const future = await t.command("qbr Acme 2027-Q3", { user: PEOPLE.rep.user, team: PEOPLE.rep.team, channel: "C_GENERAL" });
    expect((future.json() as { text: string }).text).toMatch(/hasn't started yet/);
  });

  it("/cosell setup targets sets a pairing's own targets (admins, audited); its QBR uses them", async () => {
    const refused = await t.command('setup targets "Ourco + Acme" 8 4', { user: PEOPLE.rep.user, team: PEOPLE.rep.team });
    expect((refused.json() as { text: string }).text).toMatch(/Only a program admin/);
    const bad = await t.command('setup targets "Ourco + Acme" eight', { user: PEOPLE.admin.user, team: PEOPLE.admin.team });
    expect((bad.json() as { text: string }).text).toMatch(/Usage:/);
    const ok = await t.command('setup targets "Ourco + Acme" 8 4', { user: PEOPLE.admin.user, team: PEOPLE.admin.team });
    expect((ok.json() as { text: string }).text).toMatch(/targets are now 8 registrations in 90 days and 4 active deals/);
    expect(await t.db.prisma.pairing.findUniqueOrThrow({ where: { id: p.acmePairing.id } })).toMatchObject({ targetRegistrations: 8, targetActiveDeals: 4 });
    expect(await t.db.prisma.auditEvent.count({ where: { action: "pairing.targets" } })).toBe(1);
    const qbr = JSON.stringify((await t.command("qbr Acme", { user: PEOPLE.rep.user, team: PEOPLE.rep.team, channel: "C_GENERAL" })).json());
    expect(qbr).toContain("next quarter: 8 registrations (set by an admin), 4+ active deals");
    const reset = await t.command('setup targets "Ourco + Acme" default', { user: PEOPLE.admin.user, team: PEOPLE.admin.team });
    expect((reset.json() as { text: string }).text).toMatch(/back on the default targets/);
  });
});
