import { formatDealRef, parseDealRef } from "../../kernel/registration";
import { parseStage, stageLabel, STAGES } from "../../kernel/stages";
import { dbOf, type AppDeps } from "../../platform/deps";
import { UserError, AccessDenied } from "../../platform/errors";
import type { Subcommand } from "../../platform/slack/commands";
import { resolveActor } from "../../platform/slack/identity";
import { reply } from "../../platform/slack/send";
import { mrkdwn } from "../../platform/slack/mrkdwn";
import { authorizeDeal } from "../deals/guard";
import { linkCrmRecord, unlinkCrmRecord } from "./links";
import { hubspotDealUrl } from "./record-ref";
import { renderCrmStatus, renderLinked } from "./status-render";
import { loadCrmStatus, setHubSpotStageMapping } from "./status";
import { loadHubSpotStageMap } from "./stage-map";

// `/cosell link CS-12 <HubSpot URL|id>`, `/cosell unlink CS-12`, `/cosell crm` (status) and
// `/cosell crm map <stage id> <stage>` (admins). Thin adapters: parse → authorize → use case →
// an ephemeral answer. CRM ids are internal: partner people are refused before anything is read.

const USAGE = {
  link: "/cosell link CS-12 <HubSpot deal URL or id>",
  unlink: "/cosell unlink CS-12",
  crm: "/cosell crm",
  map: "/cosell crm map <HubSpot stage id> <stage|none>",
} as const;
const STAGE_WORDS = STAGES.map((s) => stageLabel(s).toLowerCase()).join(", ");

export function crmSubcommands(deps: AppDeps): Subcommand[] {
  const who = (args: { command: { user_id: string; team_id: string } }) => ({ userId: args.command.user_id, teamId: args.command.team_id });
  return [
    {
      name: "link",
      help: [
        {
          usage: USAGE.link,
          example: "/cosell link CS-12 https://app.hubspot.com/contacts/4419532/record/0-3/20471358911",
          summary: "keep a deal in step with its HubSpot deal (stage, amount, close date; attribution written back at won)",
        },
      ],
      async run({ args, words }) {
        const ref = parseDealRef(words[0] ?? "");
        const record = words.slice(1).join(" ").trim();
        if (ref === null || record === "") throw new UserError(`Usage: \`${USAGE.link}\`.`);
        await args.ack();
        const { actor, deal } = await authorizeDeal(deps, args.client, who(args), { ref }, "deal.linkCrm");
        const now = deps.clock.now();
        const r = await linkCrmRecord(dbOf(deps), deps.crm?.hubspot, {
          dealId: deal.id,
          record,
          by: actor.userId,
          now,
          portalId: deps.config.crm?.hubspot?.portalId,
        });
        deps.outbox?.kick();
        const map = await loadHubSpotStageMap(dbOf(deps));
        await reply(args.respond, {
          response_type: "ephemeral",
          ...renderLinked({
            ref: r.ref,
            objectId: r.objectId,
            url: hubspotDealUrl(r.objectId, deps.config.crm?.hubspot?.portalId),
            name: r.record.name,
            crmStageId: r.record.stageId,
            crmStage: r.record.stageId ? (map.get(r.record.stageId)?.stage ?? null) : null,
            ourStage: deal.stage,
            replaced: r.replaced,
            already: r.already,
          }),
        });
      },
    },
    {
      name: "unlink",
      help: [{ usage: USAGE.unlink, example: "/cosell unlink CS-12", summary: "stop syncing a deal with its HubSpot deal (recorded)" }],
      async run({ args, words }) {
        const ref = parseDealRef(words[0] ?? "");
        if (ref === null) throw new UserError(`Usage: \`${USAGE.unlink}\`.`);
        await args.ack();
        const { actor, deal } = await authorizeDeal(deps, args.client, who(args), { ref }, "deal.linkCrm");
        const r = await unlinkCrmRecord(dbOf(deps), { dealId: deal.id, by: actor.userId, now: deps.clock.now() });
        deps.outbox?.kick();
        await reply(args.respond, {
          response_type: "ephemeral",
          text: r
            ? mrkdwn`Unlinked ${formatDealRef(r.ref)} from HubSpot deal ${r.objectId}. HubSpot changes no longer reach it; the link stays in its history.`
            : mrkdwn`${formatDealRef(deal.ref)} is not linked to a CRM record. Link it with \`${USAGE.link}\`.`,
        });
      },
    },
    {
      name: "crm",
      help: [
        { usage: USAGE.crm, example: "/cosell crm", summary: "the CRM sync: connection, stage mapping, unmapped stages, what was not applied" },
        { usage: USAGE.map, example: "/cosell crm map 1029384 proposal", summary: "map a HubSpot pipeline stage to a cosell stage (admins)" },
      ],
      async run({ args, words }) {
        await args.ack();
        const actor = await resolveActor(deps, args.client, who(args));
        if (actor.kind !== "internal") throw new AccessDenied("The CRM sync is the program team's; ask your partner manager.");
        const now = deps.clock.now();
        const sub = (words[0] ?? "").toLowerCase();
        if (sub === "map") {
          const stageId = words[1] ?? "";
          const stageText = words.slice(2).join(" ");
          const stage = ["none", "unmap", "-"].includes(stageText.toLowerCase()) ? null : parseStage(stageText);
          if (!stageId || (stage === null && !["none", "unmap", "-"].includes(stageText.toLowerCase()))) {
            throw new UserError(
              `Usage: \`${USAGE.map}\`. Stages: ${STAGE_WORDS}, or \`none\` to remove your mapping${stageText ? ` ("${stageText}" is not one of them)` : ""}.`,
            );
          }
          const r = await setHubSpotStageMapping(dbOf(deps), { actor, admins: deps.config.admins, stageId, stage, now });
          await reply(args.respond, {
            response_type: "ephemeral",
            text: r.stage
              ? mrkdwn`HubSpot stage \`${r.stageId}\` now maps to *${stageLabel(r.stage)}*. The next change in HubSpot, or the next reconciliation, applies it.`
              : mrkdwn`Your mapping of HubSpot stage \`${r.stageId}\` is removed; ${r.default ? `it maps to *${stageLabel(r.default)}* (the default) again` : "it maps to nothing now (reported, never guessed)"}.`,
          });
          return;
        }
        if (sub !== "" && sub !== "status") throw new UserError(`Usage: \`${USAGE.crm}\` or \`${USAGE.map}\`.`);
        const hubspot = deps.config.crm?.hubspot;
        const status = await loadCrmStatus(dbOf(deps), { connected: Boolean(hubspot), portalId: hubspot?.portalId, now });
        await reply(args.respond, {
          response_type: "ephemeral",
          ...renderCrmStatus(status, {
            webhookUrl: deps.config.crm?.publicUrl ? `${deps.config.crm.publicUrl.replace(/\/$/, "")}/crm/hubspot/webhooks` : null,
          }),
        });
      },
    },
  ];
}
