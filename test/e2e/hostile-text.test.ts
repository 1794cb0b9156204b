import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fixedClock } from "../../src/platform/clock";
import { runWeeklyDigests } from "../../src/features/digests/job";
import { runMapRefresh } from "../../src/features/account-map/refresh-job";
import { runSlaSweep } from "../../src/features/asks/sla-sweep";
import { runQuarterClose } from "../../src/features/incentives/quarter-close-job";
import { NEW_PARTNER } from "../../src/features/program/setup-modal";
import {
  ACTION,
  ASK_BLOCK,
  CALLBACK,
  DISPUTE_BLOCK,
  INPUT,
  MAP_IMPORT_BLOCK,
  PAYOUT_BLOCK,
  REGISTER_BLOCK as RB,
  ROLES_BLOCK,
  SETUP_BLOCK as SB,
  STAGE_BLOCK,
  TOUCHPOINT_BLOCK as TB,
} from "../../src/platform/slack/ids";
import { SIGNING_SECRET, startTestApp, type TestApp } from "../support/app";
import {
  DOUBLE_ESCAPED,
  doubleEscaped,
  FULL,
  fieldsIn,
  leaksIn,
  mrkdwnTexts,
  NAME,
  P1,
  P2,
  slackEncode,
  TOKENS,
  tokenStatus,
  type Leak,
  type MrkdwnText,
} from "../support/hostile";
import { blockAction, messageShortcut, stateValues, viewSubmission, type Person } from "../support/payloads";
import { PEOPLE } from "../support/seed";
import { commandBody, postSigned } from "../support/signing";

// No user-typed text reaches Slack unescaped (DESIGN.md, "Slack text safety").
//
// One scenario drives the real app through signed HTTP, with hostile text in every input a
// person types: organization and pairing names (slash commands and the setup modal), account
// names, titles and notes (the registration modal), touchpoint notes (command, modal, message
// shortcut), asks (command, modal), dispute reasons and admins' notes (modal, command), the
// recompute reason, account-list CSVs (names, owners, bad values, the file name) — and the
// time-driven jobs run on the fixed clock (SLA sweep, weekly digests, account-map refresh).
// Then every body that went to Slack — each Web API call the fake recorded, each response_url
// post, each synchronous HTTP answer (command acks, view_submission response_action bodies) —
// is walked for mrkdwn text (message `text`, mrkdwn text objects; plain_text is not parsed by
// Slack and is skipped), and each message kind gets its own test: it was produced, it carries
// hostile input, and no hostile token is in it unescaped.
//
// Slash-command text is sent as Slack sends it: a mention or link picked in the composer is
// Slack's own <…> token (a real @channel arrives as <!channel>), every other & < > is escaped.
// Modal inputs and CSV files carry the text exactly as typed.

const OURS: Person = PEOPLE.rep;
const ADMIN: Person = PEOPLE.admin;
// Partner people (their own Slack teams; team ids as Slack shapes them, which setup checks)
const ACME: Person = { user: "U0HACME", team: "T0HACME" }; // partner A's person
const GLOBEX: Person = { user: "U0HGLOBEX", team: "T0HGLOBEX" }; // partner B's person

const CH_A = "C0HOSTILEA"; // pairing A: ours + partner A (set up in the setup modal)
const CH_B = "C0HOSTILEB"; // pairing B: ours + partner B (set up by slash commands)

const NAMES = {
  ours: NAME("orgOurs"),
  partnerA: NAME("orgPartnerA"),
  partnerB: NAME("orgPartnerB"),
  pairingA: NAME("pairingA"),
  pairingB: NAME("pairingB"),
};

type Source = "api" | "response_url" | "http";
interface Entry {
  source: Source;
  /** Web API method, "response_url", or "http:<what>" for a synchronous answer */
  method: string;
  step: string;
  channel: string | undefined;
  body: Record<string, unknown>;
}

interface Kind {
  name: string;
  match: (e: Entry) => boolean;
  /** which part of the body to check (default: everything) */
  part?: "text" | "blocks";
  /** false: the kind carries no typed text (it is only checked to be produced and clean) */
  userText?: boolean;
}

const clock = fixedClock("2026-11-16T10:00:00Z");
const secondsAgo = (s: number) => Math.floor(clock.now().getTime() / 1000) - s;

