import { actionValue, clickOf, type Click } from "../../platform/slack/payload";
import type { App, RespondFn } from "@slack/bolt";
import { ErrorCode, type WebClient } from "@slack/web-api";
import { z } from "zod";
import { dbOf, type AppDeps } from "../../platform/deps";
import { decideDealAction, type Actor } from "../../kernel/access";
import { formatDealRef, parseDealRef } from "../../kernel/registration";
import { isClosed } from "../../kernel/stages";
import { checkText } from "../../kernel/text-input";
import { AccessDenied, assertAllowed, FieldErrors, UserError } from "../../platform/errors";
import { closeAsk, createAsk, findAsk, type CreateAskResult } from "./asks";
import type { DealView } from "../deals/deal-view";
import { ASK_TEXT_MAX, buildAskModal } from "./render";
import type { Subcommand } from "../../platform/slack/commands";
import { ACTION, ASK_BLOCK as B, CALLBACK } from "../../platform/slack/ids";
import { isKnownBot, resolveActor, type Who } from "../../platform/slack/identity";
import { actionListener, viewListener, type ListenerContext } from "../../platform/slack/listener";
import { truncate } from "../../platform/slack/command-text";
import { parseMetadata, StateReader } from "../../platform/slack/view-state";
import { authorizeDeal } from "../deals/guard";
import { parseUserMention } from "../../platform/slack/command-text";
import { reply, slackOut } from "../../platform/slack/send";
import { mention, mrkdwn, slackDate, type SlackText } from "../../platform/slack/mrkdwn";

// `/cosell ask CS-12 @person "need an SE for Thursday's demo"`, the card's Ask button (a modal,
// so partner people in Slack Connect can ask too) and the Done button on the owner's DM and on
// overdue alerts. Listeners stay thin: parse → authorize → use case (asks.ts).

const USAGE = `/cosell ask CS-12 @person "what you need"`;
const metadataSchema = z.object({ dealId: z.string().default(""), channelId: z.string().optional() });

export interface AskCommand {
  ref: number;
  ownerUserId: string | undefined;
  text: string;
}

/** Reads `CS-12 <@U123|name> "text"` (quotes optional; `<@U123>` also works). Only the ref is required. */
export function parseAskCommand(rest: string): AskCommand {
  const m = /^\s*(\S+)(?:\s+(<@[^>]*>|\S+))?\s*([\s\S]*)$/.exec(rest);
  const ref = parseDealRef(m?.[1] ?? "");
  if (ref === null) throw new UserError(`Which deal? Usage: \`${USAGE}\`.`);
  const second = m?.[2] ?? "";
  if (second === "") return { ref, ownerUserId: undefined, text: "" };
  const ownerUserId = parseUserMention(second);
  if (!ownerUserId) {
    if (second.startsWith("@"))
      throw new UserError(`"${second}" is plain text: pick the person from Slack's @ suggestions so it arrives as a mention. Usage: \`${USAGE}\`.`);
    throw new UserError(`Whom are you asking? Name the person right after the deal. Usage: \`${USAGE}\`.`);
  }
  const text = unquote((m?.[3] ?? "").trim());
  const chars = checkText(text, { field: "The ask", multiline: true });
  if (!chars.ok) throw new UserError(chars.message);
  if (text.length > ASK_TEXT_MAX) throw new UserError(`Keep the ask to ${ASK_TEXT_MAX} characters (it has ${text.length}).`);
  return { ref, ownerUserId, text };
}

function unquote(s: string): string {
  const pairs: [string, string][] = [
    ['"', '"'],
    ["“", "”"],
    ["'", "'"],
  ];
  for (const [open, close] of pairs) if (s.length >= 2 && s.startsWith(open) && s.endsWith(close)) return s.slice(1, -1).trim();
  return s;
}

/**
 * The owner must be someone who can see the deal: one of ours, or a person of a partner in its
 * pairing. Returns their partner organization (null for ours), whose committed SLA applies.
 */
