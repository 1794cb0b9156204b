import { toJsonColumn } from "../../platform/db/json";
import { Prisma, type CoSellModel, type PartnerType, type PrismaClient } from "../../generated/prisma/client";
import type { ProgramSettings } from "../../kernel/program-settings";
import { UserError } from "../../platform/errors";
import { orgRepo } from "../../platform/repos/org-repo";
import { programRepo } from "../../platform/repos/program-repo";
import type { Tx } from "../../platform/db/client";
import { addPairing, addPartner, setOurOrganization } from "./program-setup";
import { lifecycleOf } from "../registration/lifecycle-settings";

// The setup form (`/cosell setup`): what it shows, and saving it. Plain data in and out; the
// listener validates the fields and renders the summary.

export interface SetupFormData {
  ourOrgName: string | null;
  settings: ProgramSettings;
  orgs: { id: string; name: string; internal: boolean }[];
}

/** The program's settings and organizations, as the form shows them. */
export async function loadSetupForm(db: Tx): Promise<SetupFormData> {
  const [program, orgs] = await Promise.all([programRepo(db).get(), orgRepo(db).listByName()]);
  return {
    ourOrgName: orgs.find((o) => o.kind === "INTERNAL")?.name ?? null,
    settings: {
      timezone: program.timezone,
      responseSlaHours: program.responseSlaHours,
      businessHours: program.businessHours,
      staleDays: program.staleDays,
      digestWeekday: program.digestWeekday,
      digestHour: program.digestHour,
      managerChannelId: program.managerChannelId,
      shareAmountsInChannel: program.shareAmountsInChannel,
      registration: lifecycleOf(program),
    },
    orgs: orgs.map((o) => ({ id: o.id, name: o.name, internal: o.kind === "INTERNAL" })),
  };
}

/** Which part of the form a refusal belongs to. */
export type SetupStep = "ourOrg" | "partner" | "pairing";

/** A use case refused one step of the setup (name taken, channel bound…); nothing was saved. */
export class SetupStepError extends UserError {
  constructor(
    readonly step: SetupStep,
    message: string,
  ) {
    super(message);
    this.name = "SetupStepError";
  }
}

export interface SaveSetupInput {
  ourOrg: { name: string; teamId: string };
  settings: ProgramSettings;
  partner: { name: string; type: PartnerType; teamIds: string[] } | null;
  /** a pairing's organizations: existing ones by id, or the partner added in the same form */
  pairing: { channelId: string; name: string; orgs: ({ id: string } | { newPartner: true })[]; model: CoSellModel } | null;
  actor: string;
  now: Date;
}

export interface SaveSetupResult {
  org: { name: string };
  partner: { name: string } | null;
  pairing: { name: string; channelId: string; members: string[] } | null;
}

/**
 * Saves the form in one transaction: our organization, the program settings (audited), and
 * optionally a new partner and a pairing. A refusal of any step leaves nothing half-written.
 */
export async function saveProgramSetup(prisma: PrismaClient, input: SaveSetupInput): Promise<SaveSetupResult> {
  const v = input.settings;
  const step = async <T>(which: SetupStep, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof UserError && !err.blockId && !(err instanceof SetupStepError)) throw new SetupStepError(which, err.message);
      throw err;
    }
  };
  return prisma.$transaction(async (tx) => {
    const org = await step("ourOrg", () => setOurOrganization(tx, { name: input.ourOrg.name, teamId: input.ourOrg.teamId, actor: input.actor }));
    await programRepo(tx).update({
      timezone: v.timezone,
      responseSlaHours: v.responseSlaHours,
      businessHours: v.businessHours ?? Prisma.DbNull,
      staleDays: v.staleDays,
      digestWeekday: v.digestWeekday,
      digestHour: v.digestHour,
      managerChannelId: v.managerChannelId,
      shareAmountsInChannel: v.shareAmountsInChannel,
      protectionDays: v.registration.protectionDays,
      protectionWarnDays: v.registration.protectionWarnDays,
      extensionDays: v.registration.extensionDays,
      maxExtensions: v.registration.maxExtensions,
      approvalSlaHours: v.registration.approvalSlaHours,
      autoApproveInternal: v.registration.autoApproveInternal,
      autoApproveMaxAmount: v.registration.autoApproveMaxAmount === null ? null : BigInt(v.registration.autoApproveMaxAmount),
    });
    await tx.auditEvent.create({
      data: { actor: input.actor, action: "program.settings", subject: "program", detail: toJsonColumn(v), createdAt: input.now },
    });
    let partner: { name: string } | null = null;
    if (input.partner) {
      const p = input.partner;
      partner = await step("partner", () => addPartner(tx, { name: p.name, type: p.type, teamIds: p.teamIds, actor: input.actor }));
    }
    let pairing: SaveSetupResult["pairing"] = null;
    if (input.pairing) {
      const p = input.pairing;
      const all = await tx.organization.findMany({ select: { id: true, name: true } });
      const names = p.orgs.map((o) => ("newPartner" in o ? partner!.name : (all.find((x) => x.id === o.id)?.name ?? o.id)));
      pairing = await step("pairing", () => addPairing(tx, { channelId: p.channelId, name: p.name, orgNames: names, model: p.model, actor: input.actor }));
    }
    return { org, partner, pairing };
  });
}
