import type { RespondFn } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { toSlack, type SafeHomeView, type SafeMessage, type SafeModalView } from "./mrkdwn";

// The only way listeners talk to Slack: every message and view goes in as Safe Block Kit
// (SlackText wherever Slack parses markup) and is serialized here. A test scans src/ so that
// no listener calls client.chat.*, client.views.* or respond() around these wrappers.

export interface SafeReply extends SafeMessage {
  response_type?: "ephemeral" | "in_channel";
  replace_original?: boolean;
  delete_original?: boolean;
}

/** Answers through the interaction's response_url (5 uses in 30 minutes). */
export async function reply(respond: RespondFn, message: SafeReply): Promise<void> {
  await respond(toSlack(message));
}

export interface SlackOut {
  postMessage(args: SafeMessage & { channel: string; thread_ts?: string; unfurl_links?: boolean }): Promise<{ channel?: string; ts?: string }>;
  postEphemeral(args: SafeMessage & { channel: string; user: string; thread_ts?: string }): Promise<unknown>;
  update(args: SafeMessage & { channel: string; ts: string }): Promise<unknown>;
  openView(args: { trigger_id: string; view: SafeModalView }): Promise<unknown>;
  updateView(args: { view_id: string; hash?: string; view: SafeModalView }): Promise<unknown>;
  pushView(args: { trigger_id: string; view: SafeModalView }): Promise<unknown>;
  publishHome(args: { user_id: string; view: SafeHomeView }): Promise<unknown>;
}

export function slackOut(client: WebClient): SlackOut {
  return {
    postMessage: (args) => client.chat.postMessage(toSlack(args)),
    postEphemeral: (args) => client.chat.postEphemeral(toSlack(args)),
    update: (args) => client.chat.update(toSlack(args)),
    openView: (args) => client.views.open(toSlack(args)),
    updateView: (args) => client.views.update(toSlack(args)),
    pushView: (args) => client.views.push(toSlack(args)),
    publishHome: (args) => client.views.publish(toSlack(args)),
  };
}
