import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { AppDeps } from "../../platform/deps";
import { decideAdminAction, decideDealAction } from "../../kernel/access";
import { assertAllowed, UserError } from "../../platform/errors";
import { pairingContext } from "./pairings";
import { renderMyAsks, renderPairingPanel, renderPipeline, type PipelineStage } from "./panel";
import type { Subcommand } from "../../platform/slack/commands";
import { openWithDealPicker } from "../touchpoints/listener";
import { ACTION } from "../../platform/slack/ids";
import { resolveActor, type Who } from "../../platform/slack/identity";
import { actionListener, type ListenerContext } from "../../platform/slack/listener";
import { reply, slackOut } from "../../platform/slack/send";
import { mrkdwn } from "../../platform/slack/mrkdwn";

/** The clicker and the pairing of the channel the panel is in; a partner of another pairing is refused. */
async function panelContext(deps: AppDeps, client: WebClient, who: Who, channelId: string | undefined) {
  const actor = await resolveActor(deps, client, who);
  const pairing = channelId ? await pairingContext(deps.db.prisma, { channelId }) : null;
  if (!pairing) throw new UserError("This panel's channel is no longer bound to a co-sell pairing.");
  assertAllowed(
    decideDealAction(
      actor,
      "deal.view",
      pairing.orgs.map((o) => o.id),
    ),
  );
  return { actor, pairing };
}

export function panelSubcommand(deps: AppDeps): Subcommand {
  return {
    name: "panel",
    help: [
      { usage: "/cosell panel", example: "/cosell panel", summary: "post (or refresh) and pin the pairing panel in this pairing channel", adminOnly: true },
    ],
    async run({ args }) {
      const actor = await resolveActor(deps, args.client, { userId: args.command.user_id, teamId: args.command.team_id });
      assertAllowed(decideAdminAction(actor, "panel.post", deps.config.admins));
      const prisma = deps.db.prisma;
      const pairing = await prisma.pairing.findUnique({
        where: { channelId: args.command.channel_id },
        include: { members: { include: { org: { select: { name: true } } } } },
      });
      if (!pairing) throw new UserError("Run `/cosell panel` in a pairing's channel (see `/cosell partners`).");
      await args.ack();
      const panel = renderPairingPanel({ pairingName: pairing.name, orgNames: pairing.members.map((m) => m.org.name).sort() });
      // Refresh the existing panel in place; post (and pin) a new one only when there is none.
      if (pairing.panelTs) {
        const updated = await slackOut(args.client)
          .update({ channel: pairing.channelId, ts: pairing.panelTs, text: panel.text, blocks: panel.blocks })
          .then(
            () => true,
            () => false,
          );
        if (updated) {
          await reply(args.respond, { response_type: "ephemeral", text: mrkdwn`Refreshed the pinned pairing panel.` });
          return;
        }
      }
      const res = await slackOut(args.client).postMessage({ channel: pairing.channelId, text: panel.text, blocks: panel.blocks });
      await prisma.pairing.update({ where: { id: pairing.id }, data: { panelTs: String(res.ts) } });
      await args.client.pins
        .add({ channel: pairing.channelId, timestamp: String(res.ts) })
        .catch((e) => deps.logger.warn("pinning the panel failed (is pins:write granted?)", e));
      await reply(args.respond, { response_type: "ephemeral", text: mrkdwn`Posted and pinned the pairing panel.` });
    },
  };
}

export function registerPanelListeners(app: App, deps: AppDeps, ctx: ListenerContext): void {
  type Body = { user: { id: string; team_id?: string }; trigger_id: string; channel?: { id: string } };

  app.action(
    ACTION.panelLogTouchpoint,
    actionListener(ctx, async ({ body, client }) => {
      const b = body as Body;
      await panelContext(deps, client, { userId: b.user.id, teamId: b.user.team_id }, b.channel?.id);
      await openWithDealPicker(deps, client, { userId: b.user.id, teamId: b.user.team_id }, { triggerId: b.trigger_id, channelId: b.channel?.id });
    }),
  );

  app.action(
    ACTION.myAsks,
    actionListener(ctx, async ({ body, client, respond }) => {
      const b = body as Body;
      const { actor, pairing } = await panelContext(deps, client, { userId: b.user.id, teamId: b.user.team_id }, b.channel?.id);
      const select = { id: true, text: true, ownerUserId: true, fromUserId: true, dueAt: true, deal: { select: { ref: true } } } as const;
      const where = { status: "OPEN" as const, deal: { pairingId: pairing.id } };
      const [owe, owed] = await Promise.all([
        deps.db.prisma.ask.findMany({ where: { ...where, ownerUserId: actor.userId }, select, orderBy: { dueAt: "asc" } }),
        deps.db.prisma.ask.findMany({ where: { ...where, fromUserId: actor.userId }, select, orderBy: { dueAt: "asc" } }),
      ]);
      const line = (a: (typeof owe)[number]) => ({ ...a, dealRef: a.deal.ref });
      await reply(respond, {
        response_type: "ephemeral",
        replace_original: false,
        ...renderMyAsks({ owe: owe.map(line), owed: owed.map(line), now: deps.clock.now() }),
      });
    }),
  );

  app.action(
    ACTION.pipeline,
    actionListener(ctx, async ({ body, client, respond }) => {
      const b = body as Body;
      const { pairing } = await panelContext(deps, client, { userId: b.user.id, teamId: b.user.team_id }, b.channel?.id);
      const groups = await deps.db.prisma.deal.groupBy({
        by: ["stage", "currency"],
        where: { pairingId: pairing.id },
        _count: { _all: true },
        _sum: { amountMinor: true },
      });
      const stages = new Map<string, PipelineStage>();
      for (const g of groups) {
        const s = stages.get(g.stage) ?? { stage: g.stage, count: 0, amounts: [] };
        s.count += g._count._all;
        s.amounts.push({ currency: g.currency, amountMinor: Number(g._sum.amountMinor ?? 0n) });
        stages.set(g.stage, s);
      }
      await reply(respond, {
        response_type: "ephemeral",
        replace_original: false,
        ...renderPipeline({ pairingName: pairing.name, stages: [...stages.values()] }),
      });
    }),
  );
}
