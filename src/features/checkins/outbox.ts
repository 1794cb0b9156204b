import type { Tx } from "../../platform/db/client";
import { post, type IntentRenderer } from "../../platform/outbox/renderers";
import { loadRound, type RoundView } from "./checkins";
import { renderCheckInPrompt } from "./render";

// Check-in prompts and reminders, rendered when delivered: a round closed in the meantime is not
// asked any more, and a reminder skips those who answered since it was queued.

async function partnersAsked(round: RoundView, db: Tx, onlyMissing: boolean): Promise<string[]> {
  const ours = await db.organization.findFirst({ where: { kind: "INTERNAL" }, select: { id: true } });
  const answered = new Set(round.answered);
  return round.invites.filter((i) => i.orgId !== ours?.id && !(onlyMissing && answered.has(i.userId))).map((i) => i.userId);
}

function deliver(reminder: boolean): IntentRenderer<"checkin.prompt"> {
  return async ({ db }, { roundId, userId }) => {
    const round = await loadRound(db, roundId);
    if (!round) return { kind: "skip", reason: "the check-in is gone" };
    if (round.closedAt) return { kind: "skip", reason: "the check-in closed (its digest went out)" };
    if (userId && reminder && round.answered.includes(userId)) return { kind: "skip", reason: "answered since" };
    const mentions = userId ? [] : await partnersAsked(round, db, reminder);
    if (!userId && mentions.length === 0) return { kind: "skip", reason: "everyone in the channel answered" };
    const msg = renderCheckInPrompt({ roundId, pairingName: round.pairing.name, digestAt: round.digestAt, questions: round.questions, mentions, reminder });
    return post({ channel: userId ?? round.pairing.channelId, text: msg.text, blocks: msg.blocks, unfurl_links: false });
  };
}

export const renderCheckInPromptIntent: IntentRenderer<"checkin.prompt"> = deliver(false);
export const renderCheckInReminderIntent: IntentRenderer<"checkin.reminder"> = async (ctx, intent) => deliver(true)(ctx, { ...intent, kind: "checkin.prompt" });
