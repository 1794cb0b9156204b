import { createHmac, randomBytes } from "node:crypto";
import type { Logger } from "@slack/bolt";
import { BOT_ID, BOT_USER_ID, type FakeSlack, type SlackMessage, type StoredView } from "./fake-slack";
import type { Cast, PlaygroundPerson } from "./cast";

// Sends the app what Slack would send when a person acts in the playground: slash commands
// (form-encoded), interactions (payload=<json>) and events (JSON), each signed with the
// signing secret exactly as Slack signs, and does with the app's answer what Slack does with it.
//
// Slack Connect: a person from another organization can't run the app's slash commands or
// shortcuts (the app isn't installed in their workspace) — Slack answers them itself and the app
// never hears of it. They can click the app's buttons; their payloads carry their own team ID.

const APP_ID = "A_COSELL";
const COMMAND = "/cosell";
const VERIFICATION_TOKEN = "playground-legacy-token";

function signSlackRequest(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const sig = createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex");
  return { "x-slack-request-timestamp": String(timestamp), "x-slack-signature": `v0=${sig}` };
}

export interface SimulatorOptions {
  appUrl: string;
  signingSecret: string;
  /** Slack gives up on an app that hasn't answered within 3 s */
  ackTimeoutMs: number;
  logger: Logger;
}

/** What the page shows after an action, besides what lands in the workspace. */
export interface Outcome {
  /** a short note for the person (errors Slack would show as a toast or icon) */
  notice?: string;
  /** field errors of a view submission (response_action: errors, or Slack's own checks) */
  errors?: Record<string, string>;
}

type Sent = { ok: true; status: number; text: string; contentType: string } | { ok: false; error: "operation_timeout" | "dispatch_failed"; status?: number };

export class SlackSimulator {
  constructor(
    private readonly fake: FakeSlack,
    private readonly cast: Cast,
    private readonly opts: SimulatorOptions,
  ) {}

  private async send(body: string, contentType: string): Promise<Sent> {
    const headers = { ...signSlackRequest(this.opts.signingSecret, body), "content-type": contentType };
    try {
      const res = await fetch(this.opts.appUrl, { method: "POST", headers, body, signal: AbortSignal.timeout(this.opts.ackTimeoutMs) });
      const text = await res.text();
      if (res.status !== 200) {
        this.opts.logger.warn(`playground: the app answered HTTP ${res.status}: ${text.slice(0, 200)}`);
        return { ok: false, error: "dispatch_failed", status: res.status };
      }
      return { ok: true, status: res.status, text, contentType: res.headers.get("content-type") ?? "" };
    } catch (err) {
      const timeout = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
      this.opts.logger.warn(`playground: request to the app failed: ${err instanceof Error ? err.message : String(err)}`);
      return { ok: false, error: timeout ? "operation_timeout" : "dispatch_failed" };
    }
  }

  private user(p: PlaygroundPerson) {
    return { id: p.id, username: p.handle, name: p.handle, team_id: p.teamId };
  }

  private team() {
    return { id: this.cast.ourTeam, domain: slugDomain(this.cast.ourName) };
  }

  private slackbot(channel: string, person: PlaygroundPerson, text: string, note?: string, threadTs?: string): void {
    this.fake.post({
      channel,
      text,
      username: "Slackbot",
      ephemeralFor: person.id,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...(note
        ? {
            blocks: [
              { type: "section", text: { type: "mrkdwn", text } },
              { type: "context", elements: [{ type: "mrkdwn", text: note }] },
            ],
          }
        : {}),
    });
  }

