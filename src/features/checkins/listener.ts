import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import { decideAdminAction, decideCheckInAnswer, type Actor } from "../../kernel/access";
import { dbOf, type AppDeps } from "../../platform/deps";
import { assertAllowed, FieldErrors, UserError } from "../../platform/errors";
import { pairingRepo } from "../../platform/repos/pairing-repo";
import type { Subcommand, SubcommandContext } from "../../platform/slack/commands";
import { clickOf } from "../../platform/slack/payload";
import { resolveActor } from "../../platform/slack/identity";
import { ACTION, CALLBACK, CHECKIN_BLOCK as B } from "../../platform/slack/ids";
import { actionListener, viewListener, type ListenerContext } from "../../platform/slack/listener";
import { joinMrkdwn, mention, mrkdwn } from "../../platform/slack/mrkdwn";
import { slackOut } from "../../platform/slack/send";
import { parseMetadata, StateReader } from "../../platform/slack/view-state";
import { checkInSettings, loadAnswerForm, loadRound, openRoundOf, submitCheckIn, updateCheckInSettings } from "./checkins";
import { buildCheckInModal } from "./render";
import { AUDIENCE_WORDS, audienceOf, CHECK_IN_AUDIENCES, LIMITS, type AnswerField } from "./rules";

// Weekly check-ins in Slack: *Answer check-in* (DM, channel prompt, reminder) and `/cosell
// checkin` open the answer form; its submission saves the answer and makes the asks;
// `/cosell checkin questions|audience|hour` are the admins' settings.

const USAGE = {
  answer: "/cosell checkin",
  questions: '/cosell checkin questions "<q1>" "<q2>" "<q3>"',
  audience: "/cosell checkin audience all|ours|partners|off",
  hour: "/cosell checkin hour <0-23>",
} as const;

const FIELD_BLOCK: Record<AnswerField, string> = { deal: B.deal, moved: B.moved, blocked: B.blocked, blocker: B.blocker, intro: B.intro };
const metadataSchema = z.object({ roundId: z.string().default("") });

/** Opens the answer form of a round for this person (our people, or a partner's people of that pairing). */
async function openAnswerForm(deps: AppDeps, client: WebClient, actor: Actor, roundId: string, triggerId: string): Promise<void> {
  const form = await loadAnswerForm(dbOf(deps), { roundId, userId: actor.userId });
  if (!form) throw new UserError("That check-in is gone; wait for next week's.");
  assertAllowed(decideCheckInAnswer(actor, form.round.pairing.orgIds));
  if (form.round.closedAt) throw new UserError("This check-in closed when the digest went out; next week's comes the working day before the next digest.");
  await slackOut(client).openView({ trigger_id: triggerId, view: buildCheckInModal(form) });
}

export function checkInSubcommand(deps: AppDeps): Subcommand {
  return {
    name: "checkin",
    aliases: ["check-in", "standup"],
    opensModal: true,
    help: [
      { usage: USAGE.answer, example: "/cosell checkin", summary: "in a pairing channel: answer (or edit) this week's check-in for its digest" },
      {
        usage: `${USAGE.questions} · ${USAGE.audience} · ${USAGE.hour}`,
        example: "/cosell checkin audience ours",
        summary: "the weekly check-in's questions, who is asked and the prompt's hour (the working day before the digest); without arguments, the settings",
        adminOnly: true,
      },
    ],
    async run(ctx: SubcommandContext) {
      const { args } = ctx;
      const actor = await resolveActor(deps, args.client, { userId: args.command.user_id, teamId: args.command.team_id });
      const [first = ""] = ctx.words;
      const word = first.toLowerCase();
      if (["questions", "audience", "hour", "settings"].includes(word)) {
        await settings(ctx, actor, word);
        return;
      }
      const pairing = await pairingRepo(dbOf(deps)).forChannel(args.command.channel_id);
      if (!pairing) {
        throw new UserError(`Run \`${USAGE.answer}\` in a pairing channel: each pairing has its own check-in. Admins: \`${USAGE.audience}\` and the others.`);
      }
      const roundId = await openRoundOf(dbOf(deps), pairing.id);
      if (!roundId) {
        const s = await checkInSettings(dbOf(deps));
        throw new UserError(
          s.audience === "OFF"
            ? "Check-ins are off for this program (an admin turns them on with `/cosell checkin audience all`)."
            : `No check-in is open for ${pairing.name} right now: the next one is asked the working day before the digest, at ${s.hour}:00.`,
        );
      }
      await openAnswerForm(deps, args.client, actor, roundId, args.command.trigger_id);
    },
  };
}

