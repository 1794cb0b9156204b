import { formatDealRef } from "../../kernel/registration";
import { channelLink, mention, mrkdwn, type SafeMessage, type SlackText } from "../../platform/slack/mrkdwn";
import type { SubmitRegistrationResult } from "./submit-registration";

type Registered = Extract<SubmitRegistrationResult, { kind: "registered" }>;

/** The registrant's confirmation: the ref, where the card is, and the conflict it is flagged with. */
export function registrationConfirmation(r: Pick<Registered, "ref" | "title" | "accountName" | "channelId" | "status">): SlackText {
  const review =
    r.status === "SUBMITTED"
      ? " It is *pending review*: a program admin approves it, and you are told here. Until then it can go as far as Discovery."
      : " Approved: the account is protected for this deal.";
  return mrkdwn`✅ Registered *${formatDealRef(r.ref)}* · ${r.title} (${r.accountName}). The deal card is in ${channelLink(r.channelId)}.${review}`;
}

// Registration's messages outside its modal. Pure renderers.

/** To each admin: a deal registered on an account where another open deal has other partners. */
export function renderConflictDm(d: { registeredBy: string; ref: number; accountName: string; accountDomain: string; conflictRef: number }): SafeMessage {
  return {
    text: mrkdwn`⚠️ Registration conflict: ${mention(d.registeredBy)} registered ${formatDealRef(d.ref)} (${d.accountName}, ${d.accountDomain}) although ${formatDealRef(d.conflictRef)} is open on the same account with other partners. First registration wins unless you decide otherwise.`,
  };
}
