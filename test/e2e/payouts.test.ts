import { describe, expect, it } from "vitest";
import { approvePayouts } from "../../src/features/incentives/payouts";
import { runQuarterClose } from "../../src/features/incentives/quarter-close-job";
import { PAYOUT_CSV_HEADER } from "../../src/features/incentives/rules";
import { parseCsv } from "../../src/features/attribution/export-rules";
import { changeStage } from "../../src/features/stages/change-stage";
import type { fixedClock } from "../../src/platform/clock";
import { ACTION, CALLBACK, PAYOUT_BLOCK } from "../../src/platform/slack/ids";
import { createDeal } from "../support/deals";
import { useTestApp } from "../support/fixtures";
import { blockAction, stateValues, viewSubmission, type Person } from "../support/payloads";
import { PEOPLE } from "../support/seed";

// Payouts and tiers the way people meet them: signed /cosell payouts, the Approve all / Approve /
// Mark paid… buttons, the mark-paid modal, and an admin's Confirm on the quarter close DM. The
// clock starts at 2026-11-16 10:00 UTC (2026-Q4).

const { t, p } = useTestApp({ seed: true, resetFake: true });
const clock = () => t.clock as ReturnType<typeof fixedClock>;
const json = (v: unknown) => JSON.stringify(v);

let seq = 0;
/** Clicks a button with a response_url; returns what the app answered there (replacements and ephemerals). */
async function click(as: Person, actionId: string, value: string, channel = as.user) {
  const id = `po${++seq}`;
  await t.interact(blockAction({ as, actionId, value, channel, responseUrl: t.fake.responseUrl(id) }));
  await t.settled();
  return t.fake.responses.filter((r) => r.url.endsWith(`/${id}`)).map((r) => r.body as { text?: string; blocks?: unknown[]; replace_original?: boolean });
}

async function wonDeal() {
  const d = await createDeal(t.db.prisma, p, { amountMinor: 10_000_000, now: clock().now() });
  const r = await changeStage(t.db.prisma, { dealId: d.dealId, to: "CLOSED_WON", by: "U_ADMIN", isAdmin: true, confirmedGaps: true, now: clock().now() });
  expect(r.ok).toBe(true);
  await t.settled();
  return d;
}

