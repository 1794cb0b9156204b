import { clickOf, actionValue } from "../../platform/slack/payload";
import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import { dbOf, type AppDeps } from "../../platform/deps";
import { ROLES } from "../attribution/engine";
import { formatDealRef, parseDealRef } from "../../kernel/registration";
import { LEAD_STAGES } from "../../kernel/role-clarity";
import { isClosed } from "../../kernel/stages";
import { AccessDenied, FieldErrors, UserError } from "../../platform/errors";
import { pairingContext } from "../program/pairings";
import { roleEditDraftSchema, submitRoleEdit, type RoleEditDraft } from "./submit-role-edit";
import { buildRolesModal } from "./modal";
import type { Subcommand } from "../../platform/slack/commands";
import { ACTION, CALLBACK, ROLES_BLOCK as B } from "../../platform/slack/ids";
import { resolveActor, type Who } from "../../platform/slack/identity";
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
      const actor = await resolveActor(deps, client, { userId: body.user.id, teamId: body.user.team_id });
      const result = await submitRoleEdit({ db: deps.db, clock: deps.clock }, actor, readRoleEditDraft(view));
      if (result.kind === "denied") throw new AccessDenied(result.message, FIRST_BLOCK);
      if (result.kind === "closed") throw new UserError(result.message, FIRST_BLOCK);
      if (result.kind === "fieldErrors") throw new FieldErrors(Object.fromEntries(Object.entries(result.errors).map(([f, m]) => [blockOf(f), m!])));
      await ack();
      if (result.changed) deps.outbox?.kick();
    }),
  );
}

/** Where a refusal of the whole form shows: under the first role. */
const FIRST_BLOCK = `${B.rolePrefix}SELLING`;

/** The form's block for a use-case field: `role:SELLING`, `postSaleOwner`, `lead:PROPOSAL`, `sla:<org id>`. */
function blockOf(field: string): string {
  if (field === "postSaleOwner") return B.postSaleOwner;
  const [kind, key] = field.split(":") as [string, string];
  return kind === "lead" ? `${B.leadPrefix}${key}` : kind === "sla" ? `${B.slaPrefix}${key}` : `${B.rolePrefix}${key}`;
}

/** The roles form's values, in the use case's words; SLA inputs are the `sla` blocks present. */
function readRoleEditDraft(view: { private_metadata: string; state: { values: unknown } }): RoleEditDraft {
  const meta = parseMetadata(metadataSchema, view.private_metadata);
  const state = StateReader.parse(view.state.values);
  const slaBlocks = Object.keys((view.state.values ?? {}) as Record<string, unknown>).filter((id) => id.startsWith(B.slaPrefix));
  return roleEditDraftSchema.parse({
    dealId: meta.dealId,
    roles: Object.fromEntries(ROLES.map((r) => [r, state.multi(`${B.rolePrefix}${r}`)])),
    relationshipOwnerUserId: state.user(B.relationshipOwner),
    postSaleOwnerOrgId: state.select(B.postSaleOwner),
    stageLeads: Object.fromEntries(LEAD_STAGES.map((stage) => [stage, state.select(`${B.leadPrefix}${stage}`)])),
    responseSlaHours: Object.fromEntries(slaBlocks.map((id) => [id.slice(B.slaPrefix.length), state.text(id)])),
  });
}