async function resolveOwner(deps: AppDeps, client: WebClient, ownerUserId: string, deal: DealView, blockId?: string): Promise<{ ownerOrgId: string | null }> {
  let owner: Actor;
  try {
    owner = await resolveActor(deps, client, { userId: ownerUserId });
  } catch (err) {
    if ((err as { code?: string }).code === ErrorCode.PlatformError)
      throw new UserError(mrkdwn`I couldn't look up ${mention(ownerUserId)} in Slack. Pick the person from the @ suggestions.`, blockId);
    throw err;
  }
  if (await isKnownBot(deps, ownerUserId)) throw new UserError(mrkdwn`${mention(ownerUserId)} is a bot; ask a person.`, blockId);
  if (owner.kind === "stranger")
    throw new UserError(mrkdwn`${mention(ownerUserId)} isn't with an organization in this co-sell program, so they can't be asked here.`, blockId);
  if (!decideDealAction(owner, "deal.view", deal.pairing.orgIds).allowed) {
    throw new UserError(
      mrkdwn`${mention(ownerUserId)} can't see ${formatDealRef(deal.ref)}: their organization isn't in its pairing. Ask someone on the deal.`,
      blockId,
    );
  }
  return { ownerOrgId: owner.kind === "partner" ? owner.orgId : null };
}

function assertOpen(deal: DealView, blockId?: string): void {
  if (isClosed(deal.stage)) throw new UserError(`${formatDealRef(deal.ref)} is closed; asks are for open deals.`, blockId);
}

function confirmation(r: CreateAskResult, ownerUserId: string, text: string): SlackText {
  return mrkdwn`✅ Asked ${mention(ownerUserId)} on ${formatDealRef(r.ref)}: “${truncate(text, 300)}” — due ${slackDate(r.dueAt)} (${r.slaHours} h response SLA). They got a DM with a Done button.`;
}

async function openAskModal(
  deps: AppDeps,
  client: WebClient,
  who: Who,
  deal: { id: string } | { ref: number },
  triggerId: string,
  opts: { channelId?: string | undefined; ownerUserId?: string | undefined },
) {
  const { deal: view } = await authorizeDeal(deps, client, who, deal, "deal.ask");
  assertOpen(view);
  await slackOut(client).openView({ trigger_id: triggerId, view: buildAskModal(view, opts) });
}

export function askSubcommand(deps: AppDeps): Subcommand {
  return {
    name: "ask",
    opensModal: true,
    help: [
      {
        usage: USAGE,
        example: `/cosell ask CS-12 @dana "need an SE for Thursday's demo"`,
        summary: "ask someone on a deal for something; due after their organization's response SLA (with just the deal: opens a form)",
      },
    ],
    async run({ args, rest }) {
      const parsed = parseAskCommand(rest);
      const who = { userId: args.command.user_id, teamId: args.command.team_id };
      if (!parsed.ownerUserId || parsed.text === "") {
        await args.ack();
        await openAskModal(deps, args.client, who, { ref: parsed.ref }, args.command.trigger_id, {
          channelId: args.command.channel_id,
          ownerUserId: parsed.ownerUserId,
        });
        return;
      }
      await args.ack();
      const { actor, deal } = await authorizeDeal(deps, args.client, who, { ref: parsed.ref }, "deal.ask");
      assertOpen(deal);
      const { ownerOrgId } = await resolveOwner(deps, args.client, parsed.ownerUserId, deal);
      const result = await createAsk(dbOf(deps), {
        dealId: deal.id,
        fromUserId: actor.userId,
        ownerUserId: parsed.ownerUserId,
        ownerOrgId,
        text: parsed.text,
        key: `cmd:${args.command.trigger_id}`,
        now: deps.clock.now(),
      });
      if (result.created) deps.outbox?.kick();
      await reply(args.respond, { response_type: "ephemeral", text: confirmation(result, parsed.ownerUserId, parsed.text) });
    },
  };
}

/** Tells the person who clicked, privately (ephemeral where they clicked, else a DM). */
async function tellClicker(deps: AppDeps, client: WebClient, click: Click, respond: RespondFn | undefined, text: SlackText): Promise<void> {
  try {
    if (click.responseUrl && respond) {
      await reply(respond, { response_type: "ephemeral", replace_original: false, text });
      return;
    }
    const channel = click.channelId;
    if (channel && !channel.startsWith("D")) await slackOut(client).postEphemeral({ channel, user: click.who.userId, text });
    else await slackOut(client).postMessage({ channel: click.who.userId, text });
  } catch (e) {
    deps.logger.warn("could not confirm to the person who clicked", e);
  }
}