describe("/cosell payouts", () => {
  it("admins approve all, then mark paid with a reference; a partner sees only its own lines; a rep cannot approve", async () => {
    const d = await wonDeal();
    const line = await t.db.prisma.payoutLine.findFirstOrThrow({ where: { dealId: d.dealId } });

    const partner = await t.command("payouts 2026-Q4", PEOPLE.acmeRep);
    const seen = partner.text;
    expect(seen).toContain("Acme Data · Payouts · 2026-Q4");
    expect(seen).toContain("$20,000.00"); // Acme alone has partner credit: solo, $100,000 × 20%
    expect(seen).not.toContain(ACTION.payoutsApproveAll);
    expect(seen).not.toContain("Globex");

    const admin = await t.command("payouts 2026-Q4", PEOPLE.admin);
    expect(admin.text).toContain(ACTION.payoutsApproveAll);
    expect(admin.text).toContain("Pending: 1");

    const denied = await click(PEOPLE.rep, ACTION.payoutsApproveAll, "2026-Q4", "C_GENERAL");
    expect(json(denied)).toContain("Only a program admin can do that");
    expect((await t.db.prisma.payoutLine.findUniqueOrThrow({ where: { id: line.id } })).status).toBe("PENDING");

    const approved = await click(PEOPLE.admin, ACTION.payoutsApproveAll, "2026-Q4", "C_GENERAL");
    expect(approved[0]?.replace_original).toBe(true);
    expect(json(approved[0])).toContain("Approved: 1");
    expect(json(approved[0])).toContain(ACTION.payoutsMarkPaid);
    expect(await t.db.prisma.payoutLine.findUniqueOrThrow({ where: { id: line.id } })).toMatchObject({ status: "APPROVED", approvedBy: "U_ADMIN" });

    // Mark paid…: the modal asks for the reference; an empty one is a field error, a real one pays.
    await click(PEOPLE.admin, ACTION.payoutsMarkPaid, "period:2026-Q4", "C_GENERAL");
    const modal = t.fake.callsTo("views.open").at(-1)!.args.view as { callback_id: string; private_metadata: string };
    expect(modal.callback_id).toBe(CALLBACK.payoutMarkPaid);
    const submit = (reference: string) =>
      t.interact(
        viewSubmission({
          as: PEOPLE.admin,
          viewId: `V_PAID_${++seq}`,
          callbackId: CALLBACK.payoutMarkPaid,
          values: stateValues({ [PAYOUT_BLOCK.reference]: { text: reference } }),
          privateMetadata: modal.private_metadata,
          blocks: [{ type: "input", block_id: PAYOUT_BLOCK.reference }],
        }),
      );
    // Meanwhile another deal is won and its line approved: the modal pays only what it showed.
    clock().advance(60_000);
    const later = await wonDeal();
    await approvePayouts(t.db.prisma, { kind: "cli", userId: "cli:test" }, [], {
      lineIds: [(await t.db.prisma.payoutLine.findFirstOrThrow({ where: { dealId: later.dealId } })).id],
      now: clock().now(),
    });
    const empty = (await submit("  ")).json() as { response_action: string; errors: Record<string, string> };
    expect(empty.response_action).toBe("errors");
    expect(empty.errors[PAYOUT_BLOCK.reference]).toMatch(/payment reference/);
    const ok = (await submit("WIRE-2026-11-0042")).json() as { response_action: string; view: unknown };
    expect(ok.response_action).toBe("update");
    expect(json(ok.view)).toContain("1 line marked paid with reference *WIRE-2026-11-0042*");
    expect(await t.db.prisma.payoutLine.findUniqueOrThrow({ where: { id: line.id } })).toMatchObject({ status: "PAID", reference: "WIRE-2026-11-0042" });
    expect(await t.db.prisma.payoutLine.findFirstOrThrow({ where: { dealId: later.dealId } })).toMatchObject({ status: "APPROVED", reference: null });

    // The partner now sees its line paid, with the reference, on See my numbers too.
    expect((await t.command("payouts 2026-Q4", PEOPLE.acmeRep)).text).toContain("ref WIRE-2026-11-0042");
    const record = await t.db.prisma.attributionRecord.findFirstOrThrow({ where: { dealId: d.dealId } });
    const numbers = await click(PEOPLE.acmeRep, ACTION.seeMyNumbers, record.id, p.acmePairing.channelId);
    expect(json(numbers)).toContain("Payout lines");
    expect(json(numbers)).toContain("💸 paid (ref WIRE-2026-11-0042)");
    expect(json(numbers)).toContain("Acme Data in the program*: Inactive tier · co-sell bonus 2026-Q4: 0 of 3 co-sell wins");
  });

  it("/cosell export payouts: the CSV to the admin's DM, audited; a partner's person is refused", async () => {
    const refused = await t.command("export payouts 2026-Q4", PEOPLE.acmeRep);
    expect(refused.text).toContain("for our own team only");
    expect(t.fake.uploads).toHaveLength(0);

    const res = await t.command("export payouts 2026-Q4", PEOPLE.admin);
    expect(res.text).toContain("Sending `cosell-payouts-2026-Q4.csv`");
    await t.fake.waitFor(() => t.fake.uploads.length === 1);
    const body = t.fake.uploads[0]!.bytes.toString("utf8");
    const csv = body.startsWith("--") ? body.slice(body.indexOf("\r\n\r\n") + 4) : body;
    const [header, ...rows] = parseCsv(csv);
    expect(header).toEqual([...PAYOUT_CSV_HEADER]);
    const lines = await t.db.prisma.payoutLine.count();
    expect(rows.filter((r) => r.length === PAYOUT_CSV_HEADER.length)).toHaveLength(lines);
    expect(rows.some((r) => r[PAYOUT_CSV_HEADER.indexOf("reference")] === "WIRE-2026-11-0042")).toBe(true);
    const audit = await t.db.prisma.auditEvent.findFirstOrThrow({ where: { action: "payouts.export" } });
    expect(audit).toMatchObject({ actor: "U_ADMIN", subject: "payouts-export:2026-Q4" });
    expect(audit.detail).toMatchObject({ period: "2026-Q4", rows: lines, via: "slack" });
  });

  it("one line at a time: its Approve, then its Mark paid…, update the list in place", async () => {
    const d = await wonDeal();
    const line = await t.db.prisma.payoutLine.findFirstOrThrow({ where: { dealId: d.dealId } });
    const list = (await t.command("payouts 2026-Q4", PEOPLE.admin)).json() as { blocks: { accessory?: { action_id: string; value: string } }[] };
    const button = (actionId: string) => list.blocks.map((b) => b.accessory).find((a) => a?.action_id === actionId && a.value.includes(line.id));
    const approve = button(ACTION.payoutApprove);
    expect(approve?.value).toBe(`line:${line.id}:2026-Q4`);
    const answer = await click(PEOPLE.admin, ACTION.payoutApprove, approve!.value, "C_GENERAL");
    expect(answer[0]?.replace_original).toBe(true);
    expect(await t.db.prisma.payoutLine.findUniqueOrThrow({ where: { id: line.id } })).toMatchObject({ status: "APPROVED" });
    const after = answer[0] as unknown as { blocks: { accessory?: { action_id: string; value: string } }[] };
    const markPaid = after.blocks.map((b) => b.accessory).find((a) => a?.action_id === ACTION.payoutsMarkPaid && a.value.includes(line.id));
    expect(markPaid?.value).toBe(`line:${line.id}:2026-Q4`);
    await click(PEOPLE.admin, ACTION.payoutsMarkPaid, markPaid!.value, "C_GENERAL");
    const form = t.fake.callsTo("views.open").at(-1)!.args.view as { callback_id: string; private_metadata: string; blocks: unknown[] };
    expect(form.callback_id).toBe(CALLBACK.payoutMarkPaid);
    expect(json(form.blocks)).toContain("1 approved line of 2026-Q4");
    const ok = (
      await t.interact(
        viewSubmission({
          as: PEOPLE.admin,
          viewId: `V_PAID_${++seq}`,
          callbackId: CALLBACK.payoutMarkPaid,
          values: stateValues({ [PAYOUT_BLOCK.reference]: { text: "WIRE-ONE" } }),
          privateMetadata: form.private_metadata,
          blocks: [{ type: "input", block_id: PAYOUT_BLOCK.reference }],
        }),
      )
    ).json() as { response_action: string };
    expect(ok.response_action).toBe("update");
    expect(await t.db.prisma.payoutLine.findUniqueOrThrow({ where: { id: line.id } })).toMatchObject({ status: "PAID", reference: "WIRE-ONE" });
  });

  it("a typo in the period is answered with the forms it takes", async () => {
    const res = await t.command("payouts 2026-Q5", PEOPLE.admin);
    expect(res.text).toContain("a quarter is Q1 to Q4");
  });
});

