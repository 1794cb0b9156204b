import { formatDealRef } from "../../kernel/registration";
import { mention, mrkdwn, type SafeMessage } from "../../platform/slack/mrkdwn";

// Registration's messages outside its modal. Pure renderers.

/** To each admin: a deal registered on an account where another open deal has other partners. */
export function renderConflictDm(d: { registeredBy: string; ref: number; accountName: string; accountDomain: string; conflictRef: number }): SafeMessage {
  return {
    text: mrkdwn`⚠️ Registration conflict: ${mention(d.registeredBy)} registered ${formatDealRef(d.ref)} (${d.accountName}, ${d.accountDomain}) although ${formatDealRef(d.conflictRef)} is open on the same account with other partners. First registration wins unless you decide otherwise.`,
  };
}