  private interaction(payload: unknown): Promise<Sent> {
    return this.send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), "application/x-www-form-urlencoded");
  }

  /** A person typed a message starting with "/" in a channel. */
  async command(person: PlaygroundPerson, channelId: string, input: string): Promise<Outcome> {
    const trimmed = input.trim();
    const [command = "", ...restWords] = trimmed.split(/\s+/);
    const text = trimmed.slice(command.length).trim();
    if (command.toLowerCase() !== COMMAND) {
      this.slackbot(
        channelId,
        person,
        `\`${command}\` is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.`,
        "This playground knows one command: `/cosell`. Try `/cosell help`.",
      );
      return {};
    }
    void restWords;
    if (this.cast.isExternal(person)) {
      // Slack answers this itself; the app never receives the command.
      this.slackbot(
        channelId,
        person,
        `\`${COMMAND}\` is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.`,
        `_Playground note:_ cosell is installed in ${this.cast.ourName}'s Slack workspace, not in ${person.company}'s, so in this Slack Connect channel its slash commands and shortcuts aren't available to you. Its buttons are: use the deal cards and the pinned pairing panel.`,
      );
      return {};
    }
    const channel = this.cast.channel(channelId);
    const triggerId = this.fake.issueTrigger(person.id);
    const responseUrl = this.fake.issueResponseUrl({ userId: person.id, channel: channelId });
    const body = new URLSearchParams({
      token: VERIFICATION_TOKEN,
      team_id: this.cast.ourTeam,
      team_domain: slugDomain(this.cast.ourName),
      channel_id: channelId,
      channel_name: channel?.kind === "dm" ? "directmessage" : (channel?.name ?? channelId),
      user_id: person.id,
      user_name: person.handle,
      command: COMMAND,
      text: this.escapeCommandText(text),
      api_app_id: APP_ID,
      is_enterprise_install: "false",
      response_url: responseUrl,
      trigger_id: triggerId,
    }).toString();
    const sent = await this.send(body, "application/x-www-form-urlencoded");
    if (!sent.ok) {
      this.slackbot(channelId, person, `${COMMAND} failed with the error "${sent.error}"`);
      return {};
    }
    const reply = parseReply(sent.text, sent.contentType);
    if (!reply) return {};
    if (reply.response_type === "in_channel") {
      this.fake.post({ channel: channelId, text: `${COMMAND} ${text}`.trim(), user: person.id });
      this.fake.post({ channel: channelId, text: reply.text, ...(reply.blocks ? { blocks: reply.blocks } : {}), bot_id: BOT_ID });
    } else {
      this.fake.post({ channel: channelId, text: reply.text, ...(reply.blocks ? { blocks: reply.blocks } : {}), bot_id: BOT_ID, ephemeralFor: person.id });
    }
    return {};
  }

  /** Slack escapes &, < and > in command text and, with should_escape, turns mentions into links. */
  escapeCommandText(text: string): string {
    let out = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    out = out.replace(/(^|\s)#([a-z0-9][a-z0-9_-]*)/gi, (all, pre: string, name: string) => {
      const c = this.cast.channels.find((ch) => ch.kind === "channel" && ch.name === name.toLowerCase());
      return c ? `${pre}<#${c.id}|${c.name}>` : all;
    });
    out = out.replace(/(^|\s)@([a-z0-9][a-z0-9._-]*)/gi, (all, pre: string, handle: string) => {
      const p = this.cast.people.find((x) => x.handle === handle.toLowerCase());
      return p ? `${pre}<@${p.id}|${p.handle}>` : all;
    });
    return out;
  }

  /** A click (button, select, …) on a message, in a modal or on the App Home. */
  async action(
    person: PlaygroundPerson,
    where: { channel: string; ts: string } | { viewId: string },
    action: Record<string, unknown>,
    values: Record<string, unknown> = {},
  ): Promise<Outcome> {
    const base = {
      type: "block_actions",
      user: this.user(person),
      api_app_id: APP_ID,
      token: VERIFICATION_TOKEN,
      trigger_id: this.fake.issueTrigger(person.id),
      team: this.team(),
      enterprise: null,
      is_enterprise_install: false,
      actions: [{ ...action, action_ts: this.fake.nextTs() }],
    };
    let payload: Record<string, unknown>;
    if ("viewId" in where) {
      const view = this.fake.views.get(where.viewId);
      if (!view || view.userId !== person.id) return { notice: "That view is no longer open." };
      payload = { ...base, container: { type: "view", view_id: view.id }, view: this.fake.viewPayload(view, { values }), state: { values } };
    } else {
      const msg = this.fake.findMessage(where.channel, where.ts);
      if (!msg) return { notice: "That message is gone." };
      const channel = this.cast.channel(where.channel);
      const ephemeral = Boolean(msg.ephemeralFor);
      payload = {
        ...base,
        container: {
          type: "message",
          message_ts: msg.ts,
          channel_id: msg.channel,
          is_ephemeral: ephemeral,
          ...(msg.thread_ts ? { thread_ts: msg.thread_ts } : {}),
        },
        channel: { id: msg.channel, name: channel?.kind === "dm" ? "directmessage" : (channel?.name ?? msg.channel) },
        ...(ephemeral ? {} : { message: messagePayload(msg) }),
        state: { values },
        response_url: this.fake.issueResponseUrl({ userId: person.id, channel: msg.channel, messageTs: msg.ts, ephemeral }),
      };
    }
    const sent = await this.interaction(payload);
    return sent.ok ? {} : { notice: `cosell didn't respond (${sent.error}). Slack shows a warning icon next to the button.` };
  }

  /** The person pressed a modal's submit button (Slack checked required fields already). */
  async submit(person: PlaygroundPerson, viewId: string, values: Record<string, unknown>): Promise<Outcome> {
    const view = this.fake.topModal(person.id);
    if (!view || view.id !== viewId) return { notice: "That form is no longer open." };
    const payload = {
      type: "view_submission",
      team: this.team(),
      user: this.user(person),
      api_app_id: APP_ID,
      token: VERIFICATION_TOKEN,
      trigger_id: this.fake.issueTrigger(person.id),
      view: this.fake.viewPayload(view, { values }),
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const sent = await this.interaction(payload);
    if (!sent.ok) return { notice: "We had some trouble connecting. Try again?" };
    const reply = parseJson(sent.text);
    const action = reply?.response_action;
    if (action === "errors") return { errors: (reply!.errors ?? {}) as Record<string, string> };
    if (action === "update" && reply!.view) this.fake.replaceView(view.id, reply!.view as Record<string, unknown>);
    else if (action === "push" && reply!.view) this.fake.pushView(person.id, reply!.view as Record<string, unknown>, "push");
    else if (action === "clear") this.fake.closeModal(person.id, true);
    else this.fake.closeModal(person.id);
    return {};
  }

  /** Cancel (back to the previous view) or ✕ (close them all). */
  async close(person: PlaygroundPerson, viewId: string, all: boolean): Promise<Outcome> {
    const view = this.fake.topModal(person.id);
    if (!view || view.id !== viewId) return {};
    const clear = all || Boolean(view.view.clear_on_close);
    if (view.view.notify_on_close) {
      await this.interaction({
        type: "view_closed",
        team: this.team(),
        user: this.user(person),
        api_app_id: APP_ID,
        token: VERIFICATION_TOKEN,
        view: this.fake.viewPayload(view),
        is_cleared: clear,
      });
    }
    this.fake.closeModal(person.id, clear);
    return {};
  }

  private refuseShortcut(person: PlaygroundPerson): Outcome | undefined {
    if (!this.cast.isExternal(person)) return undefined;
    return {
      notice: `cosell's shortcuts aren't available to you: the app is installed in ${this.cast.ourName}'s workspace, not in ${person.company}'s (Slack Connect). Use the buttons on its messages.`,
    };
  }

  async globalShortcut(person: PlaygroundPerson, callbackId: string): Promise<Outcome> {
    const refused = this.refuseShortcut(person);
    if (refused) return refused;
    const sent = await this.interaction({
      type: "shortcut",
      token: VERIFICATION_TOKEN,
      action_ts: this.fake.nextTs(),
      team: this.team(),
      user: { id: person.id, username: person.handle, team_id: person.teamId },
      is_enterprise_install: false,
      enterprise: null,
      callback_id: callbackId,
      trigger_id: this.fake.issueTrigger(person.id),
    });
    return sent.ok ? {} : { notice: `cosell didn't respond (${sent.error}).` };
  }

  async messageShortcut(person: PlaygroundPerson, channelId: string, ts: string, callbackId: string): Promise<Outcome> {
    const refused = this.refuseShortcut(person);
    if (refused) return refused;
    const msg = this.fake.findMessage(channelId, ts);
    if (!msg || (msg.ephemeralFor && msg.ephemeralFor !== person.id)) return { notice: "That message is gone." };
    const channel = this.cast.channel(channelId);
    const sent = await this.interaction({
      type: "message_action",
      token: VERIFICATION_TOKEN,
      action_ts: this.fake.nextTs(),
      team: this.team(),
      user: this.user(person),
      channel: { id: channelId, name: channel?.kind === "dm" ? "directmessage" : (channel?.name ?? channelId) },
      is_enterprise_install: false,
      enterprise: null,
      callback_id: callbackId,
      trigger_id: this.fake.issueTrigger(person.id),
      response_url: this.fake.issueResponseUrl({ userId: person.id, channel: channelId }),
      message_ts: msg.ts,
      message: messagePayload(msg),
    });
    return sent.ok ? {} : { notice: `cosell didn't respond (${sent.error}).` };
  }

  /** The person opened the app's Home (or Messages) tab: Slack sends app_home_opened. */
  async openAppHome(person: PlaygroundPerson, tab: "home" | "messages"): Promise<Outcome> {
    const homeId = this.fake.homes.get(person.id);
    const home: StoredView | undefined = homeId ? this.fake.views.get(homeId) : undefined;
    const now = Date.now();
    const body = JSON.stringify({
      token: VERIFICATION_TOKEN,
      team_id: this.cast.ourTeam,
      api_app_id: APP_ID,
      event: {
        type: "app_home_opened",
        user: person.id,
        channel: `D_${person.id}`,
        tab,
        ...(home && tab === "home" ? { view: this.fake.viewPayload(home) } : {}),
        event_ts: `${Math.floor(now / 1000)}.${String(now % 1000).padStart(3, "0")}000`,
      },
      type: "event_callback",
      event_id: `Ev${randomBytes(6).toString("hex").toUpperCase()}`,
      event_time: Math.floor(now / 1000),
      authorizations: [{ enterprise_id: null, team_id: this.cast.ourTeam, user_id: BOT_USER_ID, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
    });
    const sent = await this.send(body, "application/json");
    return sent.ok ? {} : { notice: `cosell didn't respond (${sent.error}).` };
  }
}

function messagePayload(m: SlackMessage): Record<string, unknown> {
  return {
    type: "message",
    ts: m.ts,
    text: m.text,
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ...(m.user ? { user: m.user } : { user: BOT_USER_ID, bot_id: BOT_ID, app_id: APP_ID }),
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    ...(m.files ? { files: m.files } : {}),
  };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  if (!text.trim()) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** An ack body of a slash command: JSON (text/blocks/response_type) or plain text. */
function parseReply(text: string, contentType: string): { text: string; blocks?: unknown[]; response_type?: string } | undefined {
  if (!text.trim()) return undefined;
  const json = contentType.includes("json") || /^\s*\{/.test(text) ? parseJson(text) : undefined;
  if (!json) return { text };
  if (!json.text && !json.blocks) return undefined;
  return {
    text: String(json.text ?? ""),
    ...(Array.isArray(json.blocks) ? { blocks: json.blocks } : {}),
    ...(typeof json.response_type === "string" ? { response_type: json.response_type } : {}),
  };
}

function slugDomain(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "workspace"
  );
}
