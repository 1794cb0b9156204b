import { formatDealRef } from "../../kernel/registration";
import { dbOf, type AppDeps } from "../../platform/deps";
import { AccessDenied, UserError } from "../../platform/errors";
import type { Subcommand } from "../../platform/slack/commands";
import { resolveActor } from "../../platform/slack/identity";
import { joinMrkdwn, mention, mrkdwn, slackDate } from "../../platform/slack/mrkdwn";
import { addDirectDeal, closeDirectDeal, listDirectDeals } from "./direct-deals";

// `/cosell direct add|close|list`: our reps' house accounts (direct deals, no partner).

const USAGE = '/cosell direct add <domain> "Account name" ["title"]';

export function directSubcommand(deps: AppDeps): Subcommand {
  return {
    name: "direct",
    help: [
      {
        usage: USAGE,
        example: '/cosell direct add globex.com "Globex" "Platform renewal"',
        summary: "record our own direct deal on an account (a house account: partner registrations on it are conflicts); `close <domain>`, `list`",
      },
    ],
    async run({ args, words }) {
      const actor = await resolveActor(deps, args.client, { userId: args.command.user_id, teamId: args.command.team_id });
      const d = { db: deps.db, clock: deps.clock, admins: deps.config.admins };
      const verb = (words[0] ?? "").toLowerCase();
      if (verb === "list") {
        if (actor.kind !== "internal") throw new AccessDenied("House accounts are internal.");
        const rows = await listDirectDeals(dbOf(deps));
        const lines = rows.map(
          (r) => mrkdwn`• *${r.accountName}* (${r.domain}) — ${r.title}, ${mention(r.ownerUserId)} since ${slackDate(r.since, "{date_short_pretty}")}`,
        );
        const text =
          rows.length === 0 ? mrkdwn`No open direct deals. Add one: \`${USAGE}\`.` : joinMrkdwn([mrkdwn`*House accounts (open direct deals)*`, ...lines]);
        await args.ack({ response_type: "ephemeral", text });
        return;
      }
      if (verb === "close") {
        const r = await closeDirectDeal(d, actor, { domain: words[1] ?? "" });
        if (r.kind === "denied") throw new AccessDenied(r.message);
        if (r.kind === "invalid") throw new UserError(r.message);
        const text =
          r.kind === "closed"
            ? mrkdwn`✅ The direct deal on ${r.domain} is closed; partners can register the account again.`
            : mrkdwn`There is no open direct deal on ${r.domain}.`;
        await args.ack({ response_type: "ephemeral", text });
        return;
      }
      if (verb !== "add") throw new UserError(`Usage: \`${USAGE}\`, \`/cosell direct close <domain>\` or \`/cosell direct list\`.`);
      const r = await addDirectDeal(d, actor, { domain: words[1] ?? "", accountName: words[2] ?? "", title: words.slice(3).join(" ") });
      if (r.kind === "denied") throw new AccessDenied(r.message);
      if (r.kind === "invalid") throw new UserError(r.message);
      const head = r.created
        ? mrkdwn`🏠 Recorded our direct deal on *${r.accountName}* (${r.domain}).`
        : mrkdwn`🏠 ${r.domain} already has an open direct deal (${r.accountName}).`;
      const holds = r.partnerHolds.map(
        (h) =>
          mrkdwn`⚠️ A partner holds this account: ${formatDealRef(h.ref)} (${h.partners.join(", ")}), ${h.status === "APPROVED" ? (h.protectedUntil ? `protected until ${h.protectedUntil.toISOString().slice(0, 10)}` : "protected") : "pending review"}. Their registration came first; talk to the partner manager before selling direct.`,
      );
      await args.ack({ response_type: "ephemeral", text: joinMrkdwn([head, ...holds]) });
    },
  };
}