describe("hostile text: nothing a person typed reaches Slack unescaped", () => {
  let t: TestApp;
  let step = "start";
  const http: { step: string; what: string; body: Record<string, unknown> }[] = [];
  const marks: { step: string; calls: number; responses: number; http: number }[] = [];
  let seq = 0;
  let deferrals = 0;
  let entries: Entry[] = [];
  const results: { kind: string; entries: number; texts: number; leaks: Leak[]; status: Record<string, string>; fields: string[]; doubled: MrkdwnText[] }[] =
    [];

  const begin = (name: string) => {
    step = name;
    marks.push({ step: name, calls: t.fake.calls.length, responses: t.fake.responses.length, http: http.length });
  };

  /** Waits until every listener is done and the outbox has delivered everything due. */
  async function settle(): Promise<void> {
    await t.cosell.inflight.idle(30_000);
    for (let round = 0; round < 5; round++) {
      // (expect.poll is for tests only; this runs in beforeAll)
      await vi.waitFor(
        async () => {
          t.outbox!.kick();
          const due = await t.db.prisma.outboxMessage.count({ where: { status: "PENDING", nextAttemptAt: { lte: clock.now() } } });
          if (due > 0) throw new Error(`${due} outbox messages still due`);
        },
        { timeout: 15_000, interval: 25 },
      );
      const later = await t.db.prisma.outboxMessage.count({ where: { status: "PENDING" } });
      if (later === 0) break;
      // A refresh deferred until the card is posted: let the (pinned) clock reach its retry time.
      clock.advance(3_000);
      deferrals++;
    }
    await t.cosell.inflight.idle(30_000);
  }

  async function command(text: string, as: Person, channel = "C_GENERAL") {
    const id = `h${++seq}`;
    const res = await postSigned(
      t.url,
      SIGNING_SECRET,
      commandBody({ text, user_id: as.user, team_id: as.team, channel_id: channel, response_url: t.fake.responseUrl(id) }),
      "application/x-www-form-urlencoded",
    );
    expect(res.status).toBe(200);
    const ack = res.text ? (res.json() as Record<string, unknown>) : undefined;
    if (ack) http.push({ step, what: "command ack", body: ack });
    await settle();
    const replies = t.fake.responses.filter((r) => r.url === `/response/${id}`).map((r) => r.body);
    return { ack, replies, last: (replies.at(-1) ?? ack ?? {}) as Record<string, unknown> };
  }

  async function interact(payload: unknown, what: string) {
    const res = await t.interact(payload);
    expect(res.status).toBe(200);
    const body = res.text ? (res.json() as Record<string, unknown>) : undefined;
    if (body) http.push({ step, what, body });
    await settle();
    return body;
  }

  const lastView = (method = "views.open") =>
    t.fake.callsTo(method).at(-1)!.args.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { block_id?: string; element?: { initial_value?: string } }[];
    };

  const homeOpened = (user: string) =>
    postSigned(
      t.url,
      SIGNING_SECRET,
      JSON.stringify({
        token: "x",
        team_id: "T_OURS",
        api_app_id: "A_COSELL",
        type: "event_callback",
        event_id: `EvH${++seq}`,
        event_time: 1,
        event: { type: "app_home_opened", user, channel: "D1", tab: "home", event_ts: "1.1" },
      }),
      "application/json",
    );

  const responseUrl = (name: string) => t.fake.responseUrl(`${name}-${++seq}`);

  beforeAll(async () => {
    t = await startTestApp({ clock });
    for (const p of [ACME, GLOBEX]) t.fake.users.set(p.user, { id: p.user, team_id: p.team });
    const prisma = t.db.prisma;

    // --- program setup: names through slash commands and the setup modal -------------------
    begin("setup: /cosell org");
    await command(`org ${slackEncode(NAMES.ours)}`, ADMIN);
    const ours = await prisma.organization.findFirstOrThrow({ where: { kind: "INTERNAL" } });
    expect(ours.name).toBe(NAMES.ours);

    begin("setup: modal");
    await command("setup", ADMIN);
    const setupValues = stateValues({
      [SB.ourOrg]: { text: NAMES.ours },
      [SB.timezone]: { text: "UTC" },
      [SB.responseSlaHours]: { text: "24" },
      [SB.useBusinessHours]: { checked: [] },
      [SB.startHour]: { text: "9" },
      [SB.endHour]: { text: "17" },
      [SB.workdays]: { checked: ["1", "2", "3", "4", "5"] },
      [SB.staleDays]: { text: "10" },
      [SB.digestWeekday]: { select: "1" },
      [SB.digestHour]: { text: "9" },
      [SB.shareAmounts]: { checked: [] },
      [SB.partnerName]: { text: NAMES.partnerA },
      [SB.partnerType]: { select: "TECHNOLOGY" },
      [SB.partnerTeams]: { text: ACME.team },
      [SB.pairingName]: { text: NAMES.pairingA },
      [SB.pairingModel]: { select: "SELL_WITH" },
      [SB.pairingOrgs]: { multi: [ours.id, NEW_PARTNER] },
    });
    setupValues[SB.managerChannel] = { [INPUT]: { type: "conversations_select", selected_conversation: "C0HMGR" } };
    setupValues[SB.pairingChannel] = { [INPUT]: { type: "conversations_select", selected_conversation: CH_A } };
    const setupRes = await interact(
      viewSubmission({ as: ADMIN, viewId: "V_H_SETUP", callbackId: CALLBACK.setup, values: setupValues, blocks: [{ type: "input", block_id: SB.ourOrg }] }),
      "view_submission",
    );
    expect(setupRes).toBeUndefined();

    begin("setup: partner and pairing commands");
    await command(`partner add "${slackEncode(NAMES.partnerB)}" var ${GLOBEX.team}`, ADMIN);
    await command(
      `pairing add <#${CH_B}|hostile-b> "${slackEncode(NAMES.pairingB)}" "${slackEncode(NAMES.ours)}" "${slackEncode(NAMES.partnerB)}" sell-with`,
      ADMIN,
    );
    await command("partners", ADMIN);
    const partnerA = await prisma.organization.findFirstOrThrow({ where: { name: NAMES.partnerA } });
    const partnerB = await prisma.organization.findFirstOrThrow({ where: { name: NAMES.partnerB } });
    const pairingA = await prisma.pairing.findUniqueOrThrow({ where: { channelId: CH_A } });
    const pairingB = await prisma.pairing.findUniqueOrThrow({ where: { channelId: CH_B } });
    expect(pairingA.name).toBe(NAMES.pairingA);
    expect(pairingB.name).toBe(NAMES.pairingB);
    // Rows get the database's wall-clock createdAt; the weekly digest takes pairings that existed
    // at its slot on the pinned clock (as the digests e2e test does).
    await prisma.pairing.updateMany({ data: { createdAt: new Date("2026-11-01T00:00:00Z") } });

    // --- registrations: the modal (and its pairing refresh), a conflict -----------------------
    const regValues = (v: { accountName: string; domain: string; title: string; notes: string; pairingId: string; partnerId: string; closeDate?: string }) =>
      stateValues({
        [RB.accountName]: { text: v.accountName },
        [RB.accountDomain]: { text: v.domain },
        [RB.title]: { text: v.title },
        [RB.amount]: { text: "48,000" },
        [RB.currency]: { select: "USD" },
        [RB.closeDate]: { date: v.closeDate ?? "2027-01-31" },
        [RB.pairing]: { select: v.pairingId },
        [RB.coSellModel]: { select: "SELL_WITH" },
        [RB.explicitModel]: { select: null },
        [`${RB.rolePrefix}SOURCING`]: { multi: [v.partnerId] },
        [`${RB.rolePrefix}SELLING`]: { multi: [ours.id] },
        [`${RB.rolePrefix}TECHNICAL_VALIDATION`]: { multi: [v.partnerId] },
        [`${RB.rolePrefix}IMPLEMENTATION`]: { multi: [] },
        [`${RB.rolePrefix}INFLUENCE`]: { multi: [] },
        [RB.relationshipOwner]: { user: OURS.user },
        [RB.postSaleOwner]: { select: null },
        [RB.notes]: { text: v.notes },
      });
    const register = (as: Person, viewId: string, values: ReturnType<typeof regValues>, privateMetadata: string) =>
      interact(
        viewSubmission({ as, viewId, callbackId: CALLBACK.registerDeal, values, privateMetadata, blocks: [{ type: "input", block_id: RB.accountName }] }),
        "view_submission",
      );

    begin("register: /cosell new + pairing refresh");
    await command(`new ${slackEncode(P1("newPrefill"))}`, OURS, CH_A);
    const opened = t.fake.callsTo("views.open").at(-1)!.args.view as Record<string, unknown>;
    const dealAValues = regValues({
      accountName: P1("accountA"),
      domain: "hostile-a.example",
      title: P2("titleA"),
      notes: FULL("notesA"),
      pairingId: pairingA.id,
      partnerId: partnerA.id,
    });
    await interact(
      blockAction({
        as: OURS,
        actionId: INPUT,
        blockId: RB.pairing,
        view: { ...opened, id: "V_H_REG_OPEN", hash: "h1", state: { values: dealAValues }, private_metadata: String(opened.private_metadata ?? "{}") },
      }),
      "block_actions",
    );

    begin("register: deal A (modal, ours)");
    expect(await register(OURS, "V_H_REG_A", dealAValues, JSON.stringify({ channelId: CH_A }))).toBeUndefined();
    begin("register: deal B (modal, partner B's person)");
    const dealBValues = regValues({
      accountName: P2("accountB"),
      domain: "hostile-b.example",
      title: P1("titleB"),
      notes: FULL("notesB"),
      pairingId: pairingB.id,
      partnerId: partnerB.id,
    });
    expect(await register(GLOBEX, "V_H_REG_B", dealBValues, JSON.stringify({ channelId: CH_B }))).toBeUndefined();

    begin("register: deal C (conflict with A)");
    const dealCValues = regValues({
      accountName: P1("accountC"),
      domain: "hostile-a.example",
      title: P2("titleC"),
      notes: FULL("notesC"),
      pairingId: pairingB.id,
      partnerId: partnerB.id,
      closeDate: "2026-11-25",
    });
    const conflict = (await register(OURS, "V_H_REG_C", dealCValues, "{}")) as { response_action: string; view: { private_metadata: string } };
    expect(conflict.response_action).toBe("update");
    dealCValues[RB.conflict] = { [INPUT]: { type: "checkboxes", selected_options: [{ value: "yes" }] } };
    expect(await register(OURS, "V_H_REG_C", dealCValues, conflict.view.private_metadata)).toBeUndefined();

    const dealA = await prisma.deal.findFirstOrThrow({ where: { pairingId: pairingA.id } });
    const dealB = await prisma.deal.findFirstOrThrow({ where: { pairingId: pairingB.id, accountDomain: "hostile-b.example" } });
    const dealC = await prisma.deal.findFirstOrThrow({ where: { pairingId: pairingB.id, accountDomain: "hostile-a.example" } });
    expect([dealA.ref, dealB.ref, dealC.ref]).toEqual([1, 2, 3]);
    expect(dealC.conflictWithDealId).toBe(dealA.id);
    expect(dealA.cardTs && dealB.cardTs && dealC.cardTs).toBeTruthy();

    // --- review: the admins' DMs carry the hostile names; decided from their buttons ----------
    expect([dealB.registrationStatus, dealC.registrationStatus]).toEqual(["SUBMITTED", "SUBMITTED"]);
    begin("review: Approve (deal B) and Approve both (deal C, a conflict)");
    await interact(
      blockAction({ as: ADMIN, actionId: ACTION.regApprove, value: dealB.id, channel: ADMIN.user, responseUrl: responseUrl("approve-b") }),
      "block_actions",
    );
    await interact(
      blockAction({ as: ADMIN, actionId: ACTION.regApproveBoth, value: dealC.id, channel: ADMIN.user, responseUrl: responseUrl("approve-c") }),
      "block_actions",
    );

    begin("panel: /cosell panel");
    await command("panel", ADMIN, CH_A);
    await command("panel", ADMIN, CH_B);

    // --- touchpoints: command, card button (partner), message shortcut ------------------------
    const tpValues = (v: { deal?: string; type: string; note: string }) => ({
      ...stateValues({ ...(v.deal ? { [TB.deal]: { select: v.deal } } : {}), [TB.type]: { select: v.type }, [TB.note]: { text: v.note } }),
      [TB.when]: { [INPUT]: { type: "datetimepicker", selected_date_time: secondsAgo(3600) } },
    });
    begin("touchpoint: /cosell log");
    await command(`log CS-1 demo "${slackEncode(FULL("tpCommand"))}"`, OURS, CH_A);
    begin("touchpoint: card button (partner A)");
    await interact(blockAction({ as: ACME, actionId: ACTION.logTouchpoint, value: dealA.id, channel: CH_A }), "block_actions");
    let view = lastView();
    await interact(
      viewSubmission({
        as: ACME,
        viewId: "V_H_TP_A",
        callbackId: CALLBACK.logTouchpoint,
        values: tpValues({ type: "POC", note: FULL("tpModalA") }),
        privateMetadata: view.private_metadata,
        blocks: view.blocks,
      }),
      "view_submission",
    );
    begin("touchpoint: card button (partner B)");
    await interact(blockAction({ as: GLOBEX, actionId: ACTION.logTouchpoint, value: dealB.id, channel: CH_B }), "block_actions");
    view = lastView();
    await interact(
      viewSubmission({
        as: GLOBEX,
        viewId: "V_H_TP_B",
        callbackId: CALLBACK.logTouchpoint,
        values: tpValues({ type: "MEETING", note: FULL("tpModalB") }),
        privateMetadata: view.private_metadata,
        blocks: view.blocks,
      }),
      "view_submission",
    );
    begin("touchpoint: message shortcut");
    await interact(
      messageShortcut({
        as: OURS,
        callbackId: CALLBACK.logMessageShortcut,
        channel: CH_A,
        message: { ts: "1763280000.000200", text: slackEncode(FULL("tpShortcut")) },
      }),
      "shortcut",
    );
    view = lastView();
    const note = view.blocks.find((b) => b.block_id === TB.note)!.element!.initial_value!;
    expect(note).toBe(FULL("tpShortcut"));
    await interact(
      viewSubmission({
        as: OURS,
        viewId: "V_H_TP_S",
        callbackId: CALLBACK.logTouchpoint,
        values: tpValues({ deal: dealA.id, type: "MEETING", note }),
        privateMetadata: view.private_metadata,
        blocks: view.blocks,
      }),
      "view_submission",
    );

    // --- roles and stages ----------------------------------------------------------------------
    begin("roles: modal (deal A)");
    await interact(blockAction({ as: ACME, actionId: ACTION.editRoles, value: dealA.id, channel: CH_A }), "block_actions");
    await interact(
      viewSubmission({
        as: ACME,
        viewId: "V_H_ROLES_A",
        callbackId: CALLBACK.editRoles,
        values: stateValues({
          [`${ROLES_BLOCK.rolePrefix}SOURCING`]: { multi: [partnerA.id] },
          [`${ROLES_BLOCK.rolePrefix}SELLING`]: { multi: [ours.id] },
          [`${ROLES_BLOCK.rolePrefix}TECHNICAL_VALIDATION`]: { multi: [partnerA.id] },
          [`${ROLES_BLOCK.rolePrefix}IMPLEMENTATION`]: { multi: [partnerA.id] },
          [`${ROLES_BLOCK.rolePrefix}INFLUENCE`]: { multi: [] },
          [ROLES_BLOCK.relationshipOwner]: { user: OURS.user },
          [`${ROLES_BLOCK.leadPrefix}DISCOVERY`]: { select: partnerA.id },
          [`${ROLES_BLOCK.leadPrefix}TECHNICAL_VALIDATION`]: { select: partnerA.id },
          [`${ROLES_BLOCK.leadPrefix}PROPOSAL`]: { select: ours.id },
          [`${ROLES_BLOCK.leadPrefix}NEGOTIATION`]: { select: ours.id },
          [ROLES_BLOCK.postSaleOwner]: { select: partnerA.id },
          [`${ROLES_BLOCK.slaPrefix}${partnerA.id}`]: { text: "24" },
        }),
        privateMetadata: JSON.stringify({ dealId: dealA.id }),
      }),
      "view_submission",
    );
    begin("roles: /cosell roles (deal B)");
    await command("roles CS-2", OURS, CH_B);

    begin("stage: card button → modal (deal A)");
    await interact(blockAction({ as: ACME, actionId: ACTION.changeStage, value: dealA.id, channel: CH_A }), "block_actions");
    await interact(
      viewSubmission({
        as: ACME,
        viewId: "V_H_STAGE_A",
        callbackId: CALLBACK.changeStage,
        values: stateValues({ [STAGE_BLOCK.stage]: { select: "DISCOVERY" }, [STAGE_BLOCK.confirmGaps]: { checked: ["yes"] } }),
        privateMetadata: JSON.stringify({ dealId: dealA.id }),
      }),
      "view_submission",
    );
    begin("stage: /cosell stage with gaps → Move anyway (deal B)");
    const blocked = await command("stage CS-2 negotiation", OURS, CH_B);
    const moveAnyway = ((blocked.last.blocks ?? []) as { elements?: { action_id: string; value: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === ACTION.confirmStage);
    expect(moveAnyway).toBeTruthy();
    await interact(
      blockAction({ as: OURS, actionId: ACTION.confirmStage, value: moveAnyway!.value, channel: CH_B, responseUrl: responseUrl("move-anyway") }),
      "block_actions",
    );

    // --- asks on deal C (stays open for the SLA sweep) -----------------------------------------
    begin("ask: /cosell ask");
    await command(`ask CS-3 <@${GLOBEX.user}|globex> "${slackEncode(FULL("askCommand"))}"`, OURS, CH_B);
    begin("ask: card button → modal");
    await interact(blockAction({ as: GLOBEX, actionId: ACTION.ask, value: dealC.id, channel: CH_B }), "block_actions");
    view = lastView();
    await interact(
      viewSubmission({
        as: GLOBEX,
        viewId: "V_H_ASK_1",
        callbackId: CALLBACK.createAsk,
        values: stateValues({ [ASK_BLOCK.owner]: { user: OURS.user }, [ASK_BLOCK.text]: { text: FULL("askModal") } }),
        privateMetadata: view.private_metadata,
      }),
      "view_submission",
    );
    await interact(
      viewSubmission({
        as: GLOBEX,
        viewId: "V_H_ASK_2",
        callbackId: CALLBACK.createAsk,
        values: stateValues({ [ASK_BLOCK.owner]: { user: OURS.user }, [ASK_BLOCK.text]: { text: FULL("askDone") } }),
        privateMetadata: view.private_metadata,
      }),
      "view_submission",
    );
    begin("ask: Done");
    const doneAsk = await prisma.ask.findFirstOrThrow({ where: { text: FULL("askDone") } });
    await interact(
      blockAction({ as: OURS, actionId: ACTION.askDone, value: doneAsk.id, channel: "D_U_REP", responseUrl: responseUrl("ask-done") }),
      "block_actions",
    );
    begin("ask: Done again (already done)");
    await interact(
      blockAction({ as: OURS, actionId: ACTION.askDone, value: doneAsk.id, channel: "D_U_REP", responseUrl: responseUrl("ask-done-again") }),
      "block_actions",
    );

    begin("panel: buttons");
    await interact(blockAction({ as: OURS, actionId: ACTION.myAsks, channel: CH_B, responseUrl: responseUrl("panel-asks") }), "block_actions");
    await interact(blockAction({ as: GLOBEX, actionId: ACTION.myAsks, channel: CH_B, responseUrl: responseUrl("panel-asks-globex") }), "block_actions");
    await interact(blockAction({ as: GLOBEX, actionId: ACTION.pipeline, channel: CH_B, responseUrl: responseUrl("panel-pipeline") }), "block_actions");

    // --- attribution previews, queries ---------------------------------------------------------
    begin("attribution: preview");
    await command("attribution CS-1 --preview", OURS, CH_A);
    await interact(
      blockAction({ as: GLOBEX, actionId: ACTION.attribution, value: dealB.id, channel: CH_B, responseUrl: responseUrl("attr-b") }),
      "block_actions",
    );

    begin("query: /cosell list");
    await command("list", OURS, CH_A);
    await command("list all", GLOBEX, CH_B);
    await command("list", OURS, "C_GENERAL");
    begin("query: /cosell show");
    await command("show CS-1", OURS, "C_GENERAL");
    await command("show CS-3", GLOBEX, CH_B);

    // --- replies that echo what was typed back to the person ----------------------------------
    begin("error replies echoing input");
    await command(slackEncode("«errSubcommand»<!channel> please"), OURS);
    await command(`log CS-1 ${slackEncode("«errLogType»<!here>")} "note for nothing"`, OURS, CH_A);
    await command(`stage CS-1 ${slackEncode("«errStage» <!channel> AT&T <b>")}`, OURS, CH_A);
    await command(`list ${slackEncode("«errList» <!everyone> &lt;LIT&gt;")}`, OURS, CH_A);
    await command(`show ${slackEncode("«errShow»<!here>")}`, OURS);
    await command(`partner remove "${slackEncode("«errPartner» <!channel> AT&T <b>")}"`, ADMIN);
    await command(`map ${slackEncode("«errMap» <!here> AT&T <b>")}`, OURS);
    await command(`digest "${slackEncode("«errDigest» <!channel> AT&T <b>")}"`, OURS);

    // --- close won: receipts, disputes, recompute ---------------------------------------------
    begin("stage: won (deal A)");
    await command("stage CS-1 won --confirm", OURS, CH_A);
    begin("stage: won (deal B)");
    await command("stage CS-2 won --confirm", OURS, CH_B);
    const recordA = await prisma.attributionRecord.findFirstOrThrow({ where: { dealId: dealA.id } });
    const recordB = await prisma.attributionRecord.findFirstOrThrow({ where: { dealId: dealB.id } });
    begin("attribution: See my numbers");
    await interact(
      blockAction({ as: ACME, actionId: ACTION.seeMyNumbers, value: recordA.id, channel: CH_A, responseUrl: responseUrl("numbers-a") }),
      "block_actions",
    );

    const submitDispute = (as: Person, recordId: string, reason: string, viewId: string) =>
      interact(
        viewSubmission({
          as,
          viewId,
          callbackId: CALLBACK.dispute,
          values: stateValues({ [DISPUTE_BLOCK.reason]: { text: reason } }),
          privateMetadata: JSON.stringify({ recordId }),
          blocks: [{ type: "input", block_id: DISPUTE_BLOCK.reason }],
        }),
        "view_submission",
      );
    begin("dispute: modal (deal A)");
    await interact(
      blockAction({ as: ACME, actionId: ACTION.dispute, value: recordA.id, channel: CH_A, responseUrl: responseUrl("dispute-a") }),
      "block_actions",
    );
    await submitDispute(ACME, recordA.id, FULL("disputeA"), "V_H_DISPUTE_A");
    const disputeA = await prisma.dispute.findFirstOrThrow({ where: { recordId: recordA.id } });
    begin("dispute: admin resolves from the DM");
    await interact(blockAction({ as: ADMIN, actionId: ACTION.disputeResolve, value: disputeA.id }), "block_actions");
    view = lastView();
    await interact(
      viewSubmission({
        as: ADMIN,
        viewId: "V_H_RESOLVE_A",
        callbackId: CALLBACK.resolveDispute,
        values: stateValues({ [DISPUTE_BLOCK.note]: { text: FULL("resolveNote") } }),
        privateMetadata: view.private_metadata,
        blocks: [{ type: "input", block_id: DISPUTE_BLOCK.note }],
      }),
      "view_submission",
    );
    begin("dispute: already answered");
    await interact(blockAction({ as: ADMIN, actionId: ACTION.disputeReject, value: disputeA.id }), "block_actions");
    begin("dispute: modal (deal B) and the admin commands");
    await submitDispute(GLOBEX, recordB.id, FULL("disputeB"), "V_H_DISPUTE_B");
    const disputeB = await prisma.dispute.findFirstOrThrow({ where: { recordId: recordB.id } });
    await command("disputes", ADMIN);
    await command(`dispute reject ${disputeB.id.slice(0, 8)} "${slackEncode(FULL("rejectNote"))}"`, ADMIN);
    begin("attribution: recompute");
    await command(`attribution CS-1 --recompute "${slackEncode(FULL("recompute"))}"`, ADMIN, CH_A);

    // --- payouts: the list, Approve all, Mark paid with a typed reference ---------------------
    begin("payouts: list");
    await command("payouts 2026-Q4", ADMIN);
    await command("payouts 2026-Q4", ACME, CH_A);
    begin("payouts: mark paid");
    await interact(
      blockAction({ as: ADMIN, actionId: ACTION.payoutsApproveAll, value: "2026-Q4", channel: "C_GENERAL", responseUrl: responseUrl("approve-all") }),
      "block_actions",
    );
    await interact(
      blockAction({ as: ADMIN, actionId: ACTION.payoutsMarkPaid, value: "period:2026-Q4", channel: "C_GENERAL", responseUrl: responseUrl("mark-paid") }),
      "block_actions",
    );
    await t.fake.waitFor((c) => c.some((x) => x.method === "views.open" && (x.args.view as { callback_id?: string }).callback_id === CALLBACK.payoutMarkPaid));
    const paidForm = t.fake.callsTo("views.open").findLast((c) => (c.args.view as { callback_id?: string }).callback_id === CALLBACK.payoutMarkPaid)!.args
      .view as { private_metadata: string };
    await interact(
      viewSubmission({
        as: ADMIN,
        viewId: "V_H_PAID",
        callbackId: CALLBACK.payoutMarkPaid,
        values: stateValues({ [PAYOUT_BLOCK.reference]: { text: FULL("payoutRef").slice(0, 200) } }),
        privateMetadata: paidForm.private_metadata,
        blocks: [{ type: "input", block_id: PAYOUT_BLOCK.reference }],
      }),
      "view_submission",
    );
    begin("payouts: after");
    await command("payouts 2026-Q4", ADMIN);

    // --- account map: CSV import (names, owners, bad values, file name), map, intro ------------
    const csv = (lines: string[]) => Buffer.from(`${lines.join("\r\n")}\r\n`);
    const importFile = async (org: string, status: string, fileName: string, lines: string[], viewId: string) => {
      const fileId = t.fake.shareFile(fileName, csv(lines));
      await interact(
        viewSubmission({
          as: ADMIN,
          viewId,
          callbackId: CALLBACK.mapImport,
          values: {
            ...stateValues({ [MAP_IMPORT_BLOCK.org]: { select: org }, [MAP_IMPORT_BLOCK.status]: { select: status } }),
            [MAP_IMPORT_BLOCK.file]: { [INPUT]: { type: "file_input", files: [{ id: fileId, name: fileName }] } },
          },
          blocks: [{ type: "input", block_id: MAP_IMPORT_BLOCK.org }],
        }),
        "view_submission",
      );
    };
    begin("map: import");
    await command("map import", ADMIN);
    await importFile(
      partnerA.id,
      "CUSTOMER",
      `${FULL("csvFileName").replace(/[|/]/g, " ")}.csv`,
      [
        "Account Name,Website,Account Owner,ARR",
        `${P1("csvNameOverlap")},overlap.example,${P1("csvOwnerA")},$150k`,
        `${P2("csvNameWhite")},white.example,${P2("csvOwnerB")},$90k`,
        `«csvBadDomain» x,«csvDomainValue» <!channel> AT&T <b>,,`,
        `«csvBadArr» y,badarr.example,,«csvArrValue» <!here> AT&T <b>`,
      ],
      "V_H_MAP_1",
    );
    await importFile(
      ours.id,
      "CUSTOMER",
      "ours.csv",
      ["Account Name,Website,Account Owner,ARR", `${P2("csvOurName")},overlap.example,${P2("csvOurOwner")},$200k`],
      "V_H_MAP_2",
    );
    begin("map: /cosell map");
    await command("map «orgPartnerA»", OURS);
    begin("map: Request intro / Register");
    await interact(
      blockAction({
        as: OURS,
        actionId: ACTION.mapIntro,
        value: JSON.stringify({ p: partnerA.id, d: "white.example" }),
        channel: "C_GENERAL",
        responseUrl: responseUrl("intro"),
      }),
      "block_actions",
    );
    await interact(
      blockAction({
        as: OURS,
        actionId: ACTION.mapRegister,
        value: JSON.stringify({ p: partnerA.id, d: "overlap.example" }),
        channel: "C_GENERAL",
        responseUrl: responseUrl("map-register"),
      }),
      "block_actions",
    );

    // --- App Home, digest previews -------------------------------------------------------------
    begin("home");
    for (const who of [OURS, ACME, GLOBEX, ADMIN]) expect((await homeOpened(who.user)).status).toBe(200);
    await t.fake.waitFor((c) => c.filter((x) => x.method === "views.publish").length >= 4);
    await settle();
    begin("digest: previews");
    await command("digest", OURS);
    await command("digest", GLOBEX, CH_B);
    await command("digest", ACME, CH_A);

    // --- time passes: SLA sweep, weekly digests, stale deals, close dates, map refresh ---------
    begin("sla: overdue");
    clock.set("2026-11-17T10:05:00Z");
    expect((await runSlaSweep(t.deps, clock.now())).overdue).toBeGreaterThan(0);
    await settle();
    begin("sla: escalation");
    clock.set("2026-11-18T10:05:00Z");
    expect((await runSlaSweep(t.deps, clock.now())).escalated).toBeGreaterThan(0);
    await settle();
    begin("digest: weekly job");
    clock.set("2026-11-23T09:30:00Z");
    const digests = await runWeeklyDigests(t.deps, clock.now(), { client: null });
    expect(digests.pairings.claimed).toBe(2);
    expect(digests.manager).toBe("claimed");
    await settle();
    begin("sla: stale and close date");
    clock.set("2026-11-27T10:05:00Z");
    const late = await runSlaSweep(t.deps, clock.now());
    expect(late.stale + late.closeDatePassed).toBeGreaterThan(0);
    await settle();
    begin("map: quarterly refresh");
    clock.set("2027-01-04T09:30:00Z");
    expect((await runMapRefresh(t.deps, clock.now())).posted).toBeGreaterThan(0);
    await settle();
    begin("quarter close");
    await runQuarterClose({ db: t.deps.db, admins: t.deps.config.admins, timezone: "UTC" }, clock.now());
    await settle();
    begin("home: later");
    expect((await homeOpened(OURS.user)).status).toBe(200);
    await t.fake.waitFor((c) => c.filter((x) => x.method === "views.publish").length >= 5);
    await settle();
    begin("end");

    entries = collectEntries();
  }, 600_000);

  afterAll(async () => {
    printMatrix();
    await t?.stop();
  });

  function stepAt(source: Source, index: number): string {
    const key = source === "api" ? "calls" : source === "response_url" ? "responses" : "http";
    let name = "start";
    for (const m of marks) if (m[key] <= index) name = m.step;
    return name;
  }

  function collectEntries(): Entry[] {
    const out: Entry[] = [];
    t.fake.calls.forEach((c, i) => {
      const a = c.args;
      out.push({
        source: "api",
        method: c.method,
        step: stepAt("api", i),
        channel: String(a.channel ?? a.channel_id ?? a.user_id ?? "") || undefined,
        body: a,
      });
    });
    t.fake.responses.forEach((r, i) =>
      out.push({ source: "response_url", method: "response_url", step: stepAt("response_url", i), channel: undefined, body: r.body }),
    );
    http.forEach((h, i) => out.push({ source: "http", method: `http:${h.what}`, step: stepAt("http", i), channel: undefined, body: h.body }));
    return out;
  }

  function printMatrix() {
    if (results.length === 0) return;
    const cols = TOKENS.map((x) => x.typed);
    const mark = { leak: "LEAK", escaped: "ok", absent: "·" } as Record<string, string>;
    const kinds = results.filter((r) => r.kind !== "ALL outbound bodies");
    const width = Math.max(...results.map((r) => r.kind.length));
    const cells = kinds.flatMap((r) => cols.map((c) => r.status[c] ?? "absent"));
    const lines = [
      `Hostile text matrix: ${cols.length} hostile strings × ${kinds.length} message kinds = ${cells.length} cells; ` +
        `${cells.filter((c) => c !== "absent").length} carried the string (${cells.filter((c) => c === "leak").length} LEAK = sent unescaped, ${cells.filter((c) => c === "escaped").length} ok = escaped), ${cells.filter((c) => c === "absent").length} · = not in that kind`,
      ...cols.map((c, i) => `  [${i + 1}] ${c}${TOKENS[i]!.allowed ? " (mrkdwn: allowed to render)" : ""}`),
      `${"kind".padEnd(width)} | msgs | ${cols.map((_, i) => `[${i + 1}]`.padEnd(4)).join(" ")} | leaks`,
      ...results.map(
        (r) =>
          `${r.kind.padEnd(width)} | ${String(r.entries).padStart(4)} | ${cols.map((c) => (mark[r.status[c] ?? "absent"] ?? "?").padEnd(4)).join(" ")} | ${r.leaks.length}${r.doubled.length ? ` (double-escaped texts: ${r.doubled.length})` : ""}`,
      ),
    ];
    const leaking = kinds.filter((r) => r.leaks.length > 0);
    lines.push(`${leaking.length} of ${kinds.length} kinds leak:`);
    for (const r of leaking) {
      const first = r.leaks[0]!;
      const paths = [...new Set(r.leaks.map((l) => l.path))];
      lines.push(
        `  ✗ ${r.kind}: ${r.leaks.length} leaks from inputs ${[...new Set(r.leaks.map((l) => `«${l.field ?? "?"}»`))].join(" ")} at ${paths.join(", ")}`,
      );
      lines.push(`      e.g. ${first.token} at ${first.path}: …${first.context}…`);
    }
    const doubled = kinds.filter((r) => r.doubled.length > 0);
    if (doubled.length > 0) {
      lines.push("Escaped twice (not a leak; text Slack had already escaped was escaped again, so people see &amp; / &lt;):");
      for (const r of doubled) {
        const d = r.doubled[0]!;
        const at = d.text.search(DOUBLE_ESCAPED);
        lines.push(
          `  ~ ${r.kind} (${r.doubled.length}): «${fieldsIn(d.text.slice(0, at)).at(-1) ?? "?"}» at ${d.path}: …${d.text.slice(Math.max(0, at - 30), at + 50).replace(/\n/g, "⏎")}…`,
        );
      }
    }
    lines.push(`(${entries.length} outbound bodies recorded; the pinned clock was nudged ${deferrals} times for deferred outbox rows)`);
    console.log(lines.join("\n"));
  }

  /** The texts of one entry, optionally only its top-level `text` or only its blocks. */
  function textsOf(e: Entry, part?: "text" | "blocks"): MrkdwnText[] {
    const prefix = `${e.method}${e.channel ? `(${e.channel})` : ""}`;
    if (part === "text") return typeof e.body.text === "string" ? [{ path: `${prefix}.text`, text: e.body.text }] : [];
    if (part === "blocks") return mrkdwnTexts(e.body.blocks ?? [], `${prefix}.blocks`);
    return mrkdwnTexts(e.body, prefix);
  }

  const text = (e: Entry) => String(e.body.text ?? "");
  const json = (e: Entry) => JSON.stringify(e.body);
  const isPost = (e: Entry) => e.method === "chat.postMessage";
  const isDm = (e: Entry) => isPost(e) && /^(U|D_)/.test(e.channel ?? "");
  const isCard = (e: Entry) => /"action_id":"deal_log_touchpoint"/.test(json(e)) && (e.method === "chat.postMessage" || e.method === "chat.update");
  const inStep =
    (...prefixes: string[]) =>
    (e: Entry) =>
      prefixes.some((p) => e.step.startsWith(p));
  const reply = (e: Entry) => e.source === "response_url" || e.source === "http" || e.method === "chat.postEphemeral";
  const modal =
    (callback: string, ...methods: string[]) =>
    (e: Entry) =>
      (methods.length === 0 ? ["views.open", "views.update", "views.push"] : methods).includes(e.method) &&
      (e.body.view as { callback_id?: string } | undefined)?.callback_id === callback;

  const KINDS: Kind[] = [
    { name: "deal card post · fallback text", match: (e) => isCard(e) && e.method === "chat.postMessage", part: "text" },
    { name: "deal card post · blocks", match: (e) => isCard(e) && e.method === "chat.postMessage", part: "blocks" },
    { name: "deal card update (chat.update) · fallback text", match: (e) => isCard(e) && e.method === "chat.update", part: "text" },
    { name: "deal card update (chat.update) · blocks", match: (e) => isCard(e) && e.method === "chat.update", part: "blocks" },
    {
      name: "setup command replies (org/partner/pairing)",
      match: (e) => inStep("setup: /cosell org", "setup: partner")(e) && reply(e) && !/Pairings \(|partners,/.test(json(e)),
    },
    { name: "program overview (/cosell partners)", match: (e) => reply(e) && /Pairings \(|partners,/.test(json(e)) },
    { name: "setup modal confirmation DM", match: (e) => isDm(e) && /Program setup saved/.test(text(e)) },
    { name: "modal: setup (views.open)", match: modal(CALLBACK.setup) },
    { name: "modal: register deal (views.open/update)", match: modal(CALLBACK.registerDeal) },
    {
      name: "registration conflict notice (response_action update)",
      match: (e) => e.source === "http" && (e.body.view as { callback_id?: string } | undefined)?.callback_id === CALLBACK.registerDeal,
    },
    { name: "registration confirmation (ephemeral / DM)", match: (e) => (e.method === "chat.postEphemeral" || isDm(e)) && /^✅ Registered/.test(text(e)) },
    { name: "registration review DM to admins (a conflict side by side)", match: (e) => isDm(e) && /^Registration to review/.test(text(e)) },
    {
      name: "registration decided: the admin's DM updated in place",
      match: (e) => e.method === "chat.update" && /Approved/.test(json(e)) && /Registered by/.test(json(e)),
    },
    { name: "registration decided: the registrant told (DM)", match: (e) => isDm(e) && /Your registration .* was approved/.test(text(e)) },
    { name: "pairing panel (channel post)", match: (e) => (isPost(e) || e.method === "chat.update") && /"action_id":"panel_my_asks"/.test(json(e)) },
    { name: "panel: My asks / Pipeline (response_url)", match: (e) => inStep("panel: buttons")(e) && e.source === "response_url" },
    { name: "modal: log touchpoint", match: modal(CALLBACK.logTouchpoint) },
    { name: "touchpoint confirmation (response_url / ephemeral)", match: (e) => reply(e) && /Logged an? /.test(text(e)) },
    { name: "modal: edit roles", match: modal(CALLBACK.editRoles) },
    { name: "modal: change stage", match: modal(CALLBACK.changeStage) },
    { name: "stage-change alert (pairing channel)", match: (e) => isPost(e) && /^(➡️ Moved|🏆 Won|♻️ Reopened|Closed lost)/.test(text(e)) },
    { name: "stage command replies (moved / blocked / move anyway)", match: (e) => inStep("stage:")(e) && reply(e) },
    { name: "modal: ask", match: modal(CALLBACK.createAsk) },
    { name: "ask confirmation (response_url / ephemeral)", match: (e) => reply(e) && /^✅ Asked /.test(text(e)) },
    { name: "ask DM to the owner", match: (e) => isDm(e) && /asked you on CS-/.test(text(e)) },
    { name: "ask done: confirmation to the clicker", match: (e) => inStep("ask: Done")(e) && reply(e) },
    { name: "ask done: DM to the asker", match: (e) => isDm(e) && /marked your ask/.test(text(e)) },
    { name: "overdue alert (card thread)", match: (e) => inStep("sla: overdue")(e) && isPost(e) && !isDm(e) },
    { name: "escalation alert (channel broadcast)", match: (e) => inStep("sla: escalation")(e) && isPost(e) && !isDm(e) },
    { name: "escalation DM to the relationship owner", match: (e) => inStep("sla: escalation")(e) && isDm(e) },
    { name: "stale-deal / close-date alerts", match: (e) => inStep("sla: stale")(e) && isPost(e) },
    { name: "attribution math (preview / card button / See my numbers)", match: (e) => inStep("attribution: preview", "attribution: See")(e) && reply(e) },
    { name: "attribution receipt (deal thread)", match: (e) => isPost(e) && typeof e.body.thread_ts === "string" && /See my numbers/.test(json(e)) },
    { name: "/cosell list (response_url)", match: (e) => inStep("query: /cosell list")(e) && reply(e) },
    { name: "/cosell show (response_url)", match: (e) => inStep("query: /cosell show")(e) && reply(e) },
    { name: "error replies echoing the typed text", match: (e) => inStep("error replies")(e) && reply(e) },
    { name: "modal: dispute", match: modal(CALLBACK.dispute) },
    {
      name: "dispute sent (response_action update)",
      match: (e) =>
        e.source === "http" &&
        (e.body.view as { callback_id?: string } | undefined)?.callback_id !== CALLBACK.registerDeal &&
        inStep("dispute:")(e) &&
        Boolean(e.body.view),
    },
    { name: "dispute DM to admins", match: (e) => isDm(e) && /"action_id":"dispute_resolve"/.test(json(e)) },
    { name: "dispute note in the deal thread", match: (e) => isPost(e) && typeof e.body.thread_ts === "string" && /disputed the attribution/.test(text(e)) },
    { name: "modal: resolve dispute", match: modal(CALLBACK.resolveDispute) },
    {
      name: "dispute answer in the deal thread",
      match: (e) => isPost(e) && typeof e.body.thread_ts === "string" && /dispute of the attribution/.test(text(e)),
    },
    { name: "dispute answer confirmation (DM / reply)", match: (e) => (isDm(e) || reply(e)) && /^✅ Dispute /.test(text(e)) },
    { name: "dispute already answered (DM)", match: (e) => inStep("dispute: already")(e) && (isDm(e) || reply(e)) },
    { name: "/cosell disputes (list)", match: (e) => inStep("dispute: modal (deal B)")(e) && reply(e) && /"action_id":"dispute_reject"/.test(json(e)) },
    { name: "recompute reply", match: (e) => inStep("attribution: recompute")(e) && reply(e) },
    { name: "modal: account-list import", match: modal(CALLBACK.mapImport) },
    { name: "account-list import report (DM)", match: (e) => inStep("map: import")(e) && isDm(e) },
    { name: "account map (/cosell map)", match: (e) => inStep("map: /cosell map")(e) && reply(e) },
    { name: "intro request (pairing channel)", match: (e) => inStep("map: Request")(e) && isPost(e) && !isDm(e) },
    { name: "intro request confirmation", match: (e) => inStep("map: Request")(e) && e.source === "response_url", userText: false },
    { name: "account-map refresh reminder (pairing channel)", match: (e) => inStep("map: quarterly")(e) && isPost(e) },
    { name: "App Home (views.publish)", match: (e) => e.method === "views.publish" },
    {
      name: "digest preview: manager (response_url)",
      match: (e) => inStep("digest: previews")(e) && e.source === "response_url" && /program digest/i.test(text(e)),
    },
    {
      name: "digest preview: pairing standup (response_url)",
      match: (e) => inStep("digest: previews")(e) && e.source === "response_url" && /standup/i.test(text(e)),
    },
    { name: "weekly pairing standup digest (pairing channel)", match: (e) => inStep("digest: weekly")(e) && isPost(e) && !isDm(e) },
    { name: "weekly manager digest (admins' DM)", match: (e) => inStep("digest: weekly")(e) && isDm(e) },
    {
      name: "/cosell payouts (list, Approve all)",
      match: (e) => (inStep("payouts: list", "payouts: after")(e) && reply(e)) || (inStep("payouts: mark paid")(e) && e.source === "response_url"),
    },
    { name: "modal: mark paid", match: modal(CALLBACK.payoutMarkPaid), userText: false },
    { name: "marked paid (response_action update)", match: (e) => inStep("payouts: mark paid")(e) && e.source === "http" && Boolean(e.body.view) },
    { name: "quarter close DM to admins", match: (e) => inStep("quarter close")(e) && isDm(e) },
  ];

  /** One line per distinct leak (token, input, field path, step), with how often and an example. */
  function leakReport(matched: readonly Entry[], part?: "text" | "blocks"): string[] {
    const seen = new Map<string, { n: number; context: string }>();
    for (const e of matched) {
      for (const l of textsOf(e, part).flatMap(leaksIn)) {
        const key = `${l.token} from «${l.field ?? "?"}» at ${l.path} [${e.step}]`;
        const had = seen.get(key);
        if (had) had.n++;
        else seen.set(key, { n: 1, context: l.context });
      }
    }
    return [...seen].map(([key, v]) => `${key}${v.n > 1 ? ` ×${v.n}` : ""}: …${v.context}…`);
  }

  for (const kind of KINDS) {
    it(kind.name, () => {
      const matched = entries.filter(kind.match);
      const texts = matched.flatMap((e) => textsOf(e, kind.part));
      const leaks = texts.flatMap(leaksIn);
      // Which hostile inputs reached these bodies at all (plain_text included: a modal may carry them only there).
      const fields = [
        ...new Set(matched.flatMap((e) => fieldsIn(JSON.stringify(kind.part ? (kind.part === "text" ? (e.body.text ?? "") : (e.body.blocks ?? [])) : e.body)))),
      ];
      results.push({ kind: kind.name, entries: matched.length, texts: texts.length, leaks, status: tokenStatus(texts), fields, doubled: doubleEscaped(texts) });
      // Positive checks: the kind was produced, and hostile input reached it (so it can't pass by sending nothing).
      expect(matched.length, `no ${kind.name} was sent`).toBeGreaterThan(0);
      if (kind.userText !== false) expect(fields, `${kind.name} carries none of the hostile inputs`).not.toEqual([]);
      expect(leakReport(matched, kind.part), `${kind.name} sends typed text unescaped`).toEqual([]);
    });
  }

  it("every outbound body, of any kind, is free of unescaped hostile text", () => {
    const all = entries.flatMap((e) => textsOf(e));
    const unclassified = entries.filter((e) => !KINDS.some((k) => k.match(e)) && textsOf(e).some((x) => fieldsIn(x.text).length > 0 || leaksIn(x).length > 0));
    results.push({
      kind: "ALL outbound bodies",
      entries: entries.length,
      texts: all.length,
      leaks: all.flatMap(leaksIn),
      status: tokenStatus(all),
      fields: [],
      doubled: doubleEscaped(all),
    });
    if (unclassified.length > 0)
      console.log(
        `bodies with hostile text outside the kinds above:\n${unclassified.map((e) => `  ${e.step} · ${e.method} ${e.channel ?? ""}: ${text(e).slice(0, 100)}`).join("\n")}`,
      );
    expect(leakReport(entries)).toEqual([]);
  });

  it("nothing is escaped twice: what Slack sent escaped is decoded once, so people see AT&T, not AT&amp;T", () => {
    const doubled = doubleEscaped(entries.flatMap((e) => textsOf(e)));
    expect(doubled.map((d) => `${d.path}: ${d.text.slice(0, 120)}`)).toEqual([]);
  });
});
