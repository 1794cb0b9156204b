import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { dbOf, type AppDeps } from "../../platform/deps";
import { decideAdminAction } from "../../kernel/access";
import { AccessDenied, assertAllowed, FieldErrors, UserError } from "../../platform/errors";
import { inTransaction } from "../../platform/db/client";
import { setPairingTargets } from "./program-setup";
import { TARGETS } from "../digests/metrics";
import { loadSetupForm } from "./setup-form";
import { buildSetupModal, NEW_PARTNER } from "./setup-modal";
import { submitProgramSetup, setupDraftSchema, type SetupDraft, type SetupField, type SubmitSetupResult } from "./submit-setup";
import { CALLBACK, SETUP_BLOCK as B } from "../../platform/slack/ids";
import { resolveActor, type Who } from "../../platform/slack/identity";
import { viewListener, type ListenerContext } from "../../platform/slack/listener";
import { StateReader } from "../../platform/slack/view-state";
import type { Subcommand } from "../../platform/slack/commands";
import { slackOut } from "../../platform/slack/send";
import { channelLink, joinMrkdwn, mrkdwn, type MrkdwnValue, type SlackText } from "../../platform/slack/mrkdwn";

/** Where each field's problem shows in the form. */
const FIELD_BLOCK: Record<SetupField, string> = {
  ourOrgName: B.ourOrg,
  partnerName: B.partnerName,
  partnerType: B.partnerType,
  pairingChannelId: B.pairingChannel,
  pairingName: B.pairingName,
  pairingOrgs: B.pairingOrgs,
  timezone: B.timezone,
  responseSlaHours: B.responseSlaHours,
  businessHours: B.startHour,
  workdays: B.workdays,
  staleDays: B.staleDays,
  digestWeekday: B.digestWeekday,
  digestHour: B.digestHour,
  protectionDays: B.protectionDays,
  extensionDays: B.extensionDays,
  maxExtensions: B.maxExtensions,
  approvalSlaHours: B.approvalSlaHours,
  autoApproveMaxAmount: B.autoApproveMaxAmount,
};

async function requireAdmin(deps: AppDeps, client: WebClient, who: Who, blockId?: string) {
  const actor = await resolveActor(deps, client, who);
  assertAllowed(decideAdminAction(actor, "program.configure", deps.config.admins), blockId);
  return actor;
}

const TARGETS_USAGE = '/cosell setup targets "<pairing>" <registrations> <active deals>|default';

/** `/cosell setup targets "<pairing>" 8 4` (or `default`): one transaction, audited; the answer says what is now in force. */
async function pairingTargets(deps: AppDeps, actor: string, words: readonly string[]): Promise<SlackText> {
  const [name, a, b, ...extra] = words;
  const whole = (w: string | undefined) => (w !== undefined && /^\d{1,3}$/.test(w) && Number(w) >= 1 ? Number(w) : null);
  const reset = a?.toLowerCase() === "default" && b === undefined;
  if (!name || extra.length > 0 || (!reset && (whole(a) === null || whole(b) === null))) {
    throw new UserError(`Usage: \`${TARGETS_USAGE}\` (whole numbers from 1; put a name with spaces in quotes).`);
  }
  const r = await inTransaction(dbOf(deps), (tx) =>
    setPairingTargets(tx, { name, registrations: reset ? null : whole(a), activeDeals: reset ? null : whole(b), actor }),
  );
  return r.registrations === null
    ? mrkdwn`*${r.name}* is back on the default targets: ${TARGETS.registrations90} registrations in 90 days and ${TARGETS.activeDeals60.low} active deals by day 60.`
    : mrkdwn`*${r.name}*'s targets are now ${r.registrations} registrations in 90 days and ${r.activeDeals ?? TARGETS.activeDeals60.low} active deals by day 60 (its digest and its QBR use them).`;
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
      {
        usage: TARGETS_USAGE,
        example: '/cosell setup targets "Ourco + Acme" 8 4',
        summary: `a pairing's own 90-day targets (registrations, active deals) for its digest and its QBR; \`default\` puts the defaults (${TARGETS.registrations90} and ${TARGETS.activeDeals60.low}) back`,
        adminOnly: true,
      },
    ],
    async run({ args, words }) {
      const actor = await requireAdmin(deps, args.client, { userId: args.command.user_id, teamId: args.command.team_id });
      if ((words[0] ?? "").toLowerCase() === "targets") {
        await args.ack({ response_type: "ephemeral", text: await pairingTargets(deps, actor.userId, words.slice(1)) });
        return;
      }
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
      const actor = await resolveActor(deps, client, { userId: body.user.id, teamId: body.user.team_id });
      const result = await submitProgramSetup({ db: deps.db, clock: deps.clock, admins: deps.config.admins }, actor, readSetupDraft(view.state.values));
      if (result.kind === "denied") throw new AccessDenied(result.message, B.ourOrg);
      if (result.kind === "fieldErrors") throw new FieldErrors(mapKeys(result.errors, FIELD_BLOCK));
      await ack();
      await slackOut(client)
        .postMessage({ channel: actor.userId, text: setupConfirmation(result) })
        .catch((e) => deps.logger.warn("setup confirmation failed", e));
    }),
  );
}

