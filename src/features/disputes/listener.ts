import { clickOf, actionValue } from "../../platform/slack/payload";
import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import { dbOf, type AppDeps } from "../../platform/deps";
import { decideAdminAction, decideDealAction, type Actor, type AdminAction } from "../../kernel/access";
import { formatBp } from "../../kernel/money";
import { formatDealRef, parseDealRef } from "../../kernel/registration";
import { checkText } from "../../kernel/text-input";
import { assertAllowed, FieldErrors, NotFound, UserError } from "../../platform/errors";
import { loadReceipt } from "../attribution/records";
import { answerDispute, assertDisputable, findDispute, listOpenDisputes, openDispute, recomputeAttribution, type DisputeRow } from "./disputes";
import {
  buildDisputeModal,
  buildDisputeSentView,
  buildResolveModal,
  LIST_LIMIT,
  NOTE_MAX,
  REASON_MAX,
  REASON_MIN,
  renderOpenDisputes,
  shortDisputeId,
  type DisputeOutcome,
} from "./render";
import type { Subcommand, SubcommandContext } from "../../platform/slack/commands";
import { ACTION, CALLBACK, DISPUTE_BLOCK as B } from "../../platform/slack/ids";
import { resolveActor, type Who } from "../../platform/slack/identity";
import { actionListener, viewListener, type ListenerContext } from "../../platform/slack/listener";
import { truncate } from "../../platform/slack/command-text";
import { parseMetadata, StateReader } from "../../platform/slack/view-state";
import { slackOut } from "../../platform/slack/send";
import { mention, mrkdwn, toSlack, type SlackText } from "../../platform/slack/mrkdwn";
import { orgRepo } from "../../platform/repos/org-repo";
import { pairingRepo } from "../../platform/repos/pairing-repo";
import { dealIdByRef } from "../deals/deal-queries";

// Attribution disputes: the receipt's Dispute button (a modal, so partner people in Slack
// Connect can use it), the admins' Resolve / Reject (DM buttons → modal, or
// `/cosell dispute resolve|reject <id> "note"`), `/cosell disputes`, and the admin's
// `/cosell attribution CS-12 --recompute "reason"` (called from deals/attribution.ts).
// Every record or dispute id that comes back through Slack is re-authorized.

const USAGE = {
  resolve: '/cosell dispute resolve <dispute id> "note for the partner"',
  reject: '/cosell dispute reject <dispute id> "note for the partner"',
  list: "/cosell disputes",
  recompute: '/cosell attribution CS-12 --recompute "reason"',
} as const;
const RECOMPUTE_REASON_MIN = 5;
const RECOMPUTE_REASON_MAX = 500;

const disputeMetaSchema = z.object({ recordId: z.string().default("") });
const resolveMetaSchema = z.object({ disputeId: z.string().default(""), outcome: z.enum(["RESOLVED", "REJECTED"]).default("RESOLVED") });

/**
 * May this person dispute this record? Internal people and people of a partner in the deal's
 * pairing may; the dispute is raised for their own organization (ours for an internal person).
 */
async function authorizeRecord(deps: AppDeps, client: WebClient, who: Who, recordId: string, blockId?: string) {
  const actor = await resolveActor(deps, client, who);
  // Strangers learn nothing, not even whether the record exists.
  if (actor.kind === "stranger") assertAllowed(decideDealAction(actor, "deal.dispute", []), blockId);
  const db = dbOf(deps);
  let data: Awaited<ReturnType<typeof loadReceipt>>;
  try {
    data = await loadReceipt(db, recordId);
  } catch (err) {
    if (err instanceof NotFound && blockId) throw new UserError(err.message, blockId);
    throw err;
  }
  const memberOrgIds = await pairingRepo(db).memberOrgIds(data.pairingId);
  assertAllowed(decideDealAction(actor, "deal.dispute", memberOrgIds), blockId);
  const org = await organizationOf(deps, actor, blockId);
  return { actor, data, org };
}

async function organizationOf(deps: AppDeps, actor: Actor, blockId?: string): Promise<{ id: string; name: string }> {
  if (actor.kind === "partner") return { id: actor.orgId, name: actor.orgName };
  const ours = actor.kind === "internal" && actor.orgId ? await orgRepo(dbOf(deps)).byId(actor.orgId) : null;
  if (!ours)
    throw new UserError(
      'Our own organization isn\'t set up yet (an admin runs `/cosell org "Our Company"`), so there is nobody to raise the dispute for.',
      blockId,
    );
  return { id: ours.id, name: ours.name };
}

