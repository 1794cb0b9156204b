import type { ProgramSettings } from "../../kernel/program-settings";
import { CALLBACK, INPUT, SETUP_BLOCK as B } from "../../platform/slack/ids";
import { option, textInput, type TextInputOptions, modalView } from "../../platform/slack/inputs";
import type { SafeBlock, SafeModalView } from "../../platform/slack/mrkdwn";

export const NEW_PARTNER = "__new_partner__";
const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const PARTNER_TYPES: [string, string][] = [
  ["TECHNOLOGY", "Technology / ISV"],
  ["RESELLER", "Reseller / VAR"],
  ["SI", "Systems integrator"],
  ["REFERRAL", "Referral"],
  ["ALLIANCE", "Alliance"],
];
const MODELS: [string, string][] = [
  ["SELL_WITH", "Sell-with"],
  ["SELL_THROUGH", "Sell-through"],
  ["SELL_TO", "Sell-to"],
];

export interface SetupModalData {
  ourOrgName: string | null;
  settings: ProgramSettings;
  orgs: { id: string; name: string; internal: boolean }[];
}

const opt = option;

/** Program setup for admins: our organization, program settings, and optionally one new partner and pairing. */
export function buildSetupModal(d: SetupModalData): SafeModalView {
  const s = d.settings;
  const text = (block_id: string, label: string, initial: string | null, opts: TextInputOptions = {}) => textInput(block_id, label, { ...opts, initial });
  const weekdayOptions = WEEKDAYS.map((w, i) => opt(String(i + 1), w));
  const orgOptions = [...d.orgs.map((o) => opt(o.id, o.internal ? `${o.name} (us)` : o.name)), opt(NEW_PARTNER, "The new partner above")];
  const blocks: SafeBlock[] = [
    { type: "header", text: { type: "plain_text", text: "Our organization" } },
    text(B.ourOrg, "Our company's name", d.ourOrgName, { max: 80, hint: "Your Slack workspace is recorded as ours." }),
    { type: "header", text: { type: "plain_text", text: "Program settings" } },
    text(B.timezone, "Program timezone (IANA name)", s.timezone, { hint: "Digests and SLA clocks run in it, e.g. Europe/Berlin." }),
    text(B.responseSlaHours, "Default response SLA (hours)", String(s.responseSlaHours), {
      hint: "How fast a partner answers a deal request unless the deal says otherwise.",
    }),
    checkbox(B.useBusinessHours, "SLA clock", "Count only business hours", Boolean(s.businessHours)),
    text(B.startHour, "Business hours start (0–23)", String(s.businessHours?.startHour ?? 9), { optional: true }),
    text(B.endHour, "Business hours end (1–24)", String(s.businessHours?.endHour ?? 17), { optional: true }),
    {
      type: "input",
      block_id: B.workdays,
      optional: true,
      label: { type: "plain_text", text: "Working days" },
      element: {
        type: "checkboxes",
        action_id: INPUT,
        options: weekdayOptions,
        initial_options: weekdayOptions.filter((o) => (s.businessHours?.workdays ?? [1, 2, 3, 4, 5]).includes(Number(o.value))),
      },
    },
    text(B.staleDays, "A deal is stale after (days without a touchpoint)", String(s.staleDays)),
    {
      type: "input",
      block_id: B.digestWeekday,
      label: { type: "plain_text", text: "Weekly standup digest day" },
      element: { type: "static_select", action_id: INPUT, options: weekdayOptions, initial_option: weekdayOptions[s.digestWeekday - 1]! },
    },
    text(B.digestHour, "Digest hour (0–23, program timezone)", String(s.digestHour)),
    {
      type: "input",
      block_id: B.managerChannel,
      optional: true,
      label: { type: "plain_text", text: "Manager digest channel (internal)" },
      hint: { type: "plain_text", text: "Leave empty to DM the manager digest to the admins." },
      element: {
        type: "conversations_select",
        action_id: INPUT,
        filter: { include: ["public", "private"], exclude_external_shared_channels: true },
        ...(s.managerChannelId ? { initial_conversation: s.managerChannelId } : {}),
      },
    },
    checkbox(B.shareAmounts, "Attribution receipts in shared channels", "Show every partner's payout amount to everyone", Boolean(s.shareAmountsInChannel)),
    { type: "header", text: { type: "plain_text", text: "Deal registration" } },
    text(B.protectionDays, "Protection after approval (days)", String(s.registration.protectionDays), {
      hint: "An approved registration protects its account for its partners this long, unless the deal closes first.",
    }),
    text(B.extensionDays, "Extension (days)", String(s.registration.extensionDays), { hint: "What an admin grants when a registrant asks for more time." }),
    text(B.maxExtensions, "Extensions allowed per registration", String(s.registration.maxExtensions)),
    text(B.approvalSlaHours, "Review SLA (hours)", String(s.registration.approvalSlaHours), {
      hint: "Admins are reminded once after this; counted in business hours when the SLA clock uses them.",
    }),
    checkbox(B.autoApproveInternal, "Auto-approve", "Registrations by our own people (when there is no conflict)", s.registration.autoApproveInternal),
    text(
      B.autoApproveMaxAmount,
      "Also auto-approve up to this amount (whole units)",
      s.registration.autoApproveMaxAmount === null ? null : String(s.registration.autoApproveMaxAmount),
      {
        optional: true,
        placeholder: "25000",
        hint: "Any registration with no conflict and an amount at most this is approved at once. Empty: partner registrations are always reviewed.",
      },
    ),
    { type: "header", text: { type: "plain_text", text: "Add a partner (optional)" } },
    text(B.partnerName, "Partner name", null, { optional: true, max: 80 }),
    {
      type: "input",
      block_id: B.partnerType,
      optional: true,
      label: { type: "plain_text", text: "Partner type" },
      element: { type: "static_select", action_id: INPUT, options: PARTNER_TYPES.map(([v, t]) => opt(v, t)) },
    },
    text(B.partnerTeams, "Their Slack team IDs", null, {
      optional: true,
      placeholder: "T0ACME1, T0ACME2",
      hint: "People from these workspaces count as this partner's.",
    }),
    { type: "header", text: { type: "plain_text", text: "Add a pairing (optional)" } },
    {
      type: "input",
      block_id: B.pairingChannel,
      optional: true,
      label: { type: "plain_text", text: "Shared channel" },
      element: { type: "conversations_select", action_id: INPUT, filter: { include: ["public", "private"] } },
    },
    text(B.pairingName, "Pairing name", null, { optional: true, max: 80, placeholder: "Ourco + Acme Data" }),
    {
      type: "input",
      block_id: B.pairingOrgs,
      optional: true,
      label: { type: "plain_text", text: "Organizations (2 or more)" },
      element: { type: "multi_static_select", action_id: INPUT, options: orgOptions.slice(0, 100) },
    },
    {
      type: "input",
      block_id: B.pairingModel,
      optional: true,
      label: { type: "plain_text", text: "Default co-sell model" },
      element: { type: "static_select", action_id: INPUT, options: MODELS.map(([v, t]) => opt(v, t)), initial_option: opt("SELL_WITH", "Sell-with") },
    },
  ];
  return modalView({ callbackId: CALLBACK.setup, title: "Co-sell program setup", submit: "Save", close: "Cancel" }, blocks);
}

/** One optional yes/no checkbox, ticked when `on`. */
function checkbox(blockId: string, label: string, text: string, on: boolean): SafeBlock {
  const yes = opt("yes", text);
  return {
    type: "input",
    block_id: blockId,
    optional: true,
    label: { type: "plain_text", text: label },
    element: { type: "checkboxes", action_id: INPUT, options: [yes], ...(on ? { initial_options: [yes] } : {}) },
  };
}
