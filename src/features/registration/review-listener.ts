import type { AllMiddlewareArgs, App, SlackActionMiddlewareArgs } from "@slack/bolt";
import { z } from "zod";
import { isRejectReason } from "../../kernel/registration-lifecycle";
import { formatDealRef } from "../../kernel/registration";
import { dbOf, type AppDeps } from "../../platform/deps";
import { AccessDenied, FieldErrors, NotFound, UserError } from "../../platform/errors";
import type { Subcommand } from "../../platform/slack/commands";
import { resolveActor } from "../../platform/slack/identity";
import { ACTION, CALLBACK, REVIEW_BLOCK as B } from "../../platform/slack/ids";
import { actionListener, viewListener, type ListenerContext } from "../../platform/slack/listener";
import { mention, mrkdwn, type SlackText } from "../../platform/slack/mrkdwn";
import { actionValue, clickOf } from "../../platform/slack/payload";
import { reply, slackOut } from "../../platform/slack/send";
import { parseMetadata, StateReader } from "../../platform/slack/view-state";
import { openRegisterModal } from "./listener";
import {
  checkNote,
  decideExtension,
  decideRegistration,
  listPendingReviews,
  requestExtension,
  resubmitRegistration,
  type DecideResult,
  type ResubmitField,
  type ReviewDecision,
  type ReviewDeps,
} from "./review";
import { buildNoteModal, buildResubmitModal, renderApprovals, type NoteAction } from "./review-render";
import { loadReviewView } from "./review-view";
import { decideAdminAction } from "../../kernel/access";

// Slack adapters of the registration lifecycle: the review DM's buttons and modals, the
// registrant's "Edit and resubmit", "Request extension" and the admins' Grant / Decline, and
// `/cosell approvals`. Each parses, calls one use case (review.ts), and renders its result; the
// DMs and the card update themselves through the outbox.

type ActionArgs = SlackActionMiddlewareArgs & AllMiddlewareArgs;

const APPROVALS_LIMIT = 8;
const noteMetaSchema = z.object({
  dealId: z.string().default(""),
  action: z.enum(["reject", "return", "moveProtection", "declineExtension"]).default("return"),
});
const resubmitMetaSchema = z.object({ dealId: z.string().default("") });

const reviewDeps = (deps: AppDeps): ReviewDeps => ({ db: deps.db, clock: deps.clock, admins: deps.config.admins });

/** The answer to a decision, for the admin who clicked (their DM updates itself). */
function decisionReply(r: DecideResult): SlackText {
  switch (r.kind) {
    case "decided":
      return mrkdwn`✅ ${r.summary} The registrant is told; the card and every admin's DM are updated.`;
    case "alreadyDecided":
      return mrkdwn`${formatDealRef(r.ref)} was already decided (${r.status.toLowerCase()}${r.decidedBy && r.decidedBy !== "auto" ? mrkdwn` by ${mention(r.decidedBy)}` : ""}). Nothing changed.`;
    case "invalid":
      return mrkdwn`${r.message}`;
    case "denied":
      return typeof r.message === "string" ? mrkdwn`${r.message}` : r.message;
  }
}

