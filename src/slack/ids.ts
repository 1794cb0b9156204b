// Every action_id, callback_id and block_id the app uses, in one place.

export const COMMAND = "/cosell";

export const CALLBACK = {
  registerDeal: "register_deal",
  registerShortcut: "register_deal_shortcut",
  logTouchpoint: "log_touchpoint",
  logMessageShortcut: "log_message_touchpoint",
  changeStage: "change_stage",
  editRoles: "edit_roles",
  createAsk: "create_ask",
  dispute: "dispute_attribution",
  setup: "program_setup",
} as const;

export const ACTION = {
  registerDeal: "deal_register",
  logTouchpoint: "deal_log_touchpoint",
  changeStage: "deal_change_stage",
  editRoles: "deal_edit_roles",
  ask: "deal_ask",
  attribution: "deal_attribution",
  askDone: "ask_done",
  /** "Move anyway" on a stage change blocked by role-clarity gaps; value = {dealId,to} */
  confirmStage: "stage_confirm",
  seeMyNumbers: "attribution_see_my_numbers",
  dispute: "attribution_dispute",
  myAsks: "panel_my_asks",
  pipeline: "panel_pipeline",
  /** dispatch_action on the modal's pairing select: refreshes the organizations */
  pairingSelected: "register_pairing_selected",
  domainEntered: "register_domain_entered",
} as const;

/** Block ids of the registration modal; field errors are keyed by these. */
export const REGISTER_BLOCK = {
  accountName: "account_name",
  accountDomain: "account_domain",
  title: "deal_title",
  amount: "deal_amount",
  currency: "deal_currency",
  closeDate: "close_date",
  coSellModel: "cosell_model",
  explicitModel: "attribution_model",
  pairing: "pairing",
  /** one block per role: `role_SOURCING`, `role_SELLING`, … */
  rolePrefix: "role_",
  relationshipOwner: "relationship_owner",
  postSaleOwner: "post_sale_owner",
  notes: "notes",
  conflict: "conflict_ack",
} as const;

export const ROLES_BLOCK = {
  rolePrefix: "role_",
  leadPrefix: "lead_",
  slaPrefix: "sla_",
  relationshipOwner: "relationship_owner",
  postSaleOwner: "post_sale_owner",
} as const;

export const TOUCHPOINT_BLOCK = {
  deal: "tp_deal",
  type: "tp_type",
  when: "tp_when",
  note: "tp_note",
  link: "tp_link",
} as const;

export const STAGE_BLOCK = {
  stage: "stage_to",
  confirmGaps: "stage_confirm_gaps",
} as const;

export const ASK_BLOCK = {
  owner: "ask_owner",
  text: "ask_text",
} as const;

/** The single action_id inside each input block (Slack keys values by block_id, then action_id). */
export const INPUT = "value" as const;
