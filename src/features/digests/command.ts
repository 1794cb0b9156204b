import { dbOf, type AppDeps } from "../../platform/deps";
import { decideDealAction } from "../../kernel/access";
import { nextSlot } from "./schedule";
import { AccessDenied, assertAllowed, UserError } from "../../platform/errors";
import { loadDigestProgram, loadManagerDigest, loadPairingDigests, matchPairing, trailingWeek } from "./load";
import { localDateTime, renderManagerDigest, renderPairingDigest, type DigestMessage } from "./render";
import type { Subcommand } from "../../platform/slack/commands";
import { resolveActor } from "../../platform/slack/identity";
import { pairingRepo, type PairingRecord } from "../../platform/repos/pairing-repo";
import { reply } from "../../platform/slack/send";
import { channelLink, mrkdwn, type SlackText } from "../../platform/slack/mrkdwn";

// `/cosell digest [pairing]`: previews a weekly digest, only for the person who asks (ephemeral),
// built now over the last 7 days:
//   - a pairing named, or the command run in a pairing channel: that pairing's standup digest
//     (partner people: only pairings their organization belongs to);
//   - elsewhere, our own people: the manager digest (internal: it has commissions);
//   - elsewhere, partner people: their pairing's digest (or the list of their pairings).
// Acked at once; the preview follows through response_url (at most 5 messages).

const USAGE = '/cosell digest ["pairing name"]';
const MAX_RESPONSES = 5;

function withNote(msgs: DigestMessage[], note: SlackText): DigestMessage[] {
  const [first, ...rest] = msgs;
  if (!first) return msgs;
  const blocks =
    first.blocks.length < 50
      ? [...first.blocks.slice(0, 1), { type: "context" as const, elements: [{ type: "mrkdwn" as const, text: note }] }, ...first.blocks.slice(1)]
      : first.blocks;
  return [{ ...first, blocks }, ...rest];
}

export function digestSubcommand(deps: AppDeps): Subcommand {
  return {
    name: "digest",
    help: [
      {
        usage: USAGE,
        example: '/cosell digest "Ourco + Acme"',
        summary:
          "preview the weekly digest (only you see it): in a pairing channel that pairing's standup digest, elsewhere the manager digest with every program metric (our people); partners see their own pairings'",
      },
    ],
    async run({ args, words }) {
      await args.ack();
      const actor = await resolveActor(deps, args.client, { userId: args.command.user_id, teamId: args.command.team_id });
      if (actor.kind === "stranger") assertAllowed(decideDealAction(actor, "deal.view", []));
      const db = dbOf(deps);
      const pairings = pairingRepo(db);
      const now = deps.clock.now();
      const program = await loadDigestProgram(db, deps.config.timezone);
      const window = trailingWeek(now);
      const next = nextSlot(now, { timezone: program.timezone, weekday: program.digestWeekday, hour: program.digestHour });
      const name = words.join(" ").trim();

      let pairing: PairingRecord | null = null;
      if (name) {
        const visible = await pairings.visibleTo(actor);
        const found = matchPairing(visible, name);
        if (!found) {
          throw new UserError(
            actor.kind === "partner"
              ? `None of your organization's pairings is called "${name}". Yours: ${visible.map((p) => `*${p.name}*`).join(", ") || "none"}.`
              : `There is no pairing called "${name}" (see \`/cosell partners\`). Usage: \`${USAGE}\``,
          );
        }
        if ("ambiguous" in found) throw new UserError(`"${name}" could be ${found.ambiguous.map((p) => `*${p.name}*`).join(" or ")}; give more of the name.`);
        pairing = found;
      } else {
        pairing = await pairings.forChannel(args.command.channel_id);
        if (
          pairing &&
          !decideDealAction(
            actor,
            "deal.view",
            pairing.orgs.map((o) => o.id),
          ).allowed
        ) {
          throw new AccessDenied("This channel's pairing doesn't include your organization, so its digest isn't shown to you.");
        }
        if (!pairing && actor.kind === "partner") {
          const mine = await pairings.visibleTo(actor);
          if (mine.length === 1) pairing = mine[0]!;
          else {
            throw new UserError(
              mine.length === 0
                ? "Your organization isn't in a co-sell pairing yet, so there is no digest for you."
                : `Your organization is in ${mine.length} pairings: ${mine.map((p) => `*${p.name}*`).join(", ")}. Run \`/cosell digest "name"\` for one, or run it in the pairing's channel.`,
            );
          }
        }
      }

      let msgs: DigestMessage[];
      const when = `posted every week on ${["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][program.digestWeekday]} at ${String(program.digestHour).padStart(2, "0")}:00 (${program.timezone}); next ${localDateTime(next.at, program.timezone)}`;
      if (pairing) {
        const [data] = await loadPairingDigests(db, { now, window, timezone: program.timezone, pairingIds: [pairing.id] });
        if (!data) throw new UserError("That pairing no longer exists.");
        msgs = withNote(
          renderPairingDigest(data),
          mrkdwn`👀 Preview of the last 7 days, only you see it. The digest is ${when}, in ${channelLink(pairing.channelId)}.`,
        );
      } else {
        const data = await loadManagerDigest(db, { now, window, fallbackTimezone: program.timezone });
        msgs = withNote(
          renderManagerDigest(data),
          mrkdwn`👀 Preview of the last 7 days, only you see it. The manager digest is ${when}, ${program.managerChannelId ? mrkdwn`in ${channelLink(program.managerChannelId)} (or to the admins by DM if that channel is shared with another organization)` : "to the admins by DM"}.`,
        );
      }
      const shown = msgs.slice(0, MAX_RESPONSES);
      for (const [i, m] of shown.entries()) {
        let blocks = m.blocks;
        if (i === MAX_RESPONSES - 1 && msgs.length > MAX_RESPONSES && blocks.length < 50) {
          blocks = [
            ...blocks,
            {
              type: "context",
              elements: [
                { type: "mrkdwn", text: mrkdwn`…and ${msgs.length - MAX_RESPONSES} more parts: \`npm run cosell -- digest --preview\` prints it all.` },
              ],
            },
          ];
        }
        await reply(args.respond, { response_type: "ephemeral", replace_original: false, text: m.text, blocks });
      }
    },
  };
}
