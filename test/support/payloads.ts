import { INPUT } from "../../src/platform/slack/ids";

// Interaction payloads shaped like Slack's, for signed e2e requests.

export interface Person {
  user: string;
  team: string;
}

type Value = { text: string } | { select: string | null } | { multi: string[] } | { date: string | null } | { user: string | null } | { checked: string[] };

/** Builds view.state.values from { block_id: value }. */
export function stateValues(values: Record<string, Value>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [block, v] of Object.entries(values)) {
    let entry: Record<string, unknown>;
    if ("text" in v) entry = { type: "plain_text_input", value: v.text };
    else if ("select" in v)
      entry = { type: "static_select", selected_option: v.select === null ? null : { value: v.select, text: { type: "plain_text", text: v.select } } };
    else if ("multi" in v) entry = { type: "multi_static_select", selected_options: v.multi.map((x) => ({ value: x, text: { type: "plain_text", text: x } })) };
    else if ("date" in v) entry = { type: "datepicker", selected_date: v.date };
    else if ("user" in v) entry = { type: "users_select", selected_user: v.user };
    else entry = { type: "checkboxes", selected_options: v.checked.map((x) => ({ value: x })) };
    out[block] = { [INPUT]: entry };
  }
  return out;
}

export function viewSubmission(p: {
  as: Person;
  viewId: string;
  callbackId: string;
  values: Record<string, Record<string, unknown>>;
  privateMetadata?: string;
  blocks?: unknown[];
}) {
  return {
    type: "view_submission",
    team: { id: "T_OURS", domain: "ours" },
    user: { id: p.as.user, team_id: p.as.team, name: p.as.user.toLowerCase() },
    api_app_id: "A_COSELL",
    trigger_id: `trig.${Math.random().toString(36).slice(2)}`,
    view: {
      id: p.viewId,
      type: "modal",
      callback_id: p.callbackId,
      private_metadata: p.privateMetadata ?? "{}",
      hash: "h1",
      blocks: p.blocks ?? [],
      state: { values: p.values },
      app_installed_team_id: "T_OURS",
    },
  };
}

export function blockAction(p: {
  as: Person;
  actionId: string;
  value?: string;
  blockId?: string;
  channel?: string;
  messageTs?: string;
  view?: unknown;
  selectedOption?: string;
  responseUrl?: string;
}) {
  return {
    type: "block_actions",
    team: { id: "T_OURS", domain: "ours" },
    user: { id: p.as.user, team_id: p.as.team, name: p.as.user.toLowerCase() },
    api_app_id: "A_COSELL",
    trigger_id: `trig.${Math.random().toString(36).slice(2)}`,
    ...(p.channel
      ? {
          channel: { id: p.channel, name: "pairing" },
          container: { type: "message", channel_id: p.channel, message_ts: p.messageTs ?? "1.1" },
          message: { ts: p.messageTs ?? "1.1", text: "", blocks: [] },
        }
      : {}),
    ...(p.view ? { view: p.view, container: { type: "view" } } : {}),
    response_url: p.channel ? (p.responseUrl ?? "http://127.0.0.1:9/unused") : undefined,
    actions: [
      {
        action_id: p.actionId,
        block_id: p.blockId ?? "b",
        type: p.selectedOption ? "static_select" : "button",
        ...(p.selectedOption
          ? { selected_option: { value: p.selectedOption, text: { type: "plain_text", text: p.selectedOption } } }
          : { value: p.value ?? "" }),
        action_ts: "1.2",
      },
    ],
  };
}

export function messageShortcut(p: { as: Person; callbackId: string; channel: string; message: { ts: string; text: string; user?: string } }) {
  return {
    type: "message_action",
    callback_id: p.callbackId,
    trigger_id: `trig.${Math.random().toString(36).slice(2)}`,
    team: { id: "T_OURS" },
    user: { id: p.as.user, team_id: p.as.team, name: p.as.user },
    channel: { id: p.channel, name: "pairing" },
    message: { type: "message", ts: p.message.ts, text: p.message.text, user: p.message.user ?? "U_SOMEONE" },
    message_ts: p.message.ts,
    response_url: "http://127.0.0.1:9/unused",
    token: "x",
    action_ts: "1.1",
  };
}
