import type { App } from "@slack/bolt";
import { z } from "zod";
import { formatMoney } from "../../kernel/money";
import { dbOf, type AppDeps } from "../../platform/deps";
import { AccessDenied, FieldErrors, UserError } from "../../platform/errors";
import type { Subcommand } from "../../platform/slack/commands";
import { resolveActor } from "../../platform/slack/identity";
import { ACTION, CALLBACK, PAYOUT_BLOCK } from "../../platform/slack/ids";
import { actionListener, viewListener, type ListenerContext } from "../../platform/slack/listener";
import { clickOf } from "../../platform/slack/payload";
import { reply, slackOut } from "../../platform/slack/send";
import { toSlack } from "../../platform/slack/mrkdwn";
import { parseMetadata, StateReader } from "../../platform/slack/view-state";
import { decideAdminAction, type Actor } from "../../kernel/access";
import { approvedLines, approvePayouts, listPayouts, markPayoutsPaid, payoutScope } from "./payouts";
import { readPeriod } from "../attribution/export";
import { decideTierProposal } from "./tiers";
import { loadQuarterClose } from "./quarter-close-job";
import { buildMarkPaidModal, buildMarkPaidResult, renderPayouts, renderQuarterClose, renderTierDecision } from "./render";
import { readPayoutTarget, totalsByStatus } from "./rules";

// Slack adapters of incentives: `/cosell payouts <period>` (everyone sees the lines they may
// see; admins get Approve all, Approve and Mark paid…), the mark-paid modal, and the admins'
// Confirm / Keep on the quarter close DM. Each parses, calls one use case, renders.

const USAGE = "/cosell payouts <2026-Q4|2026-11|this-quarter|last-quarter>";
const markPaidMetaSchema = z.object({ target: z.string().default(""), asOf: z.coerce.date().default(new Date(0)) });

const isAdmin = (deps: AppDeps, actor: Actor) => decideAdminAction(actor, "payouts.approve", deps.config.admins).allowed;

export function payoutsSubcommand(deps: AppDeps): Subcommand {
  return {
    name: "payouts",
    help: [
      {
        usage: USAGE,
        example: "/cosell payouts 2026-Q4",
        summary:
          "payout lines earned in the period (commissions, uplifts, bonuses) by status; admins approve them (all or one) and mark them paid; a partner sees only its own",
      },
    ],
    async run({ args, words }) {
      const actor = await resolveActor(deps, args.client, { userId: args.command.user_id, teamId: args.command.team_id });
      const scope = payoutScope(actor);
      const db = dbOf(deps);
      const period = await readPeriod(db, words.join(" ") || "this-quarter", deps.clock.now(), deps.config.timezone);
      const view = await listPayouts(db, { period, scope });
      await args.ack({ response_type: "ephemeral", ...renderPayouts(view, { admin: isAdmin(deps, actor) }) });
    },
  };
}