export function registerAskListeners(app: App, deps: AppDeps, ctx: ListenerContext): void {
  // The deal card's Ask button.
  app.action(
    ACTION.ask,
    actionListener(ctx, async ({ body, action, client }) => {
      const b = clickOf(body);
      await openAskModal(deps, client, b.who, { id: actionValue(action) }, b.triggerId, {
        channelId: b.channelId,
      });
    }),
  );

  app.view(
    CALLBACK.createAsk,
    viewListener(ctx, async ({ ack, body, view, client }) => {
      const meta = parseMetadata(metadataSchema, view.private_metadata);
      const user = body.user as { id: string; team_id?: string };
      // The deal id came back through the client: re-authorize it.
      const { actor, deal } = await authorizeDeal(deps, client, { userId: user.id, teamId: user.team_id }, { id: meta.dealId }, "deal.ask", B.owner);
      assertOpen(deal, B.owner);
      const state = StateReader.parse(view.state.values);
      const ownerUserId = state.user(B.owner);
      const raw = state.text(B.text);
      const text = raw.trim();
      const chars = checkText(raw, { field: "The ask", multiline: true });
      const errors: Record<string, string> = {};
      if (!ownerUserId) errors[B.owner] = "Pick the person who should do it.";
      if (!chars.ok) errors[B.text] = chars.message;
      else if (text === "") errors[B.text] = "Say what you need.";
      else if (text.length > ASK_TEXT_MAX) errors[B.text] = `Keep it to ${ASK_TEXT_MAX} characters (it has ${text.length}).`;
      if (Object.keys(errors).length > 0) throw new FieldErrors(errors);
      const { ownerOrgId } = await resolveOwner(deps, client, ownerUserId!, deal, B.owner);
      const result = await createAsk(dbOf(deps), {
        dealId: deal.id,
        fromUserId: actor.userId,
        ownerUserId: ownerUserId!,
        ownerOrgId,
        text,
        key: `view:${view.id}`,
        now: deps.clock.now(),
      });
      await ack();
      if (!result.created) return; // a retry or double click: the first submission already answered
      deps.outbox?.kick();
      const confirm = confirmation(result, ownerUserId!, text);
      const channel = meta.channelId && /^[CG]/.test(meta.channelId) ? meta.channelId : undefined;
      await (channel
        ? slackOut(client).postEphemeral({ channel, user: actor.userId, text: confirm })
        : slackOut(client).postMessage({ channel: actor.userId, text: confirm })
      ).catch((e) => deps.logger.warn("ask confirmation failed", e));
    }),
  );

  // Done: on the owner's DM and on overdue alerts. The owner, the asker or one of our own people may close it.
  app.action(
    ACTION.askDone,
    actionListener(ctx, async ({ body, action, client, respond }) => {
      const b = clickOf(body);
      const who = b.who;
      const clicker = await resolveActor(deps, client, who);
      // Strangers learn nothing, not even whether the ask exists.
      if (clicker.kind === "stranger") assertAllowed(decideDealAction(clicker, "deal.ask", []));
      const ask = await findAsk(dbOf(deps), actionValue(action));
      if (!ask) throw new UserError("That ask no longer exists.");
      const { actor, deal } = await authorizeDeal(deps, client, who, { id: ask.dealId }, "deal.ask");
      if (actor.kind !== "internal" && actor.userId !== ask.ownerUserId && actor.userId !== ask.fromUserId) {
        const ours = deal.participants.find((p) => p.internal)?.orgName;
        throw new AccessDenied(
          mrkdwn`Only ${mention(ask.ownerUserId)} (who owes it), ${mention(ask.fromUserId)} (who asked) or someone from ${ours ?? "the program's own team"} can close this ask.`,
        );
      }
      const ref = formatDealRef(deal.ref);
      if (ask.status !== "OPEN") {
        await tellClicker(deps, client, b, respond, alreadyClosed(ask, ref));
        return;
      }
      const result = await closeAsk(dbOf(deps), { askId: ask.id, by: actor.userId, now: deps.clock.now() });
      if (!result.closed) {
        await tellClicker(deps, client, b, respond, alreadyClosed(result.ask, ref));
        return;
      }
      deps.outbox?.kick();
      await tellClicker(
        deps,
        client,
        b,
        respond,
        mrkdwn`✅ Done: “${truncate(ask.text, 300)}” on ${ref}. The deal card is updated${actor.userId !== ask.fromUserId ? mrkdwn` and ${mention(ask.fromUserId)} is told` : ""}.`,
      );
    }),
  );
}

function alreadyClosed(ask: { status: string; doneBy: string | null; doneAt: Date | null }, ref: string): SlackText {
  if (ask.status === "CANCELLED") return mrkdwn`That ask on ${ref} was cancelled — nothing to do.`;
  const by = ask.doneBy ? mrkdwn` by ${mention(ask.doneBy)}` : "";
  const when = ask.doneAt ? mrkdwn` ${slackDate(ask.doneAt)}` : "";
  return mrkdwn`👍 That ask on ${ref} is already done${by}${when} — nothing more to do.`;
}
