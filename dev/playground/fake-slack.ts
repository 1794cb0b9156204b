import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

// A local stand-in for Slack's Web API (and its response_url and file upload endpoints).
//
// Tests use it as a recorder: it answers every method the app calls, records each call and can
// be told to fail, so a test asserts on what Slack would have received. The playground uses the
// same class as its Slack: besides recording, it keeps a small workspace — messages (threads,
// ephemeral messages, in-place updates, pins, files), modal stacks and App Home views — that the
// playground page renders. Everything that changes the workspace bumps `version` and tells the
// listeners given to `onChange`.

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
  /** Slack refused the call (an injected failure or ok: false): nothing happened */
  failed?: boolean;
  /** Slack did what was asked but the answer never reached the client (a "lost_answer" fault) */
  answerLost?: boolean;
}

export type Failure =
  | { kind: "http"; status: number }
  | { kind: "ok_false"; error: string }
  | { kind: "ratelimit"; retryAfter: number }
  | { kind: "timeout"; ms: number }
  /**
   * Slack accepts the call (the message is posted, the update applied) but its answer is held
   * for `ms` (or until the client hangs up): to the client it is a timeout, to the channel a post.
   */
  | { kind: "lost_answer"; ms: number };

export interface FakeUser {
  id: string;
  team_id: string;
  name?: string;
  is_bot?: boolean;
  /** shown under the name in the playground */
  title?: string;
}

export interface FakeChannel {
  id: string;
  name?: string;
  is_ext_shared?: boolean;
  connected_team_ids?: string[];
  is_private?: boolean;
  is_im?: boolean;
  /** the person on the other side of a DM with the app */
  user?: string;
  topic?: string;
}

export interface FakeFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  size: number;
  /** where the playground page loads it from (relative to the page) */
  url_private: string;
}

export interface SlackMessage {
  ts: string;
  channel: string;
  text: string;
  blocks?: unknown[];
  /** a person's message */
  user?: string;
  /** the app's message */
  bot_id?: string;
  /** Slack's own notices ("Slackbot") */
  username?: string;
  thread_ts?: string;
  reply_broadcast?: boolean;
  /** only this person sees it (chat.postEphemeral, response_url, command acks) */
  ephemeralFor?: string;
  files?: FakeFile[];
  edited?: boolean;
  pinned?: boolean;
  /** message metadata (chat.postMessage `metadata`), returned by history with include_all_metadata */
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

export interface StoredView {
  id: string;
  /** whose modal stack or App Home it is */
  userId: string;
  kind: "modal" | "home";
  hash: string;
  view: Record<string, unknown>;
  root_view_id: string;
  previous_view_id: string | null;
}

/** Where a response_url posts land: the person and channel of the command or click. */
export interface ResponseTarget {
  userId: string;
  channel: string;
  /** the message the click came from */
  messageTs?: string;
  /** that message was ephemeral (only this person sees it) */
  ephemeral?: boolean;
  uses: number;
  expiresAt: number;
}

const TRIGGER_TTL_MS = 3_000;
const RESPONSE_URL_USES = 5;
const RESPONSE_URL_TTL_MS = 30 * 60_000;
const MAX_MODAL_STACK = 3;

export const BOT_USER_ID = "U_BOT";
export const BOT_ID = "B_BOT";

export interface FakeSlackOptions {
  /** the workspace's clock (message timestamps); defaults to Date.now */
  now?: () => number;
  /**
   * Playground mode: unknown messages and views are errors as in Slack, triggers expire after
   * 3 s. Off for tests, which send payloads with made-up triggers and message timestamps.
   */
  strict?: boolean;
  /** host of the permalinks chat.getPermalink returns */
  permalinkHost?: string;
  /** how long a trigger_id opens a modal (Slack: 3 s) */
  triggerTtlMs?: number;
}

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  /** posts to response_urls, with when they arrived (ms) */
  readonly responses: { url: string; body: Record<string, unknown>; at: number }[] = [];
  readonly uploads: { id: string; bytes: Buffer }[] = [];
  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, FakeChannel>();
  teamId = "T_OURS";
  teamName = "Ours";
  private failures = new Map<string, Failure[]>();
  private seq = 1_700_000_000;
  private server: Server | undefined;
  port = 0;