/** `/cosell checkin questions|audience|hour …`: show, or (admins) set; audited. */
async function settings(ctx: SubcommandContext, actor: Actor, word: string): Promise<void> {
  const { deps, args } = ctx;
  if (actor.kind !== "internal") throw new UserError("The check-in settings are for our own people.");
  const current = await checkInSettings(dbOf(deps));
  const describe = (s: typeof current) =>
    joinMrkdwn([
      mrkdwn`*Weekly check-in*: asked the working day before each pairing's digest at ${s.hour}:00 (program timezone), one reminder two hours before the digest.`,
      mrkdwn`Who is asked: ${AUDIENCE_WORDS[s.audience]}.`,
      mrkdwn`Questions: 1. ${s.questions[0]} 2. ${s.questions[1]} 3. ${s.questions[2]}`,
    ]);
  const values = ctx.words.slice(1);
  if (word === "settings" || values.length === 0) {
    await args.ack({
      response_type: "ephemeral",
      text: joinMrkdwn([describe(current), mrkdwn`Change: \`${USAGE.questions}\`, \`${USAGE.audience}\`, \`${USAGE.hour}\` (admins).`]),
    });
    return;
  }
  assertAllowed(decideAdminAction(actor, "program.configure", deps.config.admins));
  let change: Parameters<typeof updateCheckInSettings>[1]["change"];
  if (word === "questions") {
    if (values.length !== 3) throw new UserError(`Give the three questions, each in quotes: \`${USAGE.questions}\`.`);
    const long = values.find((q) => q.length > LIMITS.question);
    if (long) throw new UserError(`Keep each question under ${LIMITS.question} characters.`);
    change = { questions: [values[0]!, values[1]!, values[2]!] };
  } else if (word === "audience") {
    const a = values[0]!.toUpperCase();
    if (!CHECK_IN_AUDIENCES.includes(a as never)) throw new UserError(`Usage: \`${USAGE.audience}\``);
    change = { audience: audienceOf(a) };
  } else {
    const h = Number(values[0]);
    if (!/^\d{1,2}$/.test(values[0]!) || h > 23) throw new UserError(`Usage: \`${USAGE.hour}\` (a whole hour, 0–23, in the program's timezone).`);
    change = { hour: h };
  }
  const after = await updateCheckInSettings(dbOf(deps), { change, actor: actor.userId, now: deps.clock.now() });
  await args.ack({ response_type: "ephemeral", text: joinMrkdwn([mrkdwn`Saved.`, describe(after)]) });
}

export function registerCheckInListeners(app: App, deps: AppDeps, ctx: ListenerContext): void {
  const db = dbOf(deps);

  app.action(
    ACTION.checkInAnswer,
    actionListener(ctx, async ({ body, client }) => {
      const b = clickOf(body);
      const actor = await resolveActor(deps, client, b.who);
      await openAnswerForm(deps, client, actor, b.value, b.triggerId);
    }),
  );

  app.view(
    CALLBACK.checkInAnswer,
    viewListener(ctx, async ({ ack, body, view, client }) => {
      const user = body.user as { id: string; team_id?: string };
      const actor = await resolveActor(deps, client, { userId: user.id, teamId: user.team_id });
      const meta = parseMetadata(metadataSchema, view.private_metadata);
      const round = await loadRound(db, meta.roundId);
      if (!round) throw new UserError("That check-in is gone; wait for next week's.", B.moved);
      assertAllowed(decideCheckInAnswer(actor, round.pairing.orgIds), B.moved);
      const state = StateReader.parse(view.state.values);
      const deal = state.select(B.deal);
      const blockerUserId = state.user(B.blocker);
      // The blocker's organization decides their response time (the ask's SLA).
      const blocker = blockerUserId ? await resolveActor(deps, client, { userId: blockerUserId }) : null;
      if (blocker?.kind === "stranger")
        throw new UserError(mrkdwn`${mention(blocker.userId)} is not in this program; name someone from the pairing.`, B.blocker);
      if (blocker?.kind === "partner" && !round.pairing.orgIds.includes(blocker.orgId)) {
        throw new UserError(mrkdwn`${mention(blocker.userId)} is not in this pairing; name someone from it.`, B.blocker);
      }
      const r = await submitCheckIn(db, {
        roundId: round.id,
        userId: actor.userId,
        orgId: actor.kind === "stranger" ? null : actor.orgId,
        internal: actor.kind === "internal",
        dealId: deal && deal !== "none" ? deal : null,
        moved: state.text(B.moved),
        blocked: state.text(B.blocked),
        blockerUserId,
        blockerOrgId: blocker?.kind === "partner" ? blocker.orgId : null,
        introAccount: state.text(B.intro),
        now: deps.clock.now(),
      });
      if (!r.ok) throw new FieldErrors(Object.fromEntries(Object.entries(r.errors).map(([f, m]) => [FIELD_BLOCK[f as AnswerField], m])));
      await ack();
      deps.outbox?.kick();
      const lines = [
        mrkdwn`${r.edited ? "Updated" : "Thanks:"} your check-in for ${round.pairing.name} goes into the digest.`,
        ...(r.blockerAsk?.created ? [mrkdwn`${mention(r.blockerAsk.ownerUserId)} got an ask on CS-${r.blockerAsk.ref} for the blocker.`] : []),
        ...(r.introAsk?.created ? [mrkdwn`${mention(r.introAsk.ownerUserId)} got a Request intro ask on CS-${r.introAsk.ref}.`] : []),
      ];
      try {
        await slackOut(client).postEphemeral({ channel: round.pairing.channelId, user: actor.userId, text: joinMrkdwn(lines, " ") });
      } catch (err) {
        // Not a member of the pairing channel (answered from a DM): the answer is saved all the same.
        deps.logger.warn("check-in confirmation not shown:", err);
      }
    }),
  );
}
