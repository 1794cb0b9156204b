import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { dbOf, type AppDeps } from "../../platform/deps";
import { decideAdminAction } from "../../kernel/access";
import { validateProgramSettings, type SettingsField } from "../../kernel/program-settings";
import { checkText } from "../../kernel/text-input";
import { assertAllowed, FieldErrors, UserError } from "../../platform/errors";
import type { CoSellModel, PartnerType } from "../../generated/prisma/client";
import { loadSetupForm, saveProgramSetup, SetupStepError, type SetupStep } from "./setup-form";
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

/** Where a refused step's message shows in the form. */
const STEP_BLOCK: Record<SetupStep, string> = { ourOrg: B.ourOrg, partner: B.partnerName, pairing: B.pairingOrgs };

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
      const form = await loadSetupForm(dbOf(deps));
      await slackOut(args.client).openView({ trigger_id: args.command.trigger_id, view: buildSetupModal(form) });
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
      const teams = s
        .text(B.partnerTeams)
        .split(/[\s,]+/)
        .filter(Boolean);
      // One transaction: a use case refusing (name taken, channel bound…) leaves nothing half-written.
      let saved: Awaited<ReturnType<typeof saveProgramSetup>>;
      try {
        saved = await saveProgramSetup(dbOf(deps), {
          ourOrg: { name: ourName, teamId: user.team_id ?? actor.teamId },
          settings: v,
          partner: partnerName ? { name: partnerName, type: partnerType as PartnerType, teamIds: teams } : null,
          pairing: pairingChannel
            ? {
                channelId: pairingChannel,
                name: pairingName,
                orgs: pairingOrgs.map((id) => (id === NEW_PARTNER ? { newPartner: true as const } : { id })),
                model: (s.select(B.pairingModel) ?? "SELL_WITH") as CoSellModel,
              }
            : null,
          actor: actor.userId,
          now: deps.clock.now(),
        });
      } catch (err) {
        if (err instanceof SetupStepError) throw new UserError(err.message, STEP_BLOCK[err.step]);
        throw err;
      }
      const summary: MrkdwnValue[] = [`Our organization: *${saved.org.name}*`];
      summary.push(
        `Settings saved (timezone ${v.timezone}, SLA ${v.responseSlaHours} h${v.businessHours ? ` in business hours ${v.businessHours.startHour}–${v.businessHours.endHour}` : ""}, stale after ${v.staleDays} days).`,
      );
      if (saved.partner) summary.push(`Added partner *${saved.partner.name}*.`);
      const { pairing } = saved;
      if (pairing) summary.push(mrkdwn`Added pairing *${pairing.name}* in ${channelLink(pairing.channelId)} (${pairing.members.join(", ")}).`);
      await ack();
      await slackOut(client)
        .postMessage({ channel: actor.userId, text: mrkdwn`✅ Program setup saved.\n${joinMrkdwn(summary)}` })
        .catch((e) => deps.logger.warn("setup confirmation failed", e));
    }),
  );
}