/** The form's values as typed, in the use case's words. */
function readSetupDraft(values: unknown): SetupDraft {
  const s = StateReader.parse(values);
  return setupDraftSchema.parse({
    ourOrgName: s.text(B.ourOrg),
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
    ...(s.has(B.protectionDays) ? { protectionDays: s.text(B.protectionDays) } : {}),
    ...(s.has(B.extensionDays) ? { extensionDays: s.text(B.extensionDays) } : {}),
    ...(s.has(B.maxExtensions) ? { maxExtensions: s.text(B.maxExtensions) } : {}),
    ...(s.has(B.approvalSlaHours) ? { approvalSlaHours: s.text(B.approvalSlaHours) } : {}),
    ...(s.has(B.autoApproveInternal) ? { autoApproveInternal: s.checked(B.autoApproveInternal) } : {}),
    ...(s.has(B.autoApproveMaxAmount) ? { autoApproveMaxAmount: s.text(B.autoApproveMaxAmount) } : {}),
    partnerName: s.text(B.partnerName),
    partnerType: s.select(B.partnerType),
    partnerTeams: s.text(B.partnerTeams),
    pairingChannelId: s.conversation(B.pairingChannel),
    pairingName: s.text(B.pairingName),
    pairingOrgs: s.multi(B.pairingOrgs).map((id) => (id === NEW_PARTNER ? { newPartner: true } : { id })),
    pairingModel: s.select(B.pairingModel),
  });
}

function mapKeys(errors: Partial<Record<SetupField, string>>, blocks: Record<SetupField, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [blocks[field as SetupField], message!]));
}

function setupConfirmation(saved: Extract<SubmitSetupResult, { kind: "saved" }>): SlackText {
  const v = saved.settings;
  const summary: MrkdwnValue[] = [mrkdwn`Our organization: *${saved.org.name}*`];
  summary.push(
    mrkdwn`Settings saved (timezone ${v.timezone}, SLA ${String(v.responseSlaHours)} h${v.businessHours ? ` in business hours ${v.businessHours.startHour}–${v.businessHours.endHour}` : ""}, stale after ${String(v.staleDays)} days; registrations protected ${String(v.registration.protectionDays)} days, review SLA ${String(v.registration.approvalSlaHours)} h).`,
  );
  if (saved.partner) summary.push(mrkdwn`Added partner *${saved.partner.name}*.`);
  const { pairing } = saved;
  if (pairing) summary.push(mrkdwn`Added pairing *${pairing.name}* in ${channelLink(pairing.channelId)} (${pairing.members.join(", ")}).`);
  return mrkdwn`✅ Program setup saved.\n${joinMrkdwn(summary)}`;
}
