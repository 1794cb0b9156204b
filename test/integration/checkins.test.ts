import { describe, expect, it } from "vitest";
import { runCheckIns, submitCheckIn, updateCheckInSettings, loadCheckInSections } from "../../src/features/checkins/checkins";
import { logTouchpoint } from "../../src/features/touchpoints/log-touchpoint";
import { createDeal } from "../support/deals";
import { useTestDb } from "../support/fixtures";
import { renderedPayload } from "../support/outbox";

// Check-in rounds on a real database: exactly once across concurrent runs, the asks an answer
// makes (blocker, intro) in its transaction, the settings, and the digest's section.

const { db, p } = useTestDb({ seed: true });
const digest = { at: new Date("2026-11-16T09:00:00Z"), week: "2026-W47", localDate: "2026-11-16" };
const friday = new Date("2026-11-13T14:10:00Z");

describe("check-in rounds", () => {
  let dealId = "";
  let ref = 0;

  it("two replicas running at once open one round and queue each prompt once", async () => {
    await db.prisma.pairing.updateMany({ data: { createdAt: new Date("2026-10-01T00:00:00Z") } });
    const d = await createDeal(db.prisma, p, { now: new Date("2026-11-10T10:00:00Z") });
    dealId = d.dealId;
    ref = d.ref;
    const at = new Date("2026-11-12T15:00:00Z");
    await logTouchpoint(db.prisma, {
      dealId,
      orgId: p.acme.id,
      userId: "U_ACME",
      type: "MEETING",
      occurredAt: at,
      note: "call",
      messageLink: null,
      key: "ci-tp",
      now: at,
    });

    const runs = await Promise.all([1, 2, 3].map(() => runCheckIns(db.prisma, { digest, timezone: "UTC", now: friday })));
    expect(runs.reduce((n, r) => n + r.prompted, 0)).toBe(1);
    expect(await db.prisma.checkInRound.count()).toBe(1);
    const prompts = await db.prisma.outboxMessage.findMany({ where: { method: "checkin.prompt" }, orderBy: { dedupeKey: "asc" } });
    expect(prompts.map((x) => x.dedupeKey!.split(":").slice(2).join(":"))).toEqual(["prompt:U_REP", "prompt:channel"].sort());
    const channel = await renderedPayload(db.prisma, prompts.find((x) => x.dedupeKey!.endsWith("channel"))!);
    expect(channel).toMatchObject({ channel: "C_ACME" });
    expect(String(channel.text)).toContain("<@U_ACME>");
  });

  it("an intro becomes a Request intro ask on the deal to the partner's latest touchpoint author; a blocker naming our person gets our SLA", async () => {
    const round = await db.prisma.checkInRound.findFirstOrThrow();
    const r = await submitCheckIn(db.prisma, {
      roundId: round.id,
      userId: "U_REP",
      orgId: p.ours.id,
      internal: true,
      dealId,
      moved: "",
      blocked: "Pricing approval",
      blockerUserId: "U_ADMIN",
      blockerOrgId: null,
      introAccount: "the CFO",
      now: friday,
    });
    expect(r).toMatchObject({
      ok: true,
      edited: false,
      blockerAsk: { ref, ownerUserId: "U_ADMIN", created: true },
      introAsk: { ref, ownerUserId: "U_ACME", created: true },
    });
    const asks = await db.prisma.ask.findMany({ where: { dealId }, orderBy: { ownerUserId: "asc" } });
    expect(asks.map((a) => [a.ownerUserId, a.slaHours, a.text.slice(0, 40)])).toEqual([
      ["U_ACME", 24, "Request intro (from this week's check-in"],
      ["U_ADMIN", 24, "Blocked (from this week's check-in): Pri"],
    ]);
    // Each ask has its DM and a card refresh queued with it.
    expect(await db.prisma.outboxMessage.count({ where: { method: "ask.requested" } })).toBe(2);

    // The section the digest shows.
    const section = (await loadCheckInSections(db.prisma, { week: digest.week })).get(p.acmePairing.id)!;
    expect(section.groups).toHaveLength(1);
    expect(section.groups[0]!.answers[0]).toMatchObject({
      userId: "U_REP",
      orgName: "Ourco",
      blocked: "Pricing approval",
      blockerOpen: true,
      introAccount: "the CFO",
    });
    expect(section.participation).toEqual([
      { orgName: "Ourco", asked: 1, answered: 1, missing: [] },
      { orgName: "Acme Data", asked: 1, answered: 0, missing: ["U_ACME"] },
    ]);
  });

  it("a double submit (two at once) saves one answer and makes one ask", async () => {
    const round = await db.prisma.checkInRound.findFirstOrThrow();
    const submit = () =>
      submitCheckIn(db.prisma, {
        roundId: round.id,
        userId: "U_ACME",
        orgId: p.acme.id,
        internal: false,
        dealId,
        moved: "",
        blocked: "Need the SOW countersigned",
        blockerUserId: "U_REP",
        blockerOrgId: null,
        introAccount: "",
        now: friday,
      });
    const [a, b] = await Promise.all([submit(), submit()]);
    expect([a.ok, b.ok]).toEqual([true, true]);
    expect(await db.prisma.checkInAnswer.count({ where: { userId: "U_ACME" } })).toBe(1);
    expect(await db.prisma.ask.count({ where: { dealId, fromUserId: "U_ACME", ownerUserId: "U_REP" } })).toBe(1);
  });

  it("an intro with no one of the partner to ask is refused under the intro field, and nothing is saved", async () => {
    const round = await db.prisma.checkInRound.findFirstOrThrow();
    const other = await createDeal(db.prisma, p, { now: new Date("2026-11-11T10:00:00Z") });
    const r = await submitCheckIn(db.prisma, {
      roundId: round.id,
      userId: "U_ADMIN",
      orgId: p.ours.id,
      internal: true,
      dealId: other.dealId,
      moved: "",
      blocked: "",
      blockerUserId: null,
      blockerOrgId: null,
      introAccount: "their VP Data",
      now: friday,
    });
    expect(r).toEqual({ ok: false, errors: { intro: expect.stringMatching(/No one from the partner has logged a touchpoint/) } });
    expect(await db.prisma.checkInAnswer.count({ where: { userId: "U_ADMIN" } })).toBe(0);
  });

  it("settings: questions, audience and hour are audited; OFF asks no one", async () => {
    const s = await updateCheckInSettings(db.prisma, {
      change: { questions: ["Wins?", "Stuck on?", "Intros?"], audience: "OFF", hour: 11 },
      actor: "U_ADMIN",
      now: friday,
    });
    expect(s).toEqual({ questions: ["Wins?", "Stuck on?", "Intros?"], audience: "OFF", hour: 11 });
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "program.check-ins" } });
    expect(audit.detail).toMatchObject({ before: { audience: "ALL", hour: 14 }, after: { audience: "OFF", hour: 11 } });
    const next = { at: new Date("2026-11-23T09:00:00Z"), week: "2026-W48", localDate: "2026-11-23" };
    expect(await runCheckIns(db.prisma, { digest: next, timezone: "UTC", now: new Date("2026-11-20T11:05:00Z") })).toMatchObject({ prompted: 0 });
    await updateCheckInSettings(db.prisma, { change: { audience: "ALL" }, actor: "U_ADMIN", now: friday });
    expect(await runCheckIns(db.prisma, { digest: next, timezone: "UTC", now: new Date("2026-11-20T10:55:00Z") })).toMatchObject({ week: null }); // before 11:00
    expect(await runCheckIns(db.prisma, { digest: next, timezone: "UTC", now: new Date("2026-11-20T11:05:00Z") })).toMatchObject({ prompted: 1 });
    const round = await db.prisma.checkInRound.findFirstOrThrow({ where: { week: "2026-W48" } });
    expect(round.questions).toEqual(["Wins?", "Stuck on?", "Intros?"]);
  });
});