async function requireAdmin(deps: AppDeps, client: WebClient, who: Who, action: AdminAction, blockId?: string): Promise<Actor> {
  const actor = await resolveActor(deps, client, who);
  assertAllowed(decideAdminAction(actor, action, deps.config.admins), blockId);
  return actor;
}

function alreadyAnswered(d: DisputeRow): SlackText {
  const by = d.resolvedBy ? mrkdwn` by ${mention(d.resolvedBy)}` : "";
  const note = d.resolutionNote ? `: “${truncate(d.resolutionNote, 300)}”` : "";
  return mrkdwn`Dispute \`${shortDisputeId(d.id)}\` (${d.orgName} on ${formatDealRef(d.dealRef)}) was already ${d.status.toLowerCase()}${by}${note}. Nothing changed.`;
}

function answeredConfirmation(d: DisputeRow, outcome: DisputeOutcome): SlackText {
  const ref = formatDealRef(d.dealRef);
  return mrkdwn`✅ Dispute \`${shortDisputeId(d.id)}\` (${d.orgName} on ${ref}) ${outcome === "RESOLVED" ? "resolved" : "rejected"}; your note is posted in the deal's thread. To change the numbers, recompute separately: \`/cosell attribution ${ref} --recompute "reason"\`.`;
}

function validateNote(raw: string, blockId?: string): string {
  const note = raw.trim();
  const chars = checkText(raw, { field: "The note", multiline: true });
  if (!chars.ok) throw blockId ? new FieldErrors({ [blockId]: chars.message }) : new UserError(chars.message);
  if (note === "")
    throw blockId
      ? new FieldErrors({ [blockId]: "Write a note for the partner: it is posted in the deal's thread." })
      : new UserError("Write a note for the partner.");
  if (note.length > NOTE_MAX) {
    const msg = `Keep the note to ${NOTE_MAX} characters (it has ${note.length}).`;
    throw blockId ? new FieldErrors({ [blockId]: msg }) : new UserError(msg);
  }
  return note;
}

function unquote(s: string): string {
  const t = s.trim();
  const pairs: [string, string][] = [
    ['"', '"'],
    ["“", "”"],
    ["'", "'"],
  ];
  for (const [open, close] of pairs) if (t.length >= 2 && t.startsWith(open) && t.endsWith(close)) return t.slice(1, -1).trim();
  return t;
}

/** `/cosell attribution CS-12 --recompute "reason"`: admins only, won deals only, reason required. */
export async function runRecompute(deps: AppDeps, ctx: SubcommandContext): Promise<void> {
  const { args, rest } = ctx;
  const m = /^([\s\S]*?)--recompute(?:\s+([\s\S]*))?$/.exec(rest.trim());
  const ref = parseDealRef((m?.[1] ?? "").trim());
  const reason = unquote(m?.[2] ?? "");
  const actor = await requireAdmin(deps, args.client, { userId: args.command.user_id, teamId: args.command.team_id }, "attribution.recompute");
  if (ref === null) throw new UserError(`Which deal? Usage: \`${USAGE.recompute}\`.`);
  const chars = checkText(reason, { field: "The reason", multiline: true });
  if (!chars.ok) throw new UserError(chars.message);
  if (reason.length < RECOMPUTE_REASON_MIN)
    throw new UserError(`Say why you recompute (it is logged and shown on the new receipt in the pairing channel). Usage: \`${USAGE.recompute}\`.`);
  if (reason.length > RECOMPUTE_REASON_MAX) throw new UserError(`Keep the reason to ${RECOMPUTE_REASON_MAX} characters (it has ${reason.length}).`);
  const dealId = await dealIdByRef(dbOf(deps), ref);
  if (!dealId) throw new NotFound(`There is no deal ${formatDealRef(ref)}.`);
  const r = await recomputeAttribution(dbOf(deps), {
    dealId,
    by: actor.userId,
    reason,
    key: `cmd:${args.command.trigger_id}`,
    now: deps.clock.now(),
  });
  if (r.created) deps.outbox?.kick();
  const shares = r.result.credits.map((c) => `${c.orgName} ${formatBp(c.creditBp)}`).join(", ");
  const kept = r.previousSeq ? ` Record #${r.previousSeq} and earlier are kept as they were.` : "";
  await args.ack({
    response_type: "ephemeral",
    text: mrkdwn`♻️ Recomputed ${formatDealRef(r.ref)}: record #${r.seq} — ${shares}.${kept} The new receipt is posted in the deal's thread.`,
  });
}