  // --- the workspace ---------------------------------------------------------
  readonly messages: SlackMessage[] = [];
  readonly views = new Map<string, StoredView>();
  /** each person's open modals, bottom first */
  readonly modalStacks = new Map<string, string[]>();
  /** each person's App Home view id */
  readonly homes = new Map<string, string>();
  readonly files = new Map<string, FakeFile & { bytes?: Buffer; pending?: boolean }>();
  readonly triggers = new Map<string, { userId: string; expiresAt: number }>();
  readonly responseTargets = new Map<string, ResponseTarget>();
  version = 0;
  private listeners = new Set<() => void>();
  private lastTs = 0;
  readonly strict: boolean;
  private readonly clock: () => number;
  permalinkHost: string;
  private readonly triggerTtlMs: number;

  constructor(opts: FakeSlackOptions = {}) {
    this.strict = opts.strict ?? false;
    this.clock = opts.now ?? (() => Date.now());
    this.permalinkHost = opts.permalinkHost ?? "fake.slack.com";
    this.triggerTtlMs = opts.triggerTtlMs ?? TRIGGER_TTL_MS;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** Value for SLACK_API_URL / WebClient slackApiUrl. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }
  responseUrl(id = "r1"): string {
    return `${this.url}/response/${id}`;
  }

  /** The next calls to `method` fail in this order, then succeed again. */
  failNext(method: string, ...failures: Failure[]): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...failures]);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Successful calls only (what Slack actually accepted). */
  delivered(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && c.failed !== true);
  }

  /**
   * A file a person uploaded (e.g. through a modal's file_input): files.info describes it, with a
   * url_private_download on this server that serves its bytes to a bearer token. Returns its id.
   */
  shareFile(name: string, bytes: Buffer | string): string {
    const id = `F${this.seq++}`;
    const data = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
    this.files.set(id, {
      id,
      name,
      title: name,
      mimetype: mimeOf(name),
      size: data.length,
      url_private: `files/${id}/${encodeURIComponent(name)}`,
      bytes: data,
    });
    return id;
  }

  reset(): void {
    this.calls.length = 0;
    this.responses.length = 0;
    this.failures.clear();
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    const addr = this.server.address();
    this.port = typeof addr === "object" && addr ? addr.port : 0;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** Waits until `pred` holds over the recorded calls (deliveries are asynchronous). */
  async waitFor(pred: (calls: RecordedCall[]) => boolean, timeoutMs = 15_000): Promise<void> {
    const start = Date.now();
    while (!pred(this.calls)) {
      if (Date.now() - start > timeoutMs)
        throw new Error(`fake Slack: condition not met within ${timeoutMs} ms; calls: ${this.calls.map((c) => c.method).join(", ")}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  // --- workspace API (used by the playground) --------------------------------

  /** Called after every change to the workspace. Returns an unsubscribe function. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  changed(): void {
    this.version++;
    for (const fn of this.listeners) fn();
  }

  /** While set, new messages are dated at this time (ms) instead of the clock's (replaying history). */
  tsOverride: number | undefined;

  /** A new message timestamp: seconds of the workspace clock, unique and increasing. */
  nextTs(): string {
    const micros = Math.max((this.tsOverride ?? this.clock()) * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, "0")}`;
  }

  /** A trigger_id for one person's command or click; views.open/push accept it for 3 s. */
  issueTrigger(userId: string): string {
    const id = `${this.seq++}.${Math.floor(Math.random() * 1e9)}.${Math.random().toString(16).slice(2, 18)}`;
    this.triggers.set(id, { userId, expiresAt: Date.now() + this.triggerTtlMs });
    return id;
  }

  /** A response_url for one command, click or shortcut: up to 5 posts within 30 minutes. */
  issueResponseUrl(target: Omit<ResponseTarget, "uses" | "expiresAt">): string {
    const id = `r${this.seq++}${Math.random().toString(36).slice(2, 8)}`;
    this.responseTargets.set(id, { ...target, uses: 0, expiresAt: Date.now() + RESPONSE_URL_TTL_MS });
    return this.responseUrl(id);
  }

  /** A DM with the app is addressed by the person's user ID or by the DM's own ID. */
  channelId(raw: unknown): string {
    const id = String(raw ?? "");
    if (/^[UW]/.test(id) && !this.channels.has(id)) return `D_${id}`;
    return id;
  }

  findMessage(channel: string, ts: string): SlackMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  /** Adds a message (a person's, the app's or Slackbot's) and returns it. */
  post(msg: Omit<SlackMessage, "ts"> & { ts?: string }): SlackMessage {
    const stored: SlackMessage = { ...msg, ts: msg.ts ?? this.nextTs() };
    this.messages.push(stored);
    this.changed();
    return stored;
  }

  removeMessage(channel: string, ts: string): boolean {
    const i = this.messages.findIndex((m) => m.channel === channel && m.ts === ts);
    if (i < 0) return false;
    this.messages.splice(i, 1);
    this.changed();
    return true;
  }

  /** The modal on top of a person's stack. */
  topModal(userId: string): StoredView | undefined {
    const stack = this.modalStacks.get(userId) ?? [];
    const id = stack[stack.length - 1];
    return id ? this.views.get(id) : undefined;
  }

  /** Closes the top modal (or all of them). */
  closeModal(userId: string, all = false): void {
    const stack = this.modalStacks.get(userId) ?? [];
    const removed = all ? stack.splice(0) : stack.splice(-1);
    for (const id of removed) this.views.delete(id);
    this.changed();
  }

  /** Replaces a view in place (views.update, response_action: update); keeps its id. */
  replaceView(id: string, view: Record<string, unknown>): StoredView {
    const stored = this.views.get(id)!;
    stored.view = view;
    stored.hash = this.hash();
    this.changed();
    return stored;
  }

  /** Pushes a view onto a person's modal stack (views.push, response_action: push). */
  pushView(userId: string, view: Record<string, unknown>, mode: "open" | "push"): StoredView {
    const stack = this.modalStacks.get(userId) ?? [];
    if (mode === "open") {
      for (const id of stack.splice(0)) this.views.delete(id);
    }
    const id = this.viewId();
    const stored: StoredView = {
      id,
      userId,
      kind: "modal",
      hash: this.hash(),
      view,
      root_view_id: stack[0] ?? id,
      previous_view_id: stack[stack.length - 1] ?? null,
    };
    this.views.set(id, stored);
    stack.push(id);
    this.modalStacks.set(userId, stack);
    this.changed();
    return stored;
  }

  /** The view object as Slack hands it to the app (API answers and payloads). */
  viewPayload(v: StoredView, state: Record<string, unknown> = { values: {} }): Record<string, unknown> {
    return {
      type: v.kind,
      ...v.view,
      id: v.id,
      team_id: this.teamId,
      app_id: "A_COSELL",
      app_installed_team_id: this.teamId,
      bot_id: BOT_ID,
      hash: v.hash,
      state,
      root_view_id: v.root_view_id,
      previous_view_id: v.previous_view_id,
      private_metadata: (v.view.private_metadata as string | undefined) ?? "",
      callback_id: (v.view.callback_id as string | undefined) ?? "",
      external_id: (v.view.external_id as string | undefined) ?? "",
      clear_on_close: Boolean(v.view.clear_on_close),
      notify_on_close: Boolean(v.view.notify_on_close),
    };
  }

  private viewId(): string {
    return `V${this.seq++}`;
  }

  private hash(): string {
    return `${this.seq++}.${Math.random().toString(36).slice(2, 10)}`;
  }

  // --- HTTP --------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", this.url);
    if (url.pathname.startsWith("/response/")) {
      const body = JSON.parse(raw.toString() || "{}") as Record<string, unknown>;
      this.responses.push({ url: url.pathname, body, at: Date.now() });
      const answer = this.applyResponse(url.pathname.slice("/response/".length), body);
      res.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.text);
      return;
    }
    if (req.method === "GET" && url.pathname.startsWith("/download/")) {
      // url_private_download: Slack serves a file's bytes to a request with a token.
      const file = this.files.get(url.pathname.split("/")[2] ?? "");
      if (!/^Bearer xox/.test(req.headers.authorization ?? "")) return void res.writeHead(302, { location: `${this.url}/signin` }).end();
      if (!file?.bytes) return void res.writeHead(404).end("not found");
      res.writeHead(200, { "content-type": file.mimetype, "content-length": String(file.bytes.length) }).end(file.bytes);
      return;
    }
    if (url.pathname.startsWith("/upload/")) {
      const id = url.pathname.slice("/upload/".length);
      this.uploads.push({ id, bytes: raw });
      const file = this.files.get(id);
      if (file) {
        file.bytes = uploadedFile(req.headers["content-type"] ?? "", raw);
        file.size = file.bytes.length;
        this.changed();
      }
      res.writeHead(200).end("OK - ok");
      return;
    }
    const method = url.pathname.replace(/^\/api\//, "");
    const args = parseBody(req.headers["content-type"] ?? "", raw);
    const call: RecordedCall = { method, args, at: Date.now() };
    this.calls.push(call);

    const failure = this.failures.get(method)?.shift();
    if (failure?.kind === "lost_answer") {
      const answer = this.answer(method, args);
      if (answer.ok === false) call.failed = true;
      call.answerLost = true;
      await new Promise<void>((r) => {
        const timer = setTimeout(r, failure.ms);
        res.on("close", () => {
          clearTimeout(timer);
          r();
        });
      });
      if (!res.destroyed && !res.headersSent) json(res, answer);
      return;
    }
    if (failure) {
      call.failed = true;
      if (failure.kind === "http") return void res.writeHead(failure.status).end("fake failure");
      if (failure.kind === "ratelimit") {
        res.writeHead(429, { "retry-after": String(failure.retryAfter), "content-type": "application/json" });
        return void res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
      }
      if (failure.kind === "timeout") {
        await new Promise((r) => setTimeout(r, failure.ms));
        if (!res.destroyed) res.writeHead(504).end();
        return;
      }
      return json(res, { ok: false, error: failure.error });
    }
    const answer = this.answer(method, args);
    if (answer.ok === false) call.failed = true;
    json(res, answer);
  }

  /** A post to a response_url: what Slack does with it in the channel of the command or click. */
  private applyResponse(id: string, body: Record<string, unknown>): { status: number; text: string } {
    const target = this.responseTargets.get(id);
    if (!target) return { status: 200, text: "ok" }; // a test's response_url: recorded only
    if (target.uses >= RESPONSE_URL_USES || Date.now() > target.expiresAt) return { status: 404, text: "used_url" };
    target.uses++;
    const text = String(body.text ?? "");
    const blocks = Array.isArray(body.blocks) ? body.blocks : undefined;
    const original = target.messageTs ? this.findMessage(target.channel, target.messageTs) : undefined;
    if (body.delete_original === true || body.delete_original === "true") {
      if (original) this.removeMessage(original.channel, original.ts);
      return { status: 200, text: "ok" };
    }
    if ((body.replace_original === true || body.replace_original === "true") && original) {
      original.text = text;
      original.blocks = blocks;
      original.edited = !original.ephemeralFor;
      this.changed();
      return { status: 200, text: "ok" };
    }
    const inChannel = body.response_type === "in_channel";
    const threadTs = typeof body.thread_ts === "string" ? body.thread_ts : original?.thread_ts;
    this.post({
      channel: target.channel,
      text,
      ...(blocks ? { blocks } : {}),
      bot_id: BOT_ID,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...(inChannel ? {} : { ephemeralFor: target.userId }),
    });
    return { status: 200, text: "ok" };
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case "auth.test":
        return { ok: true, url: "https://fake.slack.com/", team: this.teamName, user: "cosell", team_id: this.teamId, user_id: BOT_USER_ID, bot_id: BOT_ID };
      case "chat.postMessage": {
        const channel = this.channelId(args.channel);
        if (!channel) return { ok: false, error: "channel_not_found" };
        if (this.strict && !args.text && !args.blocks) return { ok: false, error: "no_text" };
        const threadTs = typeof args.thread_ts === "string" && args.thread_ts ? args.thread_ts : undefined;
        const msg = this.post({
          channel,
          text: String(args.text ?? ""),
          ...(Array.isArray(args.blocks) ? { blocks: args.blocks } : {}),
          bot_id: BOT_ID,
          ...(threadTs ? { thread_ts: threadTs, reply_broadcast: args.reply_broadcast === true || args.reply_broadcast === "true" } : {}),
          ...(metadataOf(args.metadata) ? { metadata: metadataOf(args.metadata)! } : {}),
        });
        return { ok: true, channel, ts: msg.ts, message: { ...messageJson(msg, true), user: BOT_USER_ID } };
      }
      case "chat.update": {
        const channel = this.channelId(args.channel);
        const ts = String(args.ts ?? "");
        const msg = this.findMessage(channel, ts);
        if (msg) {
          if (args.text !== undefined) msg.text = String(args.text);
          if (args.blocks !== undefined) msg.blocks = Array.isArray(args.blocks) ? args.blocks : [];
          msg.edited = true;
          this.changed();
        } else if (this.strict) {
          return { ok: false, error: "message_not_found" };
        }
        return { ok: true, channel, ts, text: args.text };
      }
      case "chat.delete": {
        const channel = this.channelId(args.channel);
        if (!this.removeMessage(channel, String(args.ts ?? "")) && this.strict) return { ok: false, error: "message_not_found" };
        return { ok: true, channel, ts: args.ts };
      }
      case "chat.postEphemeral": {
        const channel = this.channelId(args.channel);
        const user = String(args.user ?? "");
        if (this.strict && !user) return { ok: false, error: "user_not_found" };
        const threadTs = typeof args.thread_ts === "string" && args.thread_ts ? args.thread_ts : undefined;
        const msg = this.post({
          channel,
          text: String(args.text ?? ""),
          ...(Array.isArray(args.blocks) ? { blocks: args.blocks } : {}),
          bot_id: BOT_ID,
          ephemeralFor: user,
          ...(threadTs ? { thread_ts: threadTs } : {}),
        });
        return { ok: true, message_ts: msg.ts };
      }
      case "chat.getPermalink":
        return {
          ok: true,
          channel: args.channel,
          permalink: `https://${this.permalinkHost}/archives/${String(args.channel)}/p${String(args.message_ts).replace(".", "")}`,
        };
      case "views.open":
      case "views.push": {
        const view = parseView(args.view);
        if (!view) return { ok: false, error: "invalid_arguments" };
        const trigger = this.triggers.get(String(args.trigger_id ?? ""));
        if (this.strict) {
          if (!trigger) return { ok: false, error: "invalid_trigger_id" };
          if (Date.now() > trigger.expiresAt) return { ok: false, error: "expired_trigger_id" };
        }
        const userId = trigger?.userId ?? "?";
        this.triggers.delete(String(args.trigger_id ?? ""));
        if (method === "views.push" && (this.modalStacks.get(userId) ?? []).length >= MAX_MODAL_STACK) return { ok: false, error: "push_limit_reached" };
        const stored = this.pushView(userId, view, method === "views.open" ? "open" : "push");
        return { ok: true, view: this.viewPayload(stored) };
      }
      case "views.update": {
        const view = parseView(args.view);
        if (!view) return { ok: false, error: "invalid_arguments" };
        const stored = [...this.views.values()].find((v) => v.id === args.view_id || (args.external_id && v.view.external_id === args.external_id));
        if (!stored) {
          if (this.strict) return { ok: false, error: "not_found" };
          return { ok: true, view: { id: String(args.view_id ?? `V${this.seq++}`), ...view } };
        }
        if (this.strict && args.hash && args.hash !== stored.hash) return { ok: false, error: "hash_conflict" };
        return { ok: true, view: this.viewPayload(this.replaceView(stored.id, view)) };
      }
      case "views.publish": {
        const view = parseView(args.view);
        const userId = String(args.user_id ?? "");
        if (!view) return { ok: false, error: "invalid_arguments" };
        const existing = this.homes.get(userId);
        let stored: StoredView;
        if (existing && this.views.has(existing)) {
          stored = this.views.get(existing)!;
          if (this.strict && args.hash && args.hash !== stored.hash) return { ok: false, error: "hash_conflict" };
          stored = this.replaceView(existing, view);
        } else {
          const id = this.viewId();
          stored = { id, userId, kind: "home", hash: this.hash(), view, root_view_id: id, previous_view_id: null };
          this.views.set(id, stored);
          this.homes.set(userId, id);
          this.changed();
        }
        return { ok: true, view: this.viewPayload(stored) };
      }
      case "users.info": {
        const u = this.users.get(String(args.user));
        return u
          ? { ok: true, user: { ...u, ...(u.name ? { real_name: u.name } : {}), profile: { real_name: u.name ?? u.id, title: u.title ?? "" } } }
          : { ok: false, error: "user_not_found" };
      }
      case "users.list":
        return { ok: true, members: [...this.users.values()].map((u) => ({ ...u, real_name: u.name ?? u.id })) };
      case "conversations.info": {
        const c = this.channels.get(this.channelId(args.channel));
        return c ? { ok: true, channel: { is_ext_shared: false, ...c } } : { ok: true, channel: { id: args.channel, is_ext_shared: false } };
      }
      case "conversations.list":
        return { ok: true, channels: [...this.channels.values()].filter((c) => !c.is_im).map((c) => ({ is_ext_shared: false, ...c })) };
      case "conversations.open":
        return { ok: true, channel: { id: `D_${String(args.users)}` } };
      case "conversations.history": {
        // Newest first, between oldest and latest (exclusive unless inclusive), a page of `limit`.
        const channel = this.channelId(args.channel);
        const msgs = this.messages.filter((m) => m.channel === channel && !m.ephemeralFor && (!m.thread_ts || m.thread_ts === m.ts || m.reply_broadcast));
        return { ok: true, ...page(inRange(msgs, args).sort(byTs).reverse(), args) };
      }
      case "conversations.replies": {
        // The parent first, then the replies oldest first (the parent is always included).
        const channel = this.channelId(args.channel);
        const ts = String(args.ts ?? "");
        const parent = this.messages.filter((m) => m.channel === channel && m.ts === ts);
        if (parent.length === 0 && this.strict) return { ok: false, error: "thread_not_found" };
        const replies = inRange(
          this.messages.filter((m) => m.channel === channel && !m.ephemeralFor && m.thread_ts === ts && m.ts !== ts),
          args,
        ).sort(byTs);
        return { ok: true, ...page([...parent, ...replies], args) };
      }
      case "pins.add":
      case "pins.remove": {
        const msg = this.findMessage(this.channelId(args.channel), String(args.timestamp ?? ""));
        if (msg) {
          msg.pinned = method === "pins.add";
          this.changed();
        }
        return { ok: true };
      }
      case "files.getUploadURLExternal": {
        const id = `F${this.seq++}`;
        const name = String(args.filename ?? "file");
        this.files.set(id, {
          id,
          name,
          title: name,
          mimetype: mimeOf(name),
          size: Number(args.length ?? 0),
          url_private: `files/${id}/${encodeURIComponent(name)}`,
          pending: true,
        });
        return { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id };
      }
      case "files.completeUploadExternal": {
        const list = (parseMaybeJson(args.files) as { id: string; title?: string }[]) ?? [];
        const done: FakeFile[] = [];
        for (const f of list) {
          const file = this.files.get(f.id);
          if (!file) continue;
          file.pending = false;
          if (f.title) file.title = f.title;
          done.push(publicFile(file));
        }
        const channel = args.channel_id ?? args.channels;
        if (channel && done.length > 0) {
          const threadTs = typeof args.thread_ts === "string" && args.thread_ts ? args.thread_ts : undefined;
          this.post({
            channel: this.channelId(String(channel).split(",")[0]),
            text: String(args.initial_comment ?? ""),
            bot_id: BOT_ID,
            files: done,
            ...(threadTs ? { thread_ts: threadTs } : {}),
          });
        }
        return { ok: true, files: list.map((f) => ({ id: f.id, ...(this.files.get(f.id) ? publicFile(this.files.get(f.id)!) : {}) })) };
      }
      case "files.info": {
        const file = this.files.get(String(args.file ?? ""));
        return file
          ? { ok: true, file: { ...publicFile(file), url_private_download: `${this.url}/download/${file.id}/${encodeURIComponent(file.name)}` } }
          : { ok: false, error: "file_not_found" };
      }
      default:
        return { ok: true };
    }
  }
}

