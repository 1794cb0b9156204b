// Who may do what. Pure: the caller resolves the person (identity) and the deal's pairing.
//
// Kinds of people: an internal admin (COSELL_ADMINS), an internal rep (our Slack team), a
// partner person (a Slack team recorded on a partner organization), and a stranger. A
// partner person acts only on deals of pairings their organization belongs to.

import { joinMrkdwn, mention, mrkdwn, type SlackText } from "../platform/slack/mrkdwn";

export type Actor =
  | { kind: "internal"; userId: string; teamId: string; isAdmin: boolean; orgId: string | null }
  | { kind: "partner"; userId: string; teamId: string; orgId: string; orgName: string }
  | { kind: "stranger"; userId: string; teamId: string };

export type DealAction =
  | "deal.view"
  | "deal.logTouchpoint"
  | "deal.changeStage"
  | "deal.editRoles"
  | "deal.ask"
  | "deal.attribution"
  | "deal.dispute"
  /** link or unlink the deal's CRM record: ours only (a CRM id is internal) */
  | "deal.linkCrm";

export type AdminAction =
  | "program.configure"
  | "deal.reopen"
  | "attribution.recompute"
  | "dispute.resolve"
  | "panel.post"
  | "registration.review"
  | "payouts.approve"
  | "tier.decide";

/** A refusal's message is plain text, or SlackText when it mentions people. */
export type Decision = { allowed: true } | { allowed: false; message: string | SlackText };

export const STRANGER_MESSAGE =
  "cosell works for the people of the organizations in this co-sell program, and your Slack workspace isn't one of them yet. Ask the program's partner manager to add your company.";

const ALLOW: Decision = { allowed: true };

/** May the actor do this on a deal (or register a deal) in a pairing with these member organizations? */
export function decideDealAction(actor: Actor, action: DealAction | "deal.register", pairingOrgIds: readonly string[]): Decision {
  if (actor.kind === "stranger") return { allowed: false, message: STRANGER_MESSAGE };
  if (actor.kind === "internal") return ALLOW;
  if (action === "deal.linkCrm") {
    return pairingOrgIds.includes(actor.orgId)
      ? { allowed: false, message: "Only the program's own team links deals to its CRM; your updates in Slack are what the card shows." }
      : { allowed: false, message: "That deal isn't in a co-sell pairing your organization belongs to." };
  }
  if (pairingOrgIds.includes(actor.orgId)) return ALLOW;
  // Do not confirm that the deal exists: the partner may not know about it.
  return { allowed: false, message: "That deal isn't in a co-sell pairing your organization belongs to." };
}

/** May the actor answer a pairing's weekly check-in? Our people, and the people of the pairing's partners. */
export function decideCheckInAnswer(actor: Actor, pairingOrgIds: readonly string[]): Decision {
  if (actor.kind === "stranger") return { allowed: false, message: STRANGER_MESSAGE };
  if (actor.kind === "internal" || pairingOrgIds.includes(actor.orgId)) return ALLOW;
  return { allowed: false, message: "That check-in is for the people of another pairing." };
}

export function decideAdminAction(actor: Actor, _action: AdminAction, admins: readonly string[]): Decision {
  if (actor.kind === "internal" && actor.isAdmin) return ALLOW;
  if (actor.kind === "stranger") return { allowed: false, message: STRANGER_MESSAGE };
  const who = admins.length > 0 ? mrkdwn` (${joinMrkdwn(admins.map(mention), ", ")})` : "";
  return { allowed: false, message: mrkdwn`Only a program admin can do that. Ask one of the admins${who}.` };
}
