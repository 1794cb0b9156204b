import { clickOf, actionValue } from "../../platform/slack/payload";
import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import { dbOf, type AppDeps } from "../../platform/deps";
import type { Actor } from "../../kernel/access";
import { formatDealRef, parseDealRef } from "../../kernel/registration";
import { isStage, parseStage, stageLabel, STAGES, type Stage } from "../../kernel/stages";
import { UserError } from "../../platform/errors";
import { changeStage } from "./change-stage";
import { buildStageModal } from "./modal";
import type { Subcommand } from "../../platform/slack/commands";
import { ACTION, CALLBACK, STAGE_BLOCK as B } from "../../platform/slack/ids";
import type { Who } from "../../platform/slack/identity";
import { actionListener, viewListener, type ListenerContext } from "../../platform/slack/listener";
import { parseMetadata, StateReader } from "../../platform/slack/view-state";
import { authorizeDeal } from "../deals/guard";
import { reply, slackOut } from "../../platform/slack/send";
import { escapeMrkdwn, mrkdwn } from "../../platform/slack/mrkdwn";

const metadataSchema = z.object({ dealId: z.string().default("") });
const confirmValueSchema = z.object({ dealId: z.string(), to: z.enum(STAGES) });

const isAdmin = (actor: Actor) => actor.kind === "internal" && actor.isAdmin;

async function move(deps: AppDeps, client: WebClient, who: Who, deal: { id: string } | { ref: number }, to: Stage, confirmedGaps: boolean, blockId?: string) {
  const { actor, deal: view } = await authorizeDeal(deps, client, who, deal, "deal.changeStage", blockId);
  const result = await changeStage(dbOf(deps), { dealId: view.id, to, by: actor.userId, isAdmin: isAdmin(actor), confirmedGaps, now: deps.clock.now() });
  if (result.ok) deps.outbox?.kick();
  return { result, deal: view };
}

export function stageSubcommand(deps: AppDeps): Subcommand {
  return {
    name: "stage",
    aliases: ["move"],
    help: [
      {
        usage: "/cosell stage CS-12 <stage>",
        example: "/cosell stage CS-12 proposal",
        summary: "move a deal (discovery, technical validation, proposal, negotiation, won, lost)",
      },
    ],
    async run({ args, words }) {
      const ref = parseDealRef(words[0] ?? "");
      const stageText = words
        .slice(1)
        .filter((w) => w !== "--confirm")
        .join(" ");
      const to = parseStage(stageText);
      if (ref === null || !to) {
        throw new UserError(
          `Usage: \`/cosell stage CS-12 proposal\`. Stages: ${STAGES.map((s) => stageLabel(s).toLowerCase()).join(", ")}${stageText && !to ? ` ("${stageText}" is not one of them)` : ""}.`,
        );
      }
      await args.ack();
      const { result, deal } = await move(
        deps,
        args.client,
        { userId: args.command.user_id, teamId: args.command.team_id },
        { ref },
        to,
        words.includes("--confirm"),
      );
      if (result.ok) {
        await reply(args.respond, {
          response_type: "ephemeral",
          text: mrkdwn`Moved ${formatDealRef(result.ref)} from ${stageLabel(result.from)} to ${stageLabel(result.to)}.${result.attributionRecordId ? " Attribution was computed; the receipt goes to the deal's thread." : ""}`,
        });
        return;
      }
      await reply(args.respond, {
        response_type: "ephemeral",
        text: escapeMrkdwn(result.reason),
        ...(result.needsConfirmation
          ? {
              blocks: [
                { type: "section", text: { type: "mrkdwn", text: mrkdwn`⚠️ ${result.reason}` } },
                {
                  type: "actions",
                  elements: [
                    {
                      type: "button",
                      style: "danger",
                      text: { type: "plain_text", text: `Move to ${stageLabel(to)} anyway` },
                      action_id: ACTION.confirmStage,
                      value: JSON.stringify({ dealId: deal.id, to }),
                    },
                    { type: "button", text: { type: "plain_text", text: "Edit roles first" }, action_id: ACTION.editRoles, value: deal.id },
                  ],
                },
              ],
            }
          : {}),
      });
    },
  };
}

export function registerStageListeners(app: App, deps: AppDeps, ctx: ListenerContext): void {
  app.action(
    ACTION.changeStage,
    actionListener(ctx, async ({ body, action, client }) => {
      const b = clickOf(body);
      const { actor, deal } = await authorizeDeal(deps, client, b.who, { id: actionValue(action) }, "deal.changeStage");
      const modal = buildStageModal(deal, isAdmin(actor));
      if ((modal.blocks[1] as { element: { options: unknown[] } }).element.options.length === 0) {
        throw new UserError(`${formatDealRef(deal.ref)} is ${stageLabel(deal.stage)}; only a program admin can reopen it.`);
      }
      await slackOut(client).openView({ trigger_id: b.triggerId, view: modal });
    }),
  );

  app.action(
    ACTION.confirmStage,
    actionListener(ctx, async ({ body, action, client, respond }) => {
      const b = clickOf(body);
      const parsed = confirmValueSchema.safeParse(JSON.parse(actionValue(action) || "{}"));
      if (!parsed.success) throw new UserError("That button is out of date; run the command again.");
      const { result } = await move(deps, client, b.who, { id: parsed.data.dealId }, parsed.data.to, true);
      await reply(respond, {
        response_type: "ephemeral",
        replace_original: true,
        text: result.ok ? mrkdwn`Moved ${formatDealRef(result.ref)} to ${stageLabel(result.to)}; the override is recorded.` : escapeMrkdwn(result.reason),
      });
    }),
  );

  app.view(
    CALLBACK.changeStage,
    viewListener(ctx, async ({ ack, body, view, client }) => {
      const meta = parseMetadata(metadataSchema, view.private_metadata);
      const state = StateReader.parse(view.state.values);
      const to = state.select(B.stage);
      if (!to || !isStage(to)) throw new UserError("Pick the stage to move to.", B.stage);
      const user = body.user as { id: string; team_id?: string };
      const { result } = await move(deps, client, { userId: user.id, teamId: user.team_id }, { id: meta.dealId }, to, state.checked(B.confirmGaps), B.stage);
      if (!result.ok)
        throw new UserError(result.reason, result.needsConfirmation && view.blocks.some((blk) => blk.block_id === B.confirmGaps) ? B.confirmGaps : B.stage);
      await ack();
    }),
  );
}
