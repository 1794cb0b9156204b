import type { PlainTextOption } from "@slack/types";
import { ROLES } from "../attribution/engine";
import { roleWord } from "../../kernel/registration";
import { LEAD_STAGES, leadLabel } from "../../kernel/role-clarity";
import type { DealView } from "../deals/deal-view";
import { CALLBACK, INPUT, ROLES_BLOCK as B } from "../../platform/slack/ids";
import { truncate } from "../../platform/slack/command-text";
import { formatDealRef } from "../../platform/slack/format";
import { mrkdwn, type SafeBlock, type SafeModalView } from "../../platform/slack/mrkdwn";
import { modalView } from "../../platform/slack/inputs";

/** Edit roles: who holds each role, the stage leads, the quarterback, post-sale, each partner's response SLA. */
export function buildRolesModal(deal: DealView, pairingOrgs: { id: string; name: string; internal: boolean }[]): SafeModalView {
  const opt = (o: { id: string; name: string; internal: boolean }): PlainTextOption => ({
    text: { type: "plain_text", text: truncate(o.internal ? `${o.name} (us)` : o.name, 75) },
    value: o.id,
  });
  const options = pairingOrgs.slice(0, 100).map(opt);
  const pick = (id: string | null | undefined) => options.find((o) => o.value === id);
  const blocks: SafeBlock[] = [
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: mrkdwn`*${formatDealRef(deal.ref)} · ${deal.title}* — every question should have exactly one answer before the first customer conversation.`,
      },
    },
  ];
  for (const role of ROLES) {
    const initial = options.filter((o) => deal.participants.some((p) => p.orgId === o.value && p.roles.includes(role)));
    blocks.push({
      type: "input",
      block_id: `${B.rolePrefix}${role}`,
      optional: true,
      label: { type: "plain_text", text: roleWord(role) },
      element: { type: "multi_static_select", action_id: INPUT, options, ...(initial.length ? { initial_options: initial } : {}) },
    });
  }
  blocks.push(
    { type: "divider" },
    {
      type: "input",
      block_id: B.relationshipOwner,
      optional: true,
      label: { type: "plain_text", text: "Relationship owner (one person, the quarterback)" },
      element: { type: "users_select", action_id: INPUT, ...(deal.relationshipOwnerUserId ? { initial_user: deal.relationshipOwnerUserId } : {}) },
    },
  );
  for (const stage of LEAD_STAGES) {
    const current = pick(deal.stageLeads[stage]);
    blocks.push({
      type: "input",
      block_id: `${B.leadPrefix}${stage}`,
      optional: true,
      label: { type: "plain_text", text: leadLabel(stage) },
      element: { type: "static_select", action_id: INPUT, options, ...(current ? { initial_option: current } : {}) },
    });
  }
  const post = pick(deal.postSaleOwnerOrgId);
  blocks.push({
    type: "input",
    block_id: B.postSaleOwner,
    optional: true,
    label: { type: "plain_text", text: "Post-sale owner (onboarding, support, renewal)" },
    element: { type: "static_select", action_id: INPUT, options, ...(post ? { initial_option: post } : {}) },
  });
  for (const org of pairingOrgs.filter((o) => !o.internal)) {
    const sla = deal.participants.find((p) => p.orgId === org.id)?.responseSlaHours;
    blocks.push({
      type: "input",
      block_id: `${B.slaPrefix}${org.id}`,
      optional: true,
      label: { type: "plain_text", text: truncate(`${org.name}: response SLA in hours (minimum commitment)`, 2000) },
      hint: { type: "plain_text", text: "How fast this partner answers deal requests; 24 is the usual commitment." },
      element: {
        type: "number_input",
        action_id: INPUT,
        is_decimal_allowed: false,
        min_value: "1",
        max_value: "720",
        ...(sla ? { initial_value: String(sla) } : {}),
      },
    });
  }
  return modalView({ callbackId: CALLBACK.editRoles, title: "Edit roles", submit: "Save", metadata: { dealId: deal.id } }, blocks);
}
