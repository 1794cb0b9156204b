import { clickOf, actionValue } from "../../platform/slack/payload";
import { createHash } from "node:crypto";
import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import { dbOf, type AppDeps } from "../../platform/deps";
import { decideDealAction, type Actor } from "../../kernel/access";
import { TOUCHPOINT_TYPES, type TouchpointType } from "../attribution/engine";
import { formatDealRef } from "../../kernel/registration";
import { isClosed } from "../../kernel/stages";
import { checkNote, checkPickedTime, LOG_USAGE, parseLogCommand, parseWhen, touchpointPhrase, TOUCHPOINT_NOTE_MAX } from "./rules";
import { assertAllowed, FieldErrors, UserError } from "../../platform/errors";
import type { DealView } from "../deals/deal-view";
import { loggableDeals, logTouchpoint } from "./log-touchpoint";
import { buildTouchpointModal, MAX_DEAL_OPTIONS, type TouchpointDealChoice } from "./modal";
import type { Subcommand } from "../../platform/slack/commands";
import { ACTION, CALLBACK, TOUCHPOINT_BLOCK as B } from "../../platform/slack/ids";
import { resolveActor, type Who } from "../../platform/slack/identity";
import { actionListener, shortcutListener, viewListener, type ListenerContext } from "../../platform/slack/listener";
import { truncate, unescapeSlack } from "../../platform/slack/command-text";
import { parseMetadata, StateReader } from "../../platform/slack/view-state";
import { authorizeDeal } from "../deals/guard";
import { reply, slackOut } from "../../platform/slack/send";
import { mrkdwn, type SlackText } from "../../platform/slack/mrkdwn";
import { orgRepo } from "../../platform/repos/org-repo";
import { programRepo } from "../../platform/repos/program-repo";

// Logging touchpoints: `/cosell log …` (our people), the deal card's "Log touchpoint" button
// (everyone, including partner people in Slack Connect, who cannot run our slash commands)
// and the "Log as co-sell touchpoint" message shortcut. Each touchpoint counts for the
// organization of the person logging it.

const metadataSchema = z.object({
  dealId: z.string().optional(),
  link: z.string().optional(),
  channelId: z.string().optional(),
});

const NO_ORG_MESSAGE =
  'Our own organization isn\'t set up yet, so a touchpoint would count for nobody. A program admin runs `/cosell org "Our Company"` first.';

/** The organization the person's touchpoints count for. */
function loggingOrgId(actor: Actor, blockId?: string): string {
  if (actor.kind === "stranger") {
    assertAllowed(decideDealAction(actor, "deal.logTouchpoint", []), blockId);
    throw new UserError("You don't have access to that.", blockId); // not reached: strangers are always denied
  }
  if (!actor.orgId) throw new UserError(NO_ORG_MESSAGE, blockId);
  return actor.orgId;
}

/**
 * Who logs, on which deal, for which organization. The deal reference came from the client
 * (command text, button value, private_metadata): it is re-authorized every time.
 *
 * Which organizations may log on a deal: any member of the deal's pairing, not only those
 * already holding a role. A partner's engineer who joins a call before anyone gave their
 * company a role is exactly the evidence the program wants; refusing it would push it back
 * into side channels. Attribution reads the roles separately, so such a touchpoint credits
 * nobody until the organization is on the deal. An organization outside the pairing (our
 * own, on a deal between two partners) is refused: it has no standing on that deal.
 */
async function authorizeLogging(
  deps: AppDeps,
  client: WebClient,
  who: Who,
  deal: { id: string } | { ref: number },
  blockId?: string,
): Promise<{ actor: Actor; deal: DealView; org: { id: string; name: string } }> {
  const { actor, deal: view } = await authorizeDeal(deps, client, who, deal, "deal.logTouchpoint", blockId);
  const orgId = loggingOrgId(actor, blockId);
  const found = await orgRepo(dbOf(deps)).byId(orgId);
  if (!found) throw new UserError(NO_ORG_MESSAGE, blockId);
  const org = { id: found.id, name: found.name };
  if (!view.pairing.orgIds.includes(org.id)) {
    throw new UserError(
      `${org.name} isn't part of the pairing ${view.pairing.name}, so a touchpoint on ${formatDealRef(view.ref)} can't count for it. People of the pairing's organizations log with the Log touchpoint button on the deal card.`,
      blockId,
    );
  }
  return { actor, deal: view, org };
}

function choice(d: DealView): TouchpointDealChoice {
  return { id: d.id, ref: d.ref, title: d.title, accountName: d.accountName };
}

const programTimezone = (deps: AppDeps): Promise<string> => programRepo(dbOf(deps)).timezone(deps.config.timezone);

