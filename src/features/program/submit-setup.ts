import { z } from "zod";
import { decideAdminAction, type Actor, type Decision } from "../../kernel/access";
import { validateProgramSettings, type ProgramSettings, type SettingsField } from "../../kernel/program-settings";
import { checkText } from "../../kernel/text-input";
import type { Clock } from "../../platform/clock";
import type { Database } from "../../platform/db/client";
import { CO_SELL_MODELS, type CoSellModel } from "../attribution/engine";
import { PartnerType } from "../../generated/prisma/enums";
import { lifecycleOf } from "../registration/lifecycle-settings";
import { saveProgramSetup, SetupStepError, type SetupStep } from "./setup-form";

// Saving the setup form (`/cosell setup`), the one use case behind it: authorize, check every
// field at once, then save our organization, the settings and an optional partner and pairing
// in one transaction. No Slack here: the listener reads the form into a draft and renders.

/** The setup form as entered (strings as typed; nothing trusted yet). */
export const setupDraftSchema = z.object({
  ourOrgName: z.string().default(""),
  timezone: z.string().default(""),
  responseSlaHours: z.string().default(""),
  useBusinessHours: z.boolean().default(false),
  startHour: z.string().default(""),
  endHour: z.string().default(""),
  workdays: z.array(z.string()).default([]),
  staleDays: z.string().default(""),
  digestWeekday: z.string().nullable().default(null),
  digestHour: z.string().default(""),
  managerChannelId: z.string().nullable().default(null),
  shareAmountsInChannel: z.boolean().default(false),
  // The registration lifecycle. Absent (a form opened before these inputs existed, a caller
  // that does not set them): the program's current values are kept.
  protectionDays: z.string().optional(),
  extensionDays: z.string().optional(),
  maxExtensions: z.string().optional(),
  approvalSlaHours: z.string().optional(),
  autoApproveInternal: z.boolean().optional(),
  /** whole units of the deal's currency; empty = every partner registration is reviewed */
  autoApproveMaxAmount: z.string().optional(),
  partnerName: z.string().default(""),
  partnerType: z.string().nullable().default(null),
  /** Slack team IDs, separated by spaces or commas */
  partnerTeams: z.string().default(""),
  pairingChannelId: z.string().nullable().default(null),
  pairingName: z.string().default(""),
  /** existing organizations by id, or the partner added in the same form */
  pairingOrgs: z.array(z.union([z.object({ id: z.string() }), z.object({ newPartner: z.literal(true) })])).default([]),
  pairingModel: z.string().nullable().default(null),
});
export type SetupDraft = z.infer<typeof setupDraftSchema>;

export type SetupField = SettingsField | "ourOrgName" | "partnerName" | "partnerType" | "pairingChannelId" | "pairingName" | "pairingOrgs";

export interface SetupDeps {
  db: Pick<Database, "prisma">;
  clock: Clock;
  admins: readonly string[];
}

export type SubmitSetupResult =
  | {
      kind: "saved";
      settings: ProgramSettings;
      org: { name: string };
      partner: { name: string } | null;
      pairing: { name: string; channelId: string; members: string[] } | null;
    }
  | { kind: "fieldErrors"; errors: Partial<Record<SetupField, string>> }
  | { kind: "denied"; message: Extract<Decision, { allowed: false }>["message"] };

/** Where a refused step's message belongs. */
const STEP_FIELD: Record<SetupStep, SetupField> = { ourOrg: "ourOrgName", partner: "partnerName", pairing: "pairingOrgs" };

export async function submitProgramSetup(deps: SetupDeps, actor: Actor, draft: SetupDraft): Promise<SubmitSetupResult> {
  const decision = decideAdminAction(actor, "program.configure", deps.admins);
  if (!decision.allowed) return { kind: "denied", message: decision.message };

  const current = lifecycleOf(await deps.db.prisma.program.findUniqueOrThrow({ where: { id: 1 } }));
  const checked = validateProgramSettings({
    ...draft,
    protectionDays: draft.protectionDays ?? String(current.protectionDays),
    extensionDays: draft.extensionDays ?? String(current.extensionDays),
    maxExtensions: draft.maxExtensions ?? String(current.maxExtensions),
    approvalSlaHours: draft.approvalSlaHours ?? String(current.approvalSlaHours),
    autoApproveInternal: draft.autoApproveInternal ?? current.autoApproveInternal,
    autoApproveMaxAmount: draft.autoApproveMaxAmount ?? (current.autoApproveMaxAmount === null ? "" : String(current.autoApproveMaxAmount)),
  });
  const errors: Partial<Record<SetupField, string>> = checked.ok ? {} : { ...checked.errors };
  const ourName = draft.ourOrgName.trim();
  const partnerName = draft.partnerName.trim();
  const pairingName = draft.pairingName.trim();
  const partnerType = Object.values(PartnerType).find((t) => t === draft.partnerType);
  if (!ourName) errors.ourOrgName = "Name our organization.";
  if (partnerName && !partnerType) errors.partnerType = "Pick the new partner's type.";
  if (draft.pairingChannelId && !pairingName) errors.pairingName = "Name the pairing.";
  if (draft.pairingChannelId && draft.pairingOrgs.length < 2) errors.pairingOrgs = "A pairing needs at least 2 organizations.";
  if (draft.pairingOrgs.some((o) => "newPartner" in o) && !partnerName) errors.pairingOrgs = "You picked the new partner, but no partner name is given above.";
  if (!draft.pairingChannelId && (pairingName || draft.pairingOrgs.length > 0)) errors.pairingChannelId = "Pick the pairing's shared channel.";
  for (const [key, field] of [
    ["ourOrgName", "Our organization's name"],
    ["partnerName", "The partner name"],
    ["pairingName", "The pairing name"],
  ] as const) {
    const chars = checkText(draft[key], { field, name: true });
    if (!chars.ok) errors[key] = chars.message;
  }
  if (!checked.ok || Object.keys(errors).length > 0) return { kind: "fieldErrors", errors };

  const settings = checked.value;
  const model: CoSellModel = CO_SELL_MODELS.find((m) => m === draft.pairingModel) ?? "SELL_WITH";
  try {
    // One transaction: a step refusing (name taken, channel bound…) leaves nothing half-written.
    const saved = await saveProgramSetup(deps.db.prisma, {
      ourOrg: { name: ourName, teamId: actor.kind === "stranger" ? "" : actor.teamId },
      settings,
      partner: partnerName && partnerType ? { name: partnerName, type: partnerType, teamIds: draft.partnerTeams.split(/[\s,]+/).filter(Boolean) } : null,
      pairing: draft.pairingChannelId ? { channelId: draft.pairingChannelId, name: pairingName, orgs: draft.pairingOrgs, model } : null,
      actor: actor.userId,
      now: deps.clock.now(),
    });
    return { kind: "saved", settings, org: saved.org, partner: saved.partner, pairing: saved.pairing };
  } catch (err) {
    if (err instanceof SetupStepError) return { kind: "fieldErrors", errors: { [STEP_FIELD[err.step]]: err.message } };
    throw err;
  }
}