export function registerReviewListeners(app: App, deps: AppDeps, ctx: ListenerContext): void {
  const decideNow = (decision: ReviewDecision) =>
    actionListener(ctx, async ({ body, action, client, respond }: ActionArgs) => {
      const actor = await resolveActor(deps, client, clickOf(body).who);
      const r = await decideRegistration(reviewDeps(deps), actor, { dealId: actionValue(action), decision });
      if (r.kind === "decided") deps.outbox?.kick();
      await reply(respond, { response_type: "ephemeral", replace_original: false, text: decisionReply(r) });
    });
  app.action(ACTION.regApprove, decideNow({ kind: "approve" }));
  app.action(ACTION.regApproveBoth, decideNow({ kind: "approveBoth" }));
  app.action(ACTION.regKeepFirst, decideNow({ kind: "keepFirst" }));

  // Reject / Return / Move protection / Decline extension: a modal for the reason, admins only.
  const openNote = (noteAction: NoteAction) =>
    actionListener(ctx, async ({ body, action, client }: ActionArgs) => {
      const b = clickOf(body);
      const actor = await resolveActor(deps, client, b.who);
      const allowed = decideAdminAction(actor, "registration.review", deps.config.admins);
      if (!allowed.allowed) throw new AccessDenied(allowed.message);
      const v = await loadReviewView(dbOf(deps), actionValue(action), deps.clock.now());
      if (!v) throw new NotFound("That registration no longer exists.");
      if (noteAction !== "declineExtension" && v.status !== "SUBMITTED") throw new UserError(`${formatDealRef(v.ref)} was already decided: ${v.statusLine}.`);
      await slackOut(client).openView({ trigger_id: b.triggerId, view: buildNoteModal(noteAction, v) });
    });
  app.action(ACTION.regReject, openNote("reject"));
  app.action(ACTION.regReturn, openNote("return"));
  app.action(ACTION.regMoveProtection, openNote("moveProtection"));
  app.action(ACTION.regDeclineExtension, openNote("declineExtension"));

  app.view(
    CALLBACK.registrationNote,
    viewListener(ctx, async ({ ack, body, view, client }) => {
      const meta = parseMetadata(noteMetaSchema, view.private_metadata);
      const user = body.user as { id: string; team_id?: string };
      const actor = await resolveActor(deps, client, { userId: user.id, teamId: user.team_id });
      const state = StateReader.parse(view.state.values);
      const required = meta.action !== "reject";
      const note = checkNote(state.text(B.note), { required, what: meta.action === "declineExtension" ? "The reason" : "The note" });
      if (!note.ok) throw new FieldErrors({ [B.note]: note.message });
      if (meta.action === "declineExtension") {
        const r = await decideExtension(reviewDeps(deps), actor, { dealId: meta.dealId, grant: false, reason: note.note ?? "" });
        if (r.kind === "denied") throw new AccessDenied(r.message, B.note);
        if (r.kind === "nothingPending") throw new UserError(`${formatDealRef(r.ref)} has no extension request waiting (another admin answered it).`, B.note);
        await ack();
        deps.outbox?.kick();
        return;
      }
      let decision: ReviewDecision;
      if (meta.action === "reject") {
        const reason = state.select(B.reason);
        if (!isRejectReason(reason)) throw new FieldErrors({ [B.reason]: "Pick the reason: the registrant sees it." });
        decision = { kind: "reject", reason, note: note.note };
      } else if (meta.action === "return") decision = { kind: "return", note: note.note ?? "" };
      else decision = { kind: "moveProtection", note: note.note ?? "" };
      const r = await decideRegistration(reviewDeps(deps), actor, { dealId: meta.dealId, decision });
      if (r.kind !== "decided") throw new UserError(decisionReply(r), B.note);
      await ack();
      deps.outbox?.kick();
    }),
  );

  // The registrant's "Edit and resubmit" on a returned registration.
  app.action(
    ACTION.regResubmit,
    actionListener(ctx, async ({ body, action, client }: ActionArgs) => {
      const b = clickOf(body);
      const actor = await resolveActor(deps, client, b.who);
      const v = await loadReviewView(dbOf(deps), actionValue(action), deps.clock.now());
      if (!v || (v.registeredBy !== actor.userId && !decideAdminAction(actor, "registration.review", deps.config.admins).allowed))
        throw new AccessDenied("Only the person who registered this deal can edit and resubmit it.");
      if (v.status !== "RETURNED") throw new UserError(`${formatDealRef(v.ref)} is not waiting for your edit: ${v.statusLine}.`);
      await slackOut(client).openView({ trigger_id: b.triggerId, view: buildResubmitModal(v) });
    }),
  );
  app.view(
    CALLBACK.resubmitRegistration,
    viewListener(ctx, async ({ ack, body, view, client }) => {
      const meta = parseMetadata(resubmitMetaSchema, view.private_metadata);
      const user = body.user as { id: string; team_id?: string };
      const actor = await resolveActor(deps, client, { userId: user.id, teamId: user.team_id });
      const state = StateReader.parse(view.state.values);
      const r = await resubmitRegistration(reviewDeps(deps), actor, {
        dealId: meta.dealId,
        draft: { title: state.text(B.title), amount: state.text(B.amount), expectedCloseDate: state.date(B.closeDate), answer: state.text(B.answer) },
      });
      if (r.kind === "denied") throw new AccessDenied(r.message, B.answer);
      if (r.kind === "notReturned") throw new UserError(`${formatDealRef(r.ref)} is no longer waiting for an edit (${r.status.toLowerCase()}).`, B.answer);
      if (r.kind === "fieldErrors") {
        const blocks: Record<ResubmitField, string> = { title: B.title, amount: B.amount, expectedCloseDate: B.closeDate, answer: B.answer };
        throw new FieldErrors(Object.fromEntries(Object.entries(r.errors).map(([f, m]) => [blocks[f as ResubmitField], m])));
      }
      await ack();
      deps.outbox?.kick();
      await slackOut(client)
        .postMessage({ channel: actor.userId, text: mrkdwn`📨 ${formatDealRef(r.ref)} is resubmitted: the admins review it again.` })
        .catch((e) => deps.logger.warn("resubmit confirmation failed", e));
    }),
  );

  app.action(
    ACTION.regRequestExtension,
    actionListener(ctx, async ({ body, action, client, respond }: ActionArgs) => {
      const actor = await resolveActor(deps, client, clickOf(body).who);
      const r = await requestExtension(reviewDeps(deps), actor, { dealId: actionValue(action) });
      if (r.kind === "denied") throw new AccessDenied(r.message);
      if (r.kind === "refused") throw new UserError(r.message);
      if (r.kind === "requested") deps.outbox?.kick();
      const text =
        r.kind === "requested"
          ? mrkdwn`📨 Extension of ${formatDealRef(r.ref)} requested: the program admins decide, and you are told here.`
          : mrkdwn`An extension of ${formatDealRef(r.ref)} is already requested; the admins decide.`;
      await reply(respond, { response_type: "ephemeral", replace_original: false, text });
    }),
  );
  app.action(
    ACTION.regGrantExtension,
    actionListener(ctx, async ({ body, action, client, respond }: ActionArgs) => {
      const actor = await resolveActor(deps, client, clickOf(body).who);
      const r = await decideExtension(reviewDeps(deps), actor, { dealId: actionValue(action), grant: true });
      if (r.kind === "denied") throw new AccessDenied(r.message);
      if (r.kind === "granted") deps.outbox?.kick();
      const text =
        r.kind === "granted"
          ? mrkdwn`✅ ${formatDealRef(r.ref)} is protected until ${r.protectedUntil.toISOString().slice(0, 10)}.`
          : mrkdwn`${formatDealRef(r.ref)} has no extension request waiting (another admin answered it).`;
      await reply(respond, { response_type: "ephemeral", replace_original: false, text });
    }),
  );

  // "Register again" on a rejected or expired card: the registration form, prefilled.
  app.action(
    ACTION.regRegisterAgain,
    actionListener(ctx, async ({ body, action, client }: ActionArgs) => {
      const b = clickOf(body);
      const actor = await resolveActor(deps, client, b.who);
      const deal = await loadReviewView(dbOf(deps), actionValue(action), deps.clock.now());
      if (!deal) throw new NotFound("That deal no longer exists.");
      await openRegisterModal(deps, client, {
        actor,
        triggerId: b.triggerId,
        channelId: b.channelId,
        accountName: deal.accountName,
        accountDomain: deal.accountDomain,
        pairingId: deal.pairingId,
        channelPairingOnly: actor.kind === "partner",
      });
    }),
  );
}

/** `/cosell approvals`: admins' pending reviews, oldest first, with the same buttons as the DMs. */
export function approvalsSubcommand(deps: AppDeps): Subcommand {
  return {
    name: "approvals",
    help: [
      {
        usage: "/cosell approvals",
        example: "/cosell approvals",
        summary: "registrations waiting for review, oldest first, with Approve / Reject / Return",
        adminOnly: true,
      },
    ],
    async run({ args }) {
      const actor = await resolveActor(deps, args.client, { userId: args.command.user_id, teamId: args.command.team_id });
      const allowed = decideAdminAction(actor, "registration.review", deps.config.admins);
      if (!allowed.allowed) throw new AccessDenied(allowed.message);
      const now = deps.clock.now();
      const db = dbOf(deps);
      const { rows, total } = await listPendingReviews(db, { take: APPROVALS_LIMIT });
      const views = [];
      for (const r of rows) {
        const v = await loadReviewView(db, r.dealId, now);
        if (v) views.push(v);
      }
      await args.ack({ response_type: "ephemeral", ...renderApprovals(views, total, now) });
    },
  };
}