/** Opens the modal with the deal fixed (card button, `/cosell log CS-12`). */
async function openForDeal(
  deps: AppDeps,
  client: WebClient,
  who: Who,
  deal: { id: string } | { ref: number },
  opts: { triggerId: string; channelId?: string | undefined; note?: string },
): Promise<void> {
  const { deal: view, org } = await authorizeLogging(deps, client, who, deal);
  await slackOut(client).openView({
    trigger_id: opts.triggerId,
    view: buildTouchpointModal({
      deal: choice(view),
      dealOptions: [],
      selectedDealId: view.id,
      orgName: org.name,
      initial: { note: opts.note, occurredAt: deps.clock.now() },
      messageLink: null,
      channelId: opts.channelId,
    }),
  });
}

/** Opens the modal without a deal: the person picks one of their open deals (message shortcut, bare `/cosell log`). */
export async function openWithDealPicker(
  deps: AppDeps,
  client: WebClient,
  who: Who,
  opts: { triggerId: string; channelId?: string | undefined; note?: string; permalink?: Promise<string | null> },
): Promise<void> {
  const actor = await resolveActor(deps, client, who);
  const orgId = loggingOrgId(actor);
  const db = dbOf(deps);
  // Slack's permalink lookup runs beside the database reads: the trigger expires in 3 s.
  const [org, choices, link] = await Promise.all([
    orgRepo(db).byId(orgId),
    loggableDeals(db, { orgId, channelId: opts.channelId, limit: MAX_DEAL_OPTIONS }),
    opts.permalink ?? Promise.resolve(null),
  ]);
  if (!org) throw new UserError(NO_ORG_MESSAGE);
  if (choices.total === 0) {
    throw new UserError(
      actor.kind === "internal"
        ? "There are no open co-sell deals to log a touchpoint on. Register one first with `/cosell new`."
        : "Your organization has no open co-sell deals to log a touchpoint on yet.",
    );
  }
  const options = choices.channelDeal && !choices.deals.some((d) => d.id === choices.channelDeal!.id) ? [choices.channelDeal, ...choices.deals] : choices.deals;
  await slackOut(client).openView({
    trigger_id: opts.triggerId,
    view: buildTouchpointModal({
      deal: null,
      dealOptions: options,
      dealTotal: choices.total,
      selectedDealId: choices.channelDeal?.id ?? (choices.total === 1 ? choices.deals[0]!.id : null),
      orgName: org.name,
      initial: { note: opts.note, occurredAt: deps.clock.now() },
      messageLink: link,
      channelId: opts.channelId,
    }),
  });
}

/** Only a Slack message link is kept from private_metadata (it travelled through the client). */
function slackLink(link: string | undefined): string | null {
  if (!link || link.length > 2000) return null;
  return /^https:\/\/[a-z0-9.-]+\.slack\.com\/\S+$/i.test(link) ? link : null;
}

function confirmation(type: TouchpointType, org: { name: string }, deal: DealView, created: boolean): SlackText {
  const ref = formatDealRef(deal.ref);
  if (!created) return mrkdwn`That ${touchpointPhrase(type).replace(/^an? /, "")} was already logged on ${ref}; nothing was added.`;
  const closed = isClosed(deal.stage) ? ` ${ref} is closed: its attribution takes this into account only if an admin recomputes it.` : "";
  return mrkdwn`Logged ${touchpointPhrase(type)} for ${org.name} on ${ref} (${deal.accountName} — ${deal.title}).${closed}`;
}

export function logSubcommand(deps: AppDeps): Subcommand {
  return {
    name: "log",
    opensModal: true,
    help: [
      {
        usage: '/cosell log CS-12 <type> "note" [--when 2026-11-12 | --when "2026-11-12 14:00"]',
        example: '/cosell log CS-12 demo "joint demo with their CTO"',
        summary:
          "log a touchpoint for your organization (meeting, demo, email, proposal-review, intro, integration-mention, exec-alignment, poc, other); `/cosell log CS-12` opens a form",
      },
    ],
    async run({ args, rest }) {
      const parsed = parseLogCommand(rest);
      if ("error" in parsed) throw new UserError(parsed.error);
      const who: Who = { userId: args.command.user_id, teamId: args.command.team_id };
      const channelId = args.command.channel_id;
      if (parsed.kind === "form") {
        // The trigger expires in 3 s: ack, then open the form at once.
        await args.ack();
        if (parsed.ref === null) await openWithDealPicker(deps, args.client, who, { triggerId: args.command.trigger_id, channelId, note: parsed.note });
        else await openForDeal(deps, args.client, who, { ref: parsed.ref }, { triggerId: args.command.trigger_id, channelId, note: parsed.note });
        return;
      }
      const note = checkNote(parsed.note);
      if (!note.ok) throw new UserError(`${note.reason} Usage: \`${LOG_USAGE}\``);
      await args.ack();

      const now = deps.clock.now();
      const { actor, deal, org } = await authorizeLogging(deps, args.client, who, { ref: parsed.ref });
      const timezone = await programTimezone(deps);
      const when = parsed.when === null ? { ok: true as const, at: now } : parseWhen(parsed.when, { now, timezone });
      if (!when.ok) throw new UserError(when.reason);
      // Slack does not retry slash commands, but a command sent twice in the same minute is
      // one touchpoint: the key is the person, deal, type, note and minute.
      const noteHash = createHash("sha256").update(note.note).digest("hex").slice(0, 32);
      const key = `cmd:${actor.userId}:${deal.id}:${parsed.type}:${noteHash}:${Math.floor(now.getTime() / 60_000)}`;
      const result = await logTouchpoint(dbOf(deps), {
        dealId: deal.id,
        orgId: org.id,
        userId: actor.userId,
        type: parsed.type,
        occurredAt: when.at,
        note: note.note,
        messageLink: null,
        key,
        now,
      });
      if (result.created) deps.outbox?.kick();
      await reply(args.respond, { response_type: "ephemeral", text: confirmation(parsed.type, org, deal, result.created) });
    },
  };
}