/** The file in an upload_url POST: @slack/web-api sends a Buffer as multipart/form-data, a string form-encoded, as `body`. */
function uploadedFile(contentType: string, raw: Buffer): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (contentType.startsWith("multipart/form-data") && boundary) {
    const sep = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
    let at = raw.indexOf(sep);
    while (at >= 0) {
      const next = raw.indexOf(sep, at + sep.length);
      if (next < 0) break;
      const part = raw.subarray(at + sep.length + 2, next - 2); // after CRLF, before CRLF
      const headEnd = part.indexOf("\r\n\r\n");
      if (headEnd >= 0 && /name="(body|file|content)"/i.test(part.subarray(0, headEnd).toString())) return Buffer.from(part.subarray(headEnd + 4));
      at = next;
    }
    return raw;
  }
  if (contentType.includes("application/x-www-form-urlencoded")) {
    const body = new URLSearchParams(raw.toString()).get("body");
    return body === null ? raw : Buffer.from(body);
  }
  return raw;
}

function publicFile(f: FakeFile): FakeFile {
  return { id: f.id, name: f.name, title: f.title, mimetype: f.mimetype, size: f.size, url_private: f.url_private };
}

function messageJson(m: SlackMessage, withMetadata = false): Record<string, unknown> {
  return {
    type: "message",
    ts: m.ts,
    text: m.text,
    blocks: m.blocks,
    user: m.user ?? BOT_USER_ID,
    ...(m.bot_id ? { bot_id: m.bot_id } : {}),
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
  };
}