async function answerFromCommand(deps: AppDeps, ctx: SubcommandContext, outcome: DisputeOutcome): Promise<void> {
  const { args, words } = ctx;
  const usage = outcome === "RESOLVED" ? USAGE.resolve : USAGE.reject;
  const actor = await requireAdmin(deps, args.client, { userId: args.command.user_id, teamId: args.command.team_id }, "dispute.resolve");
  const idWord = words[1];
  if (!idWord) throw new UserError(`Which dispute? Usage: \`${usage}\` (\`${USAGE.list}\` lists the open ones).`);
  const rawNote = words.slice(2).join(" ");
  if (rawNote.trim() === "") throw new UserError(`Add a note for the partner (it is posted in the deal's thread). Usage: \`${usage}\`.`);
  const note = validateNote(rawNote);
  const dispute = await findDispute(dbOf(deps), idWord);
  if (dispute.status !== "OPEN") throw new UserError(alreadyAnswered(dispute));
  const res = await answerDispute(dbOf(deps), { disputeId: dispute.id, outcome, note, by: actor.userId, now: deps.clock.now() });
  if (!res.answered) throw new UserError(alreadyAnswered(res.dispute));
  deps.outbox?.kick();
  await args.ack({ response_type: "ephemeral", text: answeredConfirmation(res.dispute, outcome) });
}

export function disputeSubcommands(deps: AppDeps): Subcommand[] {
  const dispute: Subcommand = {
    name: "dispute",
    help: [
      {
        usage: USAGE.resolve,
        example: '/cosell dispute resolve 3f2a9c1b "Agreed: Acme ran the POC; we recompute with the right roles."',
        summary:
          "answer an attribution dispute (or `reject`); the note is posted for the partner in the deal's thread. Partners dispute with the receipt's Dispute button",
        adminOnly: true,
      },
    ],
    async run(ctx) {
      const verb = (ctx.words[0] ?? "").toLowerCase();
      if (verb === "resolve") return answerFromCommand(deps, ctx, "RESOLVED");
      if (verb === "reject") return answerFromCommand(deps, ctx, "REJECTED");
      throw new UserError(
        `\`/cosell dispute\` is for admins answering disputes: \`${USAGE.resolve}\` or \`${USAGE.reject}\`; \`${USAGE.list}\` lists the open ones. To dispute an attribution, click *Dispute* on its receipt in the deal's thread.`,
      );
    },
  };
  const list: Subcommand = {
    name: "disputes",
    help: [{ usage: USAGE.list, example: USAGE.list, summary: "open attribution disputes, oldest first, with Resolve / Reject", adminOnly: true }],
    async run({ args }) {
      await requireAdmin(deps, args.client, { userId: args.command.user_id, teamId: args.command.team_id }, "dispute.resolve");
      const { rows, total } = await listOpenDisputes(dbOf(deps), { take: LIST_LIMIT });
      await args.ack({ response_type: "ephemeral", ...renderOpenDisputes(rows, total) });
    },
  };
  return [dispute, list];
}

