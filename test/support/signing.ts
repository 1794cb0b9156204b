import { createHmac } from "node:crypto";

// Signs requests exactly as Slack does: v0=HMAC-SHA256(secret, "v0:{ts}:{body}").

export function sign(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const sig = createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex");
  return { "x-slack-request-timestamp": String(timestamp), "x-slack-signature": `v0=${sig}` };
}

export interface SlackPost {
  status: number;
  text: string;
  json: () => unknown;
}

export async function postSigned(
  url: string,
  secret: string,
  body: string,
  contentType: string,
  opts: { timestamp?: number; signature?: string; retryNum?: number } = {},
): Promise<SlackPost> {
  // Slack sends a retry later than the first delivery, so with a new timestamp and a new
  // signature (the app refuses a signature it has seen). A retry sent right after its original
  // in a test would fall in the same second: date it retryNum seconds later.
  const timestamp = opts.timestamp ?? (opts.retryNum ? Math.floor(Date.now() / 1000) + opts.retryNum : undefined);
  const headers: Record<string, string> = { ...sign(secret, body, timestamp), "content-type": contentType };
  if (opts.signature) headers["x-slack-signature"] = opts.signature;
  if (opts.retryNum) Object.assign(headers, { "x-slack-retry-num": String(opts.retryNum), "x-slack-retry-reason": "http_timeout" });
  const res = await fetch(url, { method: "POST", headers, body });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

/** A slash command body as Slack sends it (form-encoded). */
export function commandBody(fields: {
  text: string;
  user_id: string;
  team_id: string;
  channel_id: string;
  response_url: string;
  trigger_id?: string;
  command?: string;
  user_name?: string;
  channel_name?: string;
}): string {
  return new URLSearchParams({
    token: "legacy",
    command: fields.command ?? "/cosell",
    trigger_id: fields.trigger_id ?? `trig.${Math.random().toString(36).slice(2)}`,
    user_name: fields.user_name ?? fields.user_id.toLowerCase(),
    channel_name: fields.channel_name ?? "general",
    api_app_id: "A_COSELL",
    ...fields,
  }).toString();
}

/** An interactivity body (block_actions, view_submission, shortcuts): payload=<json>, form-encoded. */
export function interactionBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
