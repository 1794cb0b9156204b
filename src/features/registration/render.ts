import { formatDealRef } from "../../kernel/registration";
import { channelLink, mrkdwn, type SlackText } from "../../platform/slack/mrkdwn";
import type { SubmitRegistrationResult } from "./submit-registration";

type Registered = Extract<SubmitRegistrationResult, { kind: "registered" }>;

/** The registrant's confirmation: the ref, where the card is, and the conflict it is flagged with. */
export function registrationConfirmation(r: Pick<Registered, "ref" | "title" | "accountName" | "channelId" | "conflictWith">): SlackText {
  const flagged = r.conflictWith !== undefined ? ` Flagged as a conflict with ${formatDealRef(r.conflictWith)}; admins were told.` : "";
  return mrkdwn`✅ Registered *${formatDealRef(r.ref)}* · ${r.title} (${r.accountName}). The deal card is in ${channelLink(r.channelId)}.${flagged}`;
}