export function registerDisputeListeners(app: App, deps: AppDeps, ctx: ListenerContext): void {
  // "Dispute" on a receipt: value = the record id, re-authorized here and again on submit.
  app.action(
    ACTION.dispute,
    actionListener(ctx, async ({ body, action, client }) => {
      const b = clickOf(body);
      const { data, org } = await authorizeRecord(deps, client, b.who, actionValue(action));
      await assertDisputable(dbOf(deps), { recordId: data.recordId, orgId: org.id, orgName: org.name });
      await slackOut(client).openView({
        trigger_id: b.triggerId,
        view: buildDisputeModal({ recordId: data.recordId, seq: data.seq, dealRef: data.dealRef, dealTitle: data.dealTitle, orgName: org.name }),
      });
    }),
  );

  app.view(
    CALLBACK.dispute,
    viewListener(ctx, async ({ ack, body, view, client }) => {
      const meta = parseMetadata(disputeMetaSchema, view.private_metadata);
      const user = body.user as { id: string; team_id?: string };
      // The record id came back through the client: re-authorize it.
      const { actor, data, org } = await authorizeRecord(deps, client, { userId: user.id, teamId: user.team_id }, meta.recordId, B.reason);
      const rawReason = StateReader.parse(view.state.values).text(B.reason);
      const reason = rawReason.trim();
      const chars = checkText(rawReason, { field: "The reason", multiline: true });
      if (!chars.ok) throw new FieldErrors({ [B.reason]: chars.message });
      if (reason.length < REASON_MIN) throw new FieldErrors({ [B.reason]: `Say what is wrong in at least ${REASON_MIN} characters.` });
      if (reason.length > REASON_MAX) throw new FieldErrors({ [B.reason]: `Keep it to ${REASON_MAX} characters (it has ${reason.length}).` });
      let result: Awaited<ReturnType<typeof openDispute>>;
      try {
        result = await openDispute(dbOf(deps), {
          recordId: data.recordId,
          orgId: org.id,
          orgName: org.name,
          raisedBy: actor.userId,
          reason,
          key: `view:${view.id}`,
          admins: deps.config.admins,
          now: deps.clock.now(),
        });
      } catch (err) {
        if (err instanceof UserError && !err.blockId) throw new UserError(err.message, B.reason);
        throw err;
      }
      if (result.created) {
        deps.outbox?.kick();
        if (deps.config.admins.length === 0) deps.logger.warn(`dispute ${result.disputeId} was opened but COSELL_ADMINS is empty: nobody was told`);
      }
      await ack(
        toSlack({
          response_action: "update" as const,
          view: buildDisputeSentView({ dealRef: result.dealRef, seq: result.seq, orgName: org.name, shortId: result.shortId }),
        }),
      );
    }),
  );

  // Resolve / Reject on an admin's DM (or in `/cosell disputes`): a modal for the note.
  const openResolve = (outcome: DisputeOutcome) =>
    actionListener(ctx, async ({ body, action, client }) => {
      const b = clickOf(body);
      await requireAdmin(deps, client, b.who, "dispute.resolve");
      const d = await findDispute(dbOf(deps), actionValue(action));
      if (d.status !== "OPEN") throw new UserError(alreadyAnswered(d));
      await slackOut(client).openView({
        trigger_id: b.triggerId,
        view: buildResolveModal({ disputeId: d.id, outcome, dealRef: d.dealRef, seq: d.seq, orgName: d.orgName, raisedBy: d.raisedBy, reason: d.reason }),
      });
    });
  app.action(ACTION.disputeResolve, openResolve("RESOLVED"));
  app.action(ACTION.disputeReject, openResolve("REJECTED"));

  app.view(
    CALLBACK.resolveDispute,
    viewListener(ctx, async ({ ack, body, view, client }) => {
      const meta = parseMetadata(resolveMetaSchema, view.private_metadata);
      const user = body.user as { id: string; team_id?: string };
      // Still an admin? (The metadata and the person are checked again, never trusted.)
      const actor = await requireAdmin(deps, client, { userId: user.id, teamId: user.team_id }, "dispute.resolve", B.note);
      const note = validateNote(StateReader.parse(view.state.values).text(B.note), B.note);
      let res: Awaited<ReturnType<typeof answerDispute>>;
      try {
        const d = await findDispute(dbOf(deps), meta.disputeId);
        res = await answerDispute(dbOf(deps), { disputeId: d.id, outcome: meta.outcome, note, by: actor.userId, now: deps.clock.now() });
      } catch (err) {
        if (err instanceof UserError && !err.blockId) throw new UserError(err.message, B.note);
        throw err;
      }
      if (!res.answered) {
        const d = res.dispute;
        // The same submission twice (a double click): the first one did it.
        if (d.resolvedBy === actor.userId && d.status === meta.outcome && d.resolutionNote === note) return void (await ack());
        throw new UserError(alreadyAnswered(d), B.note);
      }
      await ack();
      deps.outbox?.kick();
      await slackOut(client)
        .postMessage({ channel: actor.userId, text: answeredConfirmation(res.dispute, meta.outcome) })
        .catch((e) => deps.logger.warn("dispute confirmation failed", e));
    }),
  );
}
