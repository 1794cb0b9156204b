import type { PlainTextOption } from "@slack/types";
import { ATTRIBUTION_MODELS, MODEL_LABELS, ROLES, type CoSellModel, type Role } from "../attribution/engine";
import { CURRENCIES, LIMITS, REGISTRATION_STAGES, roleWord } from "../../kernel/registration";
import { TIMING_ANSWER_LABEL, TIMING_ANSWERS } from "../../kernel/incentives";
import { STAGE_LABELS } from "../../kernel/stages";
import { CALLBACK, INPUT, REGISTER_BLOCK as B } from "../../platform/slack/ids";
import { option, textInput } from "../../platform/slack/inputs";
import { formatDealRef, slackDate } from "../../platform/slack/format";
import { mention, mrkdwn, truncateMrkdwn, type SafeBlock, type SafeModalView } from "../../platform/slack/mrkdwn";
import type { RegistrationForm } from "./prepare-registration-form";
import type { ConflictingRegistration } from "./submit-registration";

/** Why the account is taken: in full for our people, in the program's words for a partner's. */
function conflictNotice(c: ConflictingRegistration) {
  const then = "\nYou can still submit this registration: a program admin reviews it and decides.";
  const d = c.detail;
  if (!d) return mrkdwn`⚠️ *This account is already protected in the program.*${then}`;
  if (d.kind === "house")
    return mrkdwn`⚠️ *Direct sales already active on this account* — our deal “${d.title}”, owned by ${mention(d.ownerUserId)} since ${slackDate(d.registeredAt, "{date_short_pretty}")}.${then}`;
  return mrkdwn`⚠️ *${formatDealRef(d.ref)} already holds this account* — registered by ${mention(d.registeredBy)} ${slackDate(d.registeredAt, "{date_short_pretty}")} with ${d.partners.join(", ") || "no partner"}. The first registration is protected.${then}`;
}

/** The form's data (prepareRegistrationForm) with what only the modal carries. */
export interface RegisterModalData extends RegistrationForm {
  /** what holds the account (details only for our own people) */
  conflict?: ConflictingRegistration | undefined;
  metadata: RegisterMetadata;
}

/** Carried in private_metadata; re-checked on submit (never trusted). */
interface RegisterMetadata {
  /** the channel the modal was opened from, for the confirmation */
  channelId?: string | undefined;
  /** the open deal shown as a conflict; ticking the box then acknowledges that deal */
  conflictDealId?: string | undefined;
}

const ROLE_HINT: Record<Role, string> = {
  SOURCING: "identified the opportunity",
  SELLING: "leads the sales process",
  TECHNICAL_VALIDATION: "demos, POCs, integration support",
  IMPLEMENTATION: "post-sale delivery",
  INFLUENCE: "brand, warm intro or executive sponsorship",
};

const MODEL_OPTIONS: { value: CoSellModel; text: string }[] = [
  { value: "SELL_WITH", text: "Sell-with — both partners sell together" },
  { value: "SELL_THROUGH", text: "Sell-through — one sells, the other is included" },
  { value: "SELL_TO", text: "Sell-to — warm intro, the other sells alone" },
];

const opt = option;

