import { clickOf, actionValue } from "../../platform/slack/payload";
import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import { dbOf, type AppDeps } from "../../platform/deps";
import { ROLES } from "../attribution/engine";
import { formatDealRef, parseDealRef, validateRoleAssignment } from "../../kernel/registration";
import { LEAD_STAGES, type LeadStage } from "../../kernel/role-clarity";
import { isClosed } from "../../kernel/stages";
import { FieldErrors, UserError } from "../../platform/errors";
import { pairingContext } from "../program/pairings";
import { editRoles } from "./edit-roles";
import { buildRolesModal } from "./modal";
import type { Subcommand } from "../../platform/slack/commands";
import { ACTION, CALLBACK, ROLES_BLOCK as B } from "../../platform/slack/ids";
import type { Who } from "../../platform/slack/identity";
import { actionListener, viewListener, type ListenerContext } from "../../platform/slack/listener";
import { parseMetadata, StateReader } from "../../platform/slack/view-state";
import { authorizeDeal } from "../deals/guard";
import { slackOut } from "../../platform/slack/send";

const metadataSchema = z.object({ dealId: z.string().default("") });

async function openRolesModal(deps: AppDeps, client: WebClient, who: Who, deal: { id: string } | { ref: number }, triggerId: string) {
  const { deal: view } = await authorizeDeal(deps, client, who, deal, "deal.editRoles");
  if (isClosed(view.stage))
    throw new UserError(`${formatDealRef(view.ref)} is closed, so its roles are locked (they fed its attribution). An admin can reopen it.`);
  const pairing = await pairingContext(dbOf(deps), { id: view.pairing.id });
  await slackOut(client).openView({ trigger_id: triggerId, view: buildRolesModal(view, pairing?.orgs ?? []) });
}

export function rolesSubcommand(deps: AppDeps): Subcommand {
  return {
    name: "roles",
    opensModal: true,
    help: [
      {
        usage: "/cosell roles CS-12",
        example: "/cosell roles CS-12",
        summary: "edit who does what: roles, stage leads, quarterback, post-sale, response SLAs",
      },
    ],
    async run({ args, words }) {
      const ref = parseDealRef(words[0] ?? "");
      if (ref === null) throw new UserError("Which deal? e.g. `/cosell roles CS-12`.");
      await args.ack();
      await openRolesModal(deps, args.client, { userId: args.command.user_id, teamId: args.command.team_id }, { ref }, args.command.trigger_id);
    },
  };
}

export function registerRolesListeners(app: App, deps: AppDeps, ctx: ListenerContext): void {
  app.action(
    ACTION.editRoles,
    actionListener(ctx, async ({ body, action, client }) => {
      const b = clickOf(body);
      await openRolesModal(deps, client, b.who, { id: actionValue(action) }, b.triggerId);
    }),
  );

  app.view(
    CALLBACK.editRoles,
    viewListener(ctx, async ({ ack, body, view, client }) => {
      const meta = parseMetadata(metadataSchema, view.private_metadata);
      const user = body.user as { id: string; team_id?: string };
      // The deal id came back through the client: re-authorize it.
      const { actor, deal } = await authorizeDeal(
        deps,
        client,
        { userId: user.id, teamId: user.team_id },
        { id: meta.dealId },
        "deal.editRoles",
        `${B.rolePrefix}SELLING`,
      );
      if (isClosed(deal.stage)) throw new UserError(`${formatDealRef(deal.ref)} was closed meanwhile; its roles are locked.`, `${B.rolePrefix}SELLING`);
      const pairing = (await pairingContext(dbOf(deps), { id: deal.pairing.id }))!;
      const state = StateReader.parse(view.state.values);
      const roles = Object.fromEntries(ROLES.map((r) => [r, state.multi(`${B.rolePrefix}${r}`)]));
      const postSaleOwnerOrgId = state.select(B.postSaleOwner);
      const checked = validateRoleAssignment({ roles, pairing, coSellModel: deal.coSellModel, postSaleOwnerOrgId });
      const errors: Record<string, string> = {};
      for (const [field, message] of Object.entries(checked.errors))
        errors[field === "postSaleOwner" ? B.postSaleOwner : `${B.rolePrefix}${field.slice(5)}`] = message!;
      const onDeal = new Set(checked.participants.map((p) => p.orgId));
      const stageLeads: Partial<Record<LeadStage, string>> = {};
      for (const stage of LEAD_STAGES) {
        const lead = state.select(`${B.leadPrefix}${stage}`);
        if (!lead) continue;
        if (!onDeal.has(lead)) errors[`${B.leadPrefix}${stage}`] = "The lead must be an organization on the deal (give it a role above).";
        else stageLeads[stage] = lead;
      }
      const responseSlaHours: Record<string, number | null> = {};
      for (const org of pairing.orgs.filter((o) => !o.internal)) {
        const raw = state.text(`${B.slaPrefix}${org.id}`).trim();
        if (raw === "") continue;
        const hours = Number(raw);
        if (!Number.isInteger(hours) || hours < 1 || hours > 720)
          errors[`${B.slaPrefix}${org.id}`] = "Give whole hours from 1 to 720 (24 is the usual commitment).";
        else responseSlaHours[org.id] = hours;
      }
      if (Object.keys(errors).length > 0) throw new FieldErrors(errors);
      const result = await editRoles(dbOf(deps), {
        dealId: deal.id,
        edit: {
          participants: checked.participants,
          relationshipOwnerUserId: state.user(B.relationshipOwner),
          postSaleOwnerOrgId,
          stageLeads,
          responseSlaHours,
        },
        changedBy: actor.userId,
        now: deps.clock.now(),
      });
      await ack();
      if (result.changed) deps.outbox?.kick();
    }),
  );
}
