import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { AppDeps } from "../../platform/deps";
import { decideAdminAction } from "../../kernel/access";
import { validateProgramSettings, type ProgramSettings, type SettingsField } from "../../kernel/program-settings";
import { checkText } from "../../kernel/text-input";
import { assertAllowed, FieldErrors, UserError } from "../../platform/errors";
import { Prisma, type CoSellModel, type PartnerType } from "../../generated/prisma/client";
import { addPairing, addPartner, setOurOrganization } from "./program-setup";
import { buildSetupModal, NEW_PARTNER } from "./setup-modal";
import { CALLBACK, SETUP_BLOCK as B } from "../../platform/slack/ids";
import { resolveActor, type Who } from "../../platform/slack/identity";
import { viewListener, type ListenerContext } from "../../platform/slack/listener";
import { StateReader } from "../../platform/slack/view-state";
import type { Subcommand } from "../../platform/slack/commands";
import { slackOut } from "../../platform/slack/send";
import { channelLink, joinMrkdwn, mrkdwn, type MrkdwnValue } from "../../platform/slack/mrkdwn";

const FIELD_BLOCK: Record<SettingsField, string> = {
  timezone: B.timezone,
  responseSlaHours: B.responseSlaHours,
  businessHours: B.startHour,
  workdays: B.workdays,
  staleDays: B.staleDays,
  digestWeekday: B.digestWeekday,
  digestHour: B.digestHour,
};

async function requireAdmin(deps: AppDeps, client: WebClient, who: Who, blockId?: string) {
  const actor = await resolveActor(deps, client, who);
  assertAllowed(decideAdminAction(actor, "program.configure", deps.config.admins), blockId);
  return actor;
}

export function setupModalSubcommand(deps: AppDeps): Subcommand {
  return {
    name: "setup",
    opensModal: true,
    help: [
      {
        usage: "/cosell setup",
        example: "/cosell setup",
        summary: "program setup form: our organization, timezone, SLAs, digest, a new partner and pairing",
        adminOnly: true,
      },
    ],
    async run({ args }) {
      await requireAdmin(deps, args.client, { userId: args.command.user_id, teamId: args.command.team_id });
      await args.ack();
      const prisma = deps.db.prisma;
      const [program, orgs] = await Promise.all([
        prisma.program.findUniqueOrThrow({ where: { id: 1 } }),
        prisma.organization.findMany({ orderBy: { name: "asc" } }),
      ]);
      const settings: ProgramSettings = {
        timezone: program.timezone,
        responseSlaHours: program.responseSlaHours,
        businessHours: (program.businessHours as ProgramSettings["businessHours"]) ?? null,
        staleDays: program.staleDays,
        digestWeekday: program.digestWeekday,
        digestHour: program.digestHour,
        managerChannelId: program.managerChannelId,
        shareAmountsInChannel: program.shareAmountsInChannel,
      };
      await slackOut(args.client).openView({
        trigger_id: args.command.trigger_id,
        view: buildSetupModal({
          ourOrgName: orgs.find((o) => o.kind === "INTERNAL")?.name ?? null,
          settings,
          orgs: orgs.map((o) => ({ id: o.id, name: o.name, internal: o.kind === "INTERNAL" })),
        }),
      });
    },
  };
}