export function buildRegisterModal(data: RegisterModalData): SafeModalView {
  const i = data.initial;
  const orgOptions = data.orgs.slice(0, 100).map((o) => opt(o.id, o.internal ? `${o.name} (us)` : o.name));
  const pairingOptions = data.pairings.slice(0, 100).map((p) => opt(p.id, p.name));
  const selected = (options: PlainTextOption[], value: string | undefined | null) => options.find((o) => o.value === value);

  const timingOptions = TIMING_ANSWERS.map((a) => opt(a, TIMING_ANSWER_LABEL[a]));
  const stageOptions = REGISTRATION_STAGES.filter((st) => st !== "CLOSED_WON" || data.canClaimAfterClose).map((st) =>
    opt(st, st === "CLOSED_WON" ? "Closed won — recorded after close (admins)" : STAGE_LABELS[st]),
  );
  const blocks: SafeBlock[] = [];
  if (data.conflict) {
    blocks.push(
      { type: "section", block_id: "conflict_notice", text: { type: "mrkdwn", text: truncateMrkdwn(conflictNotice(data.conflict), 3000) } },
      {
        type: "input",
        block_id: B.conflict,
        label: { type: "plain_text", text: "Submit anyway?" },
        element: {
          type: "checkboxes",
          action_id: INPUT,
          options: [opt("yes", "Yes, submit it for an admin's review")],
        },
      },
      { type: "divider" },
    );
  }

  const currencyOptions = CURRENCIES.map((c) => opt(c, c));
  const modelOptions = MODEL_OPTIONS.map((m) => opt(m.value, m.text));
  const explicitOptions = ATTRIBUTION_MODELS.map((m) => opt(m, MODEL_LABELS[m]));
  blocks.push(
    textInput(B.accountName, "Account name", { initial: i.accountName, max: LIMITS.accountName, placeholder: "Northwind Traders" }),
    textInput(B.accountDomain, "Account web domain", {
      initial: i.accountDomain,
      placeholder: "northwind.com",
      hint: "Used to find existing registrations on the same account.",
    }),
    textInput(B.title, "Deal title", { initial: i.title, max: LIMITS.title, placeholder: "Data platform rollout, 400 seats" }),
    textInput(B.amount, "Amount", { initial: i.amount, placeholder: "48,000 or 48k", hint: "Expected deal value in the currency below." }),
    {
      type: "input",
      block_id: B.currency,
      label: { type: "plain_text", text: "Currency" },
      element: {
        type: "static_select",
        action_id: INPUT,
        options: currencyOptions,
        ...(selected(currencyOptions, i.currency || "USD") ? { initial_option: selected(currencyOptions, i.currency || "USD") } : {}),
      },
    },
    {
      type: "input",
      block_id: B.closeDate,
      label: { type: "plain_text", text: "Expected close date" },
      element: { type: "datepicker", action_id: INPUT, ...(i.expectedCloseDate ? { initial_date: i.expectedCloseDate } : {}) },
    },
    {
      type: "input",
      block_id: B.customerMet,
      // Left blank: "No" (the evidence still decides the tier).
      optional: true,
      label: { type: "plain_text", text: "Has anyone met the customer about this yet?" },
      hint: { type: "plain_text", text: "Registering before any customer meeting earns the best rate. Touchpoints dated before today count as meetings." },
      element: {
        type: "radio_buttons",
        action_id: INPUT,
        options: timingOptions,
        ...(selected(timingOptions, i.customerMet) ? { initial_option: selected(timingOptions, i.customerMet) } : {}),
      },
    },
    {
      type: "input",
      block_id: B.currentStage,
      label: { type: "plain_text", text: "Stage now" },
      element: {
        type: "static_select",
        action_id: INPUT,
        options: stageOptions,
        initial_option: selected(stageOptions, i.currentStage) ?? stageOptions[0]!,
      },
    },
    {
      type: "input",
      block_id: B.pairing,
      dispatch_action: true,
      label: { type: "plain_text", text: "Partner pairing" },
      hint: { type: "plain_text", text: "Changing it refreshes the organizations below." },
      element: {
        type: "static_select",
        action_id: INPUT,
        options: pairingOptions,
        ...(selected(pairingOptions, i.pairingId) ? { initial_option: selected(pairingOptions, i.pairingId) } : {}),
      },
    },
    {
      type: "input",
      block_id: B.coSellModel,
      label: { type: "plain_text", text: "Co-sell model" },
      element: {
        type: "static_select",
        action_id: INPUT,
        options: modelOptions,
        ...(selected(modelOptions, i.coSellModel) ? { initial_option: selected(modelOptions, i.coSellModel) } : {}),
      },
    },
    {
      type: "input",
      block_id: B.explicitModel,
      optional: true,
      label: { type: "plain_text", text: "Attribution model" },
      hint: { type: "plain_text", text: "Leave empty to follow the co-sell model (sell-with → Role Split, sell-through → Sell-through, sell-to → Sell-to)." },
      element: {
        type: "static_select",
        action_id: INPUT,
        options: explicitOptions,
        ...(selected(explicitOptions, i.explicitModel) ? { initial_option: selected(explicitOptions, i.explicitModel) } : {}),
      },
    },
    {
      type: "section",
      text: { type: "mrkdwn", text: mrkdwn`*Who does what* — pick the organization(s) for each role. Roles nobody holds are left out of the attribution.` },
    },
  );
  for (const role of ROLES) {
    const initial = orgOptions.filter((o) => (i.roles?.[role] ?? []).includes(o.value!));
    blocks.push({
      type: "input",
      block_id: `${B.rolePrefix}${role}`,
      optional: true,
      label: { type: "plain_text", text: `${roleWord(role)} — ${ROLE_HINT[role]}` },
      element: { type: "multi_static_select", action_id: INPUT, options: orgOptions, ...(initial.length > 0 ? { initial_options: initial } : {}) },
    });
  }
  blocks.push(
    {
      type: "input",
      block_id: B.relationshipOwner,
      optional: true,
      label: { type: "plain_text", text: "Relationship owner (one person, the quarterback)" },
      element: { type: "users_select", action_id: INPUT, ...(i.relationshipOwnerUserId ? { initial_user: i.relationshipOwnerUserId } : {}) },
    },
    {
      type: "input",
      block_id: B.postSaleOwner,
      optional: true,
      label: { type: "plain_text", text: "Post-sale owner (onboarding, support, renewal)" },
      element: {
        type: "static_select",
        action_id: INPUT,
        options: orgOptions,
        ...(selected(orgOptions, i.postSaleOwnerOrgId) ? { initial_option: selected(orgOptions, i.postSaleOwnerOrgId) } : {}),
      },
    },
    textInput(B.notes, "Notes (internal only, never shown to partners)", { initial: i.notes, max: LIMITS.notes, optional: true, multiline: true }),
  );

  return {
    type: "modal",
    callback_id: CALLBACK.registerDeal,
    title: { type: "plain_text", text: "Register co-sell deal" },
    submit: { type: "plain_text", text: data.conflict ? "Submit for review" : "Register" },
    close: { type: "plain_text", text: "Cancel" },
    private_metadata: JSON.stringify(data.metadata),
    blocks,
  };
}