/** chat.postMessage `metadata`: { event_type, event_payload } (JSON when form-encoded). */
function metadataOf(v: unknown): SlackMessage["metadata"] {
  const parsed = parseMaybeJson(v);
  if (!parsed || typeof parsed !== "object") return undefined;
  const m = parsed as { event_type?: unknown; event_payload?: unknown };
  if (typeof m.event_type !== "string") return undefined;
  return {
    event_type: m.event_type,
    event_payload: m.event_payload && typeof m.event_payload === "object" ? (m.event_payload as Record<string, unknown>) : {},
  };
}

const byTs = (a: SlackMessage, b: SlackMessage) => Number(a.ts) - Number(b.ts);

/** The messages within conversations.history/replies' `oldest`/`latest` (exclusive unless `inclusive`). */
function inRange(msgs: SlackMessage[], args: Record<string, unknown>): SlackMessage[] {
  const inclusive = args.inclusive === true || args.inclusive === "true";
  const oldest = args.oldest !== undefined ? Number(args.oldest) : undefined;
  const latest = args.latest !== undefined ? Number(args.latest) : undefined;
  return msgs.filter((m) => {
    const ts = Number(m.ts);
    if (oldest !== undefined && (inclusive ? ts < oldest : ts <= oldest)) return false;
    if (latest !== undefined && (inclusive ? ts > latest : ts >= latest)) return false;
    return true;
  });
}

