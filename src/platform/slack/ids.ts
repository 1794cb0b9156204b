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
  /** an admin's resolve/reject modal; private_metadata {disputeId, outcome} */
  resolveDispute: "resolve_dispute",
  setup: "program_setup",
  /** an admin's attribution config editor; private_metadata {baseVersion} */
  attributionConfig: "attribution_config",
  /** the account-list import form (file_input); private_metadata {channelId?} */
  mapImport: "account_map_import",
  /** a weekly check-in's answer; private_metadata = {roundId} */
  checkInAnswer: "checkin_answer",
  /** "Pick 5 to pursue" on a new-overlap alert; private_metadata = {alertId, channelId} */
  mapPickOverlaps: "account_map_pick_overlaps",
  /** an admin's reason or note on a registration (reject, return, move protection, decline extension); private_metadata {dealId, action} */
  registrationNote: "registration_note",
  /** the registrant edits a returned registration; private_metadata {dealId} */
  resubmitRegistration: "registration_resubmit",
  /** an admin marks payout lines paid with a reference; private_metadata {period, lineIds} */
  payoutMarkPaid: "payout_mark_paid",
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
  /** "Resolve" / "Reject" on an admin's dispute DM; value = dispute id */
  disputeResolve: "dispute_resolve",
  disputeReject: "dispute_reject",
  myAsks: "panel_my_asks",
  pipeline: "panel_pipeline",
  panelLogTouchpoint: "panel_log_touchpoint",
  /** dispatch_action on the modal's pairing select: refreshes the organizations */
  pairingSelected: "register_pairing_selected",
  domainEntered: "register_domain_entered",
  /** account map: "Register co-sell deal" / "Request intro" on a target; value = {p: partner org id, d: domain} */
  mapRegister: "map_register_deal",
  mapIntro: "map_request_intro",
  /** "Account map" (refresh reminder); value = partner org id */
  mapShow: "map_show",
  /** "Answer check-in" (DM, channel prompt, reminder); value = CheckInRound id */
  checkInAnswer: "checkin_answer_open",
  /** "Pick 5 to pursue" on a new-overlap alert; value = OverlapAlert id */
  mapPickOverlaps: "map_pick_overlaps",
  /** "Import a list"; value = organization id or "" */
  mapImport: "map_import",
  /** the registration review DM and `/cosell approvals`; value = deal id */
  regApprove: "registration_approve",
  regReject: "registration_reject",
  regReturn: "registration_return",
  regKeepFirst: "registration_keep_first",
  regApproveBoth: "registration_approve_both",
  regMoveProtection: "registration_move_protection",
  /** "Edit and resubmit" on a returned registration's DM; value = deal id */
  regResubmit: "registration_resubmit",
  /** "Request extension" on the expiry warning; value = deal id */
  regRequestExtension: "registration_request_extension",
  /** an admin's Grant / Decline on an extension request; value = deal id */
  regGrantExtension: "registration_grant_extension",
  regDeclineExtension: "registration_decline_extension",
  /** "Register again" on a rejected or expired deal's card; value = deal id */
  regRegisterAgain: "registration_register_again",
  /** an admin's Confirm / Keep on a quarterly tier proposal; value = proposal id */
  tierConfirm: "tier_confirm",
  tierKeep: "tier_keep",
  /** `/cosell payouts <period>`: Approve all (value = period label); a line's Approve and Mark paid (value = `line:<id>:<period>`); Mark all paid (value = `period:<period>`) */
  payoutsApproveAll: "payouts_approve_all",
  payoutApprove: "payout_approve",
  payoutsMarkPaid: "payouts_mark_paid",
} as const;

/** Block ids of the mark-paid modal. */
export const PAYOUT_BLOCK = {
  reference: "payout_reference",
} as const;

/** Block ids of the registration review modals. */
export const REVIEW_BLOCK = {
  reason: "reg_reason",
  note: "reg_note",
  title: "reg_title",
  amount: "reg_amount",
  closeDate: "reg_close_date",
  answer: "reg_answer",
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
  customerMet: "customer_met",
  currentStage: "current_stage",
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

export const DISPUTE_BLOCK = {
  reason: "dispute_reason",
  note: "dispute_note",
} as const;

/** Block ids of the attribution config editor; field errors are keyed by these. */
export const ATTRIBUTION_CONFIG_BLOCK = {
  /** one block per role: `cfg_role_SOURCING`, … */
  rolePrefix: "cfg_role_",
  sellThroughPrimary: "cfg_sell_through_primary",
  /** one block per touchpoint type: `cfg_weight_MEETING`, … */
  weightPrefix: "cfg_weight_",
  soloPoolRate: "cfg_solo_pool_rate",
  coSellPoolRate: "cfg_cosell_pool_rate",
  currency: "cfg_currency",
  rateMode: "cfg_rate_mode",
  /** one block per timing tier: `cfg_ladder_EARLY`, … */
  ladderPrefix: "cfg_ladder_",
  coSellUplift: "cfg_cosell_uplift",
  bonusThreshold: "cfg_bonus_threshold",
  bonusKind: "cfg_bonus_kind",
  bonusAmount: "cfg_bonus_amount",
  bonusUplift: "cfg_bonus_uplift",
  /** one block per partner tier: `cfg_tier_min_GOLD`, `cfg_tier_uplift_GOLD`, `cfg_tier_sla_GOLD` */
  tierMinPrefix: "cfg_tier_min_",
  tierUpliftPrefix: "cfg_tier_uplift_",
  tierSlaPrefix: "cfg_tier_sla_",
} as const;

export const SETUP_BLOCK = {
  ourOrg: "setup_our_org",
  timezone: "setup_timezone",
  responseSlaHours: "setup_sla",
  useBusinessHours: "setup_use_bh",
  startHour: "setup_bh_start",
  endHour: "setup_bh_end",
  workdays: "setup_workdays",
  staleDays: "setup_stale_days",
  digestWeekday: "setup_digest_day",
  digestHour: "setup_digest_hour",
  managerChannel: "setup_manager_channel",
  shareAmounts: "setup_share_amounts",
  protectionDays: "setup_protection_days",
  extensionDays: "setup_extension_days",
  maxExtensions: "setup_max_extensions",
  approvalSlaHours: "setup_approval_sla",
  autoApproveInternal: "setup_auto_approve_internal",
  autoApproveMaxAmount: "setup_auto_approve_max",
  partnerName: "setup_partner_name",
  partnerType: "setup_partner_type",
  partnerTeams: "setup_partner_teams",
  pairingChannel: "setup_pairing_channel",
  pairingName: "setup_pairing_name",
  pairingOrgs: "setup_pairing_orgs",
  pairingModel: "setup_pairing_model",
} as const;

/** The single action_id inside each input block (Slack keys values by block_id, then action_id). */
export const INPUT = "value" as const;

/** Block ids of the account-list import form. */
export const CHECKIN_BLOCK = {
  deal: "checkin_deal",
  moved: "checkin_moved",
  blocked: "checkin_blocked",
  blocker: "checkin_blocker",
  intro: "checkin_intro",
} as const;

export const MAP_PICK_BLOCK = { picks: "map_pick_accounts" } as const;

export const MAP_IMPORT_BLOCK = {
  org: "map_import_org",
  status: "map_import_status",
  file: "map_import_file",
} as const;
