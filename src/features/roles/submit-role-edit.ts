import { z } from "zod";
import { decideDealAction, type Actor, type Decision } from "../../kernel/access";
import { formatDealRef, validateRoleAssignment, type RoleField } from "../../kernel/registration";
import { LEAD_STAGES, type LeadStage } from "../../kernel/role-clarity";
import { isClosed } from "../../kernel/stages";
import type { Clock } from "../../platform/clock";
import type { Database } from "../../platform/db/client";
import { ROLES } from "../attribution/engine";
import { loadDealView } from "../deals/deal-view";
import { pairingContext } from "../program/pairings";
import { editRoles } from "./edit-roles";

// Editing who does what on a deal (the roles form, `/cosell roles`), the one use case behind it:
// authorize, check every field at once, then apply the edit in one transaction. No Slack here.

/** The roles form as entered: organization ids per role, leads per stage, SLA hours as typed. */
export const roleEditDraftSchema = z.object({
  dealId: z.string(),
  roles: z.partialRecord(z.enum(ROLES), z.array(z.string())).default({}),
  relationshipOwnerUserId: z.string().nullable().default(null),
  postSaleOwnerOrgId: z.string().nullable().default(null),
  /** organization id per stage; empty for none */
  stageLeads: z.partialRecord(z.enum(LEAD_STAGES), z.string().nullable()).default({}),
  /** partner organization id → whole hours as typed ("" for none) */
  responseSlaHours: z.record(z.string(), z.string()).default({}),
});
export type RoleEditDraft = z.infer<typeof roleEditDraftSchema>;

/** A field of the form: a role, the post-sale owner, a stage's lead, a partner's SLA. */
type RoleEditField = RoleField | `lead:${LeadStage}` | `sla:${string}`;

export type SubmitRoleEditResult =
  | { kind: "saved"; changed: boolean }
  | { kind: "fieldErrors"; errors: Partial<Record<RoleEditField, string>> }
  | { kind: "closed"; message: string }
  | { kind: "denied"; message: Extract<Decision, { allowed: false }>["message"] };

export interface RoleEditDeps {
  db: Pick<Database, "prisma">;
  clock: Clock;
}

export async function submitRoleEdit(deps: RoleEditDeps, actor: Actor, draft: RoleEditDraft): Promise<SubmitRoleEditResult> {
  const prisma = deps.db.prisma;
  // The deal id came back through the client: re-authorize it.
  const deal = await loadDealView(prisma, { id: draft.dealId }, deps.clock.now());
  const decision = decideDealAction(actor, "deal.editRoles", deal.pairing.orgIds);
  if (!decision.allowed) return { kind: "denied", message: decision.message };
  const closed = { kind: "closed" as const, message: `${formatDealRef(deal.ref)} was closed meanwhile; its roles are locked.` };
  if (isClosed(deal.stage)) return closed;

  const pairing = await pairingContext(prisma, { id: deal.pairing.id });
  if (!pairing) return closed;
  const checked = validateRoleAssignment({ roles: draft.roles, pairing, coSellModel: deal.coSellModel, postSaleOwnerOrgId: draft.postSaleOwnerOrgId });
  const errors: Partial<Record<RoleEditField, string>> = { ...checked.errors };
  const onDeal = new Set(checked.participants.map((p) => p.orgId));
  const stageLeads: Partial<Record<LeadStage, string>> = {};
  for (const stage of LEAD_STAGES) {
    const lead = draft.stageLeads[stage];
    if (!lead) continue;
    if (!onDeal.has(lead)) errors[`lead:${stage}`] = "The lead must be an organization on the deal (give it a role above).";
    else stageLeads[stage] = lead;
  }
  const responseSlaHours: Record<string, number | null> = {};
  for (const org of pairing.orgs.filter((o) => !o.internal)) {
    const raw = (draft.responseSlaHours[org.id] ?? "").trim();
    if (raw === "") continue;
    const hours = Number(raw);
    if (!Number.isInteger(hours) || hours < 1 || hours > 720) errors[`sla:${org.id}`] = "Give whole hours from 1 to 720 (24 is the usual commitment).";
    else responseSlaHours[org.id] = hours;
  }
  if (Object.keys(errors).length > 0) return { kind: "fieldErrors", errors };

  const result = await editRoles(prisma, {
    dealId: deal.id,
    edit: {
      participants: checked.participants,
      relationshipOwnerUserId: draft.relationshipOwnerUserId,
      postSaleOwnerOrgId: draft.postSaleOwnerOrgId,
      stageLeads,
      responseSlaHours,
    },
    changedBy: actor.userId,
    now: deps.clock.now(),
  });
  return result.closed ? closed : { kind: "saved", changed: result.changed };
}