/** One page (`limit`, default 100, and an opaque `cursor`); metadata only with include_all_metadata. */
function page(msgs: SlackMessage[], args: Record<string, unknown>): Record<string, unknown> {
  const withMetadata = args.include_all_metadata === true || args.include_all_metadata === "true";
  const limit = Math.max(1, Math.min(999, Number(args.limit ?? 100) || 100));
  const start =
    typeof args.cursor === "string" && args.cursor
      ? Number(
          Buffer.from(args.cursor, "base64")
            .toString()
            .replace(/^next:/, ""),
        ) || 0
      : 0;
  const slice = msgs.slice(start, start + limit);
  const more = start + limit < msgs.length;
  return {
    messages: slice.map((m) => messageJson(m, withMetadata)),
    has_more: more,
    ...(more ? { response_metadata: { next_cursor: Buffer.from(`next:${start + limit}`).toString("base64") } } : {}),
  };
}

function parseView(v: unknown): Record<string, unknown> | undefined {
  const parsed = typeof v === "string" ? parseMaybeJson(v) : v;
  return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

const MIME: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  svg: "image/svg+xml",
  csv: "text/csv",
  txt: "text/plain",
  pdf: "application/pdf",
  json: "application/json",
};

function mimeOf(name: string): string {
  return MIME[name.split(".").pop()?.toLowerCase() ?? ""] ?? "application/octet-stream";
}

function parseMaybeJson(v: unknown): unknown {
  // Form-encoded arguments: objects and arrays travel as JSON; everything else stays a string.
  if (typeof v !== "string" || !/^[[{]/.test(v)) return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

function parseBody(contentType: string, raw: Buffer): Record<string, unknown> {
  const text = raw.toString();
  if (contentType.includes("application/json")) return JSON.parse(text || "{}");
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) out[k] = parseMaybeJson(v);
  return out;
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
}