export function registerIncentiveListeners(app: App, deps: AppDeps, ctx: ListenerContext): void {
  const db = dbOf(deps);

  const rerender = async (actor: Actor, periodLabel: string) => {
    const period = await readPeriod(db, periodLabel, deps.clock.now(), deps.config.timezone);
    return renderPayouts(await listPayouts(db, { period, scope: payoutScope(actor) }), { admin: isAdmin(deps, actor) });
  };

  app.action(
    ACTION.payoutsApproveAll,
    actionListener(ctx, async ({ body, client, respond }) => {
      const b = clickOf(body);
      const actor = await resolveActor(deps, client, b.who);
      const period = await readPeriod(db, b.value, deps.clock.now(), deps.config.timezone);
      await approvePayouts(db, actor, deps.config.admins, { period, now: deps.clock.now() });
      await reply(respond, { replace_original: true, ...(await rerender(actor, period.label)) });
    }),
  );

  app.action(
    ACTION.payoutApprove,
    actionListener(ctx, async ({ body, client, respond }) => {
      const b = clickOf(body);
      const actor = await resolveActor(deps, client, b.who);
      const t = readPayoutTarget(b.value);
      if (!t.lineId) throw new UserError("That button lost its payout line; run `/cosell payouts` again.");
      await approvePayouts(db, actor, deps.config.admins, { lineIds: [t.lineId], now: deps.clock.now() });
      await reply(respond, { replace_original: true, ...(await rerender(actor, t.period)) });
    }),
  );

  app.action(
    ACTION.payoutsMarkPaid,
    actionListener(ctx, async ({ body, client }) => {
      const b = clickOf(body);
      const actor = await resolveActor(deps, client, b.who);
      const allowed = decideAdminAction(actor, "payouts.approve", deps.config.admins);
      if (!allowed.allowed) throw new AccessDenied(allowed.message);
      const t = readPayoutTarget(b.value);
      const period = await readPeriod(db, t.period, deps.clock.now(), deps.config.timezone);
      const lines = await approvedLines(db, { period, lineId: t.lineId });
      if (lines.length === 0) throw new UserError(`No approved lines to mark paid in ${period.label}: approve them first.`);
      const totals =
        totalsByStatus(lines)[0]
          ?.amounts.map((x) => formatMoney(x.amountMinor, x.currency))
          .join(" + ") ?? "";
      await slackOut(client).openView({
        trigger_id: b.triggerId,
        view: buildMarkPaidModal({ target: b.value, asOf: deps.clock.now(), count: lines.length, totals, period: period.label }),
      });
    }),
  );

  app.view(
    CALLBACK.payoutMarkPaid,
    viewListener(ctx, async ({ ack, body, view, client }) => {
      const meta = parseMetadata(markPaidMetaSchema, view.private_metadata);
      const user = body.user as { id: string; team_id?: string };
      const actor = await resolveActor(deps, client, { userId: user.id, teamId: user.team_id });
      const reference = (StateReader.parse(view.state.values).text(PAYOUT_BLOCK.reference) ?? "").trim();
      if (reference === "") throw new FieldErrors({ [PAYOUT_BLOCK.reference]: "Give the payment reference finance used, so the line can be traced." });
      const t = readPayoutTarget(meta.target);
      const period = await readPeriod(db, t.period, deps.clock.now(), deps.config.timezone);
      // Exactly the lines the modal showed: approved by the time it opened (not any approved since).
      const approved = await approvedLines(db, { period, lineId: t.lineId, approvedBy: meta.asOf });
      if (approved.length === 0)
        throw new FieldErrors({ [PAYOUT_BLOCK.reference]: "Those lines are no longer approved and unpaid (someone else marked them)." });
      const r = await markPayoutsPaid(db, actor, deps.config.admins, { entries: approved.map((l) => ({ lineId: l.id, reference })), now: deps.clock.now() });
      if (r.problems.length > 0) throw new FieldErrors({ [PAYOUT_BLOCK.reference]: r.problems.map((p) => p.message).join("; ") });
      await ack(toSlack({ response_action: "update" as const, view: buildMarkPaidResult(r.paid, r.unchanged, reference) }));
    }),
  );

  const decide = (confirm: boolean) =>
    actionListener(ctx, async ({ body, client, respond }) => {
      const b = clickOf(body);
      const actor = await resolveActor(deps, client, b.who);
      const d = await decideTierProposal(db, actor, deps.config.admins, { proposalId: b.value, confirm, now: deps.clock.now() });
      const quarter = d.kind === "decided" ? d.quarter : null;
      const close = quarter ? await loadQuarterClose(db, quarter) : null;
      if (close) await reply(respond, { replace_original: true, ...renderQuarterClose(close) });
      await reply(respond, { response_type: "ephemeral", replace_original: false, text: renderTierDecision(d, actor.userId) });
    });
  app.action(ACTION.tierConfirm, decide(true));
  app.action(ACTION.tierKeep, decide(false));
}
