import { clickOf } from "../../platform/slack/payload";
import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { dbOf, type AppDeps } from "../../platform/deps";
import { decideAdminAction, decideDealAction } from "../../kernel/access";
import { assertAllowed, UserError } from "../../platform/errors";
import { pairingContext } from "./pairings";
import { renderMyAsks, renderPairingPanel, renderPipeline } from "./panel";
import { pairingAsksOf, pairingPipeline } from "./panel-queries";
import type { Subcommand } from "../../platform/slack/commands";
import { openWithDealPicker } from "../touchpoints/api";
import { ACTION } from "../../platform/slack/ids";
import { resolveActor, type Who } from "../../platform/slack/identity";
import { actionListener, type ListenerContext } from "../../platform/slack/listener";
import { reply, slackOut } from "../../platform/slack/send";
import { mrkdwn } from "../../platform/slack/mrkdwn";
import { pairingRepo } from "../../platform/repos/pairing-repo";

/** The clicker and the pairing of the channel the panel is in; a partner of another pairing is refused. */
async function panelContext(deps: AppDeps, client: WebClient, who: Who, channelId: string | undefined) {
  const actor = await resolveActor(deps, client, who);
  const pairing = channelId ? await pairingContext(dbOf(deps), { channelId }) : null;
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
      const pairings = pairingRepo(dbOf(deps));
      const pairing = await pairings.forChannel(args.command.channel_id);
      if (!pairing) throw new UserError("Run `/cosell panel` in a pairing's channel (see `/cosell partners`).");
      await args.ack();
      const panel = renderPairingPanel({ pairingName: pairing.name, orgNames: pairing.orgs.map((o) => o.name).sort() });
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
      await pairings.setPanelTs(pairing.id, String(res.ts));
      await args.client.pins
        .add({ channel: pairing.channelId, timestamp: String(res.ts) })
        .catch((e) => deps.logger.warn("pinning the panel failed (is pins:write granted?)", e));
      await reply(args.respond, { response_type: "ephemeral", text: mrkdwn`Posted and pinned the pairing panel.` });
    },
  };
}

export function registerPanelListeners(app: App, deps: AppDeps, ctx: ListenerContext): void {
  app.action(
    ACTION.panelLogTouchpoint,
    actionListener(ctx, async ({ body, client }) => {
      const b = clickOf(body);
      await panelContext(deps, client, b.who, b.channelId);
      await openWithDealPicker(deps, client, b.who, { triggerId: b.triggerId, channelId: b.channelId });
    }),
  );

  app.action(
    ACTION.myAsks,
    actionListener(ctx, async ({ body, client, respond }) => {
      const b = clickOf(body);
      const { actor, pairing } = await panelContext(deps, client, b.who, b.channelId);
      const { owe, owed } = await pairingAsksOf(dbOf(deps), { pairingId: pairing.id, userId: actor.userId });
      await reply(respond, { response_type: "ephemeral", replace_original: false, ...renderMyAsks({ owe, owed, now: deps.clock.now() }) });
    }),
  );

  app.action(
    ACTION.pipeline,
    actionListener(ctx, async ({ body, client, respond }) => {
      const b = clickOf(body);
      const { pairing } = await panelContext(deps, client, b.who, b.channelId);
      const stages = await pairingPipeline(dbOf(deps), pairing.id);
      await reply(respond, { response_type: "ephemeral", replace_original: false, ...renderPipeline({ pairingName: pairing.name, stages }) });
    }),
  );
}