export function registerTouchpointListeners(app: App, deps: AppDeps, ctx: ListenerContext): void {
  // The card's button: how partner people (Slack Connect) log touchpoints.
  app.action(
    ACTION.logTouchpoint,
    actionListener(ctx, async ({ body, action, client }) => {
      const b = clickOf(body);
      await openForDeal(deps, client, b.who, { id: actionValue(action) }, { triggerId: b.triggerId, channelId: b.channelId });
    }),
  );

  app.shortcut(
    CALLBACK.logMessageShortcut,
    shortcutListener(ctx, async ({ shortcut, client }) => {
      if (shortcut.type !== "message_action") return;
      const permalink = client.chat
        .getPermalink({ channel: shortcut.channel.id, message_ts: shortcut.message.ts ?? shortcut.message_ts })
        .then((r) => slackLink(r.permalink))
        .catch((e: unknown) => {
          // The touchpoint is worth more than its link: log without it.
          deps.logger.warn("chat.getPermalink failed; the touchpoint form opens without the message link", e);
          return null;
        });
      await openWithDealPicker(
        deps,
        client,
        { userId: shortcut.user.id, teamId: shortcut.user.team_id },
        {
          triggerId: shortcut.trigger_id,
          channelId: shortcut.channel.id,
          note: truncate(unescapeSlack(String(shortcut.message.text ?? "")).trim(), TOUCHPOINT_NOTE_MAX),
          permalink,
        },
      );
    }),
  );

  app.view(
    CALLBACK.logTouchpoint,
    viewListener(ctx, async ({ ack, body, view, client }) => {
      const meta = parseMetadata(metadataSchema, view.private_metadata);
      const user = body.user as { id: string; team_id?: string };
      const state = StateReader.parse(view.state.values);
      // With a fixed deal there is no deal field: its errors go under the type.
      const dealBlock = meta.dealId ? B.type : B.deal;
      const dealId = meta.dealId || state.select(B.deal);
      if (!dealId) throw new FieldErrors({ [B.deal]: "Pick the deal." });
      const { actor, deal, org } = await authorizeLogging(deps, client, { userId: user.id, teamId: user.team_id }, { id: dealId }, dealBlock);

      const now = deps.clock.now();
      const errors: Record<string, string> = {};
      const rawType = state.select(B.type);
      const type = (TOUCHPOINT_TYPES as readonly string[]).includes(rawType ?? "") ? (rawType as TouchpointType) : null;
      if (!type) errors[B.type] = "Pick the kind of touchpoint.";
      const picked = state.dateTime(B.when);
      const when = picked === null ? { ok: true as const, at: now } : checkPickedTime(picked, { now, timezone: await programTimezone(deps) });
      if (!when.ok) errors[B.when] = when.reason;
      const note = checkNote(state.text(B.note));
      if (!note.ok) errors[B.note] = note.reason;
      if (Object.keys(errors).length > 0 || !type || !when.ok || !note.ok) throw new FieldErrors(errors);

      const result = await logTouchpoint(dbOf(deps), {
        dealId: deal.id,
        orgId: org.id,
        userId: actor.userId,
        type,
        occurredAt: when.at,
        note: note.note,
        messageLink: slackLink(meta.link),
        key: `view:${view.id}`,
        now,
      });
      await ack();
      if (!result.created) return; // a double click or a retry: the first submission already answered
      deps.outbox?.kick();
      const text = mrkdwn`✅ ${confirmation(type, org, deal, true)}`;
      const channel = meta.channelId && /^[CG]/.test(meta.channelId) ? meta.channelId : undefined;
      await (channel
        ? slackOut(client).postEphemeral({ channel, user: actor.userId, text })
        : slackOut(client).postMessage({ channel: actor.userId, text })
      ).catch((e) => deps.logger.warn("touchpoint confirmation failed", e));
    }),
  );
}