describe("the quarter close DM", () => {
  it("an admin confirms a tier change from the DM; the message shows who decided; a second click changes nothing", async () => {
    // Acme earns $100,000 × its credit in Q4 → above the Silver threshold ($25,000).
    await wonDeal();
    await wonDeal();
    clock().set("2027-01-01T00:10:00Z");
    const close = await runQuarterClose({ db: t.db, admins: ["U_ADMIN"], timezone: "UTC" }, clock().now());
    expect(close.proposals.map((x) => [x.name, x.to])).toEqual([["Acme Data", "GOLD"]]);
    t.outbox?.kick();
    await t.settled();
    const dm = t.fake.callsTo("chat.postMessage").find((c) => c.args.channel === "U_ADMIN" && json(c.args.blocks).includes(ACTION.tierConfirm));
    expect(dm, "the admin's quarter close DM").toBeDefined();
    expect(json(dm!.args.blocks)).toContain("qualifies for *Gold* (now Inactive)");

    const proposal = close.proposals[0]!.id;
    const answer = await click(PEOPLE.admin, ACTION.tierConfirm, proposal);
    expect(answer[0]?.replace_original).toBe(true);
    expect(json(answer[0])).toContain("Confirmed Gold by <@U_ADMIN>");
    expect(json(answer[0])).not.toContain(ACTION.tierConfirm);
    expect((await t.db.prisma.organization.findUniqueOrThrow({ where: { id: p.acme.id } })).partnerTier).toBe("GOLD");

    const again = await click(PEOPLE.admin, ACTION.tierKeep, proposal);
    expect(json(again)).toContain("already decided (confirmed");
    expect((await t.db.prisma.organization.findUniqueOrThrow({ where: { id: p.acme.id } })).partnerTier).toBe("GOLD");

    // The tier shows in /cosell partner list.
    expect((await t.command("partner list", PEOPLE.rep)).text).toMatch(/Acme Data\* — Technology \(ISV\) · Gold tier since/);
  });
});