export function registerSetupModal(app: App, deps: AppDeps, ctx: ListenerContext): void {
  app.view(
    CALLBACK.setup,
    viewListener(ctx, async ({ ack, body, view, client }) => {
      const user = body.user as { id: string; team_id?: string };
      const actor = await requireAdmin(deps, client, { userId: user.id, teamId: user.team_id }, B.ourOrg);
      const s = StateReader.parse(view.state.values);
      const checked = validateProgramSettings({
        timezone: s.text(B.timezone),
        responseSlaHours: s.text(B.responseSlaHours),
        useBusinessHours: s.checked(B.useBusinessHours),
        startHour: s.text(B.startHour),
        endHour: s.text(B.endHour),
        workdays: s.multi(B.workdays),
        staleDays: s.text(B.staleDays),
        digestWeekday: s.select(B.digestWeekday),
        digestHour: s.text(B.digestHour),
        managerChannelId: s.conversation(B.managerChannel),
        shareAmountsInChannel: s.checked(B.shareAmounts),
      });
      const errors: Record<string, string> = {};
      if (!checked.ok) for (const [f, m] of Object.entries(checked.errors)) errors[FIELD_BLOCK[f as SettingsField]] = m!;
      const ourName = s.text(B.ourOrg).trim();
      if (!ourName) errors[B.ourOrg] = "Name our organization.";
      const partnerName = s.text(B.partnerName).trim();
      const partnerType = s.select(B.partnerType);
      if (partnerName && !partnerType) errors[B.partnerType] = "Pick the new partner's type.";
      const pairingChannel = s.conversation(B.pairingChannel);
      const pairingName = s.text(B.pairingName).trim();
      const pairingOrgs = s.multi(B.pairingOrgs);
      if (pairingChannel && !pairingName) errors[B.pairingName] = "Name the pairing.";
      if (pairingChannel && pairingOrgs.length < 2) errors[B.pairingOrgs] = "A pairing needs at least 2 organizations.";
      if (pairingOrgs.includes(NEW_PARTNER) && !partnerName) errors[B.pairingOrgs] = "You picked the new partner, but no partner name is given above.";
      if (!pairingChannel && (pairingName || pairingOrgs.length > 0)) errors[B.pairingChannel] = "Pick the pairing's shared channel.";
      // Names are checked here too (not only by the use cases) so every field error shows at once.
      for (const [block, field] of [
        [B.ourOrg, "Our organization's name"],
        [B.partnerName, "The partner name"],
        [B.pairingName, "The pairing name"],
      ] as const) {
        const chars = checkText(s.text(block), { field, name: true });
        if (!chars.ok) errors[block] = chars.message;
      }
      if (Object.keys(errors).length > 0 || !checked.ok) throw new FieldErrors(errors);

      const v = checked.value;
      // One transaction: a use case refusing (name taken, channel bound…) leaves nothing half-written.
      const at = async <T>(blockId: string, fn: () => Promise<T>): Promise<T> => {
        try {
          return await fn();
        } catch (err) {
          if (err instanceof UserError && !err.blockId) throw new UserError(err.message, blockId);
          throw err;
        }
      };
      const summary = await deps.db.prisma.$transaction(async (tx) => {
        const lines: MrkdwnValue[] = [];
        const org = await at(B.ourOrg, () => setOurOrganization(tx, { name: ourName, teamId: user.team_id ?? actor.teamId, actor: actor.userId }));
        lines.push(`Our organization: *${org.name}*`);
        await tx.program.update({
          where: { id: 1 },
          data: {
            timezone: v.timezone,
            responseSlaHours: v.responseSlaHours,
            businessHours: v.businessHours ?? Prisma.DbNull,
            staleDays: v.staleDays,
            digestWeekday: v.digestWeekday,
            digestHour: v.digestHour,
            managerChannelId: v.managerChannelId,
            shareAmountsInChannel: v.shareAmountsInChannel,
          },
        });
        await tx.auditEvent.create({
          data: {
            actor: actor.userId,
            action: "program.settings",
            subject: "program",
            detail: v as unknown as Prisma.InputJsonValue,
            createdAt: deps.clock.now(),
          },
        });
        lines.push(
          `Settings saved (timezone ${v.timezone}, SLA ${v.responseSlaHours} h${v.businessHours ? ` in business hours ${v.businessHours.startHour}–${v.businessHours.endHour}` : ""}, stale after ${v.staleDays} days).`,
        );
        let newPartnerName: string | null = null;
        if (partnerName) {
          const teams = s
            .text(B.partnerTeams)
            .split(/[\s,]+/)
            .filter(Boolean);
          const p = await at(B.partnerName, () => addPartner(tx, { name: partnerName, type: partnerType as PartnerType, teamIds: teams, actor: actor.userId }));
          newPartnerName = p.name;
          lines.push(`Added partner *${p.name}*.`);
        }
        if (pairingChannel) {
          const all = await tx.organization.findMany({ select: { id: true, name: true } });
          const names = pairingOrgs.map((id) => (id === NEW_PARTNER ? newPartnerName! : (all.find((o) => o.id === id)?.name ?? id)));
          const model = (s.select(B.pairingModel) ?? "SELL_WITH") as CoSellModel;
          const pairing = await at(B.pairingOrgs, () =>
            addPairing(tx, { channelId: pairingChannel, name: pairingName, orgNames: names, model, actor: actor.userId }),
          );
          lines.push(mrkdwn`Added pairing *${pairing.name}* in ${channelLink(pairing.channelId)} (${pairing.members.join(", ")}).`);
        }
        return lines;
      });
      await ack();
      await slackOut(client)
        .postMessage({ channel: actor.userId, text: mrkdwn`✅ Program setup saved.\n${joinMrkdwn(summary)}` })
        .catch((e) => deps.logger.warn("setup confirmation failed", e));
    }),
  );
}
