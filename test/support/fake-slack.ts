import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

// A local stand-in for Slack's Web API (and response_url / file upload endpoints).
// It records every call and can be told to fail, so tests assert on what Slack would have received.

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
}

export type Failure =
  | { kind: "http"; status: number }
  | { kind: "ok_false"; error: string }
  | { kind: "ratelimit"; retryAfter: number }
  | { kind: "timeout"; ms: number };

export interface FakeUser {
  id: string;
  team_id: string;
  name?: string;
  is_bot?: boolean;
}

export interface FakeChannel {
  id: string;
  name?: string;
  is_ext_shared?: boolean;
  connected_team_ids?: string[];
}

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly responses: { url: string; body: Record<string, unknown> }[] = [];
  readonly uploads: { id: string; bytes: Buffer }[] = [];
  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, FakeChannel>();
  teamId = "T_OURS";
  private failures = new Map<string, Failure[]>();
  private seq = 1_700_000_000;
  private server: Server | undefined;
  port = 0;

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
    return this.calls.filter((c) => c.method === method && (c as RecordedCall & { failed?: boolean }).failed !== true);
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
  async waitFor(pred: (calls: RecordedCall[]) => boolean, timeoutMs = 5000): Promise<void> {
    const start = Date.now();
    while (!pred(this.calls)) {
      if (Date.now() - start > timeoutMs) throw new Error(`fake Slack: condition not met within ${timeoutMs} ms; calls: ${this.calls.map((c) => c.method).join(", ")}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", this.url);
    if (url.pathname.startsWith("/response/")) {
      this.responses.push({ url: url.pathname, body: JSON.parse(raw.toString() || "{}") });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    if (url.pathname.startsWith("/upload/")) {
      this.uploads.push({ id: url.pathname.slice("/upload/".length), bytes: raw });
      res.writeHead(200).end("OK - ok");
      return;
    }
    const method = url.pathname.replace(/^\/api\//, "");
    const args = parseBody(req.headers["content-type"] ?? "", raw);
    const call: RecordedCall & { failed?: boolean } = { method, args, at: Date.now() };
    this.calls.push(call);

    const failure = this.failures.get(method)?.shift();
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
    json(res, this.answer(method, args));
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const ts = () => `${this.seq++}.000100`;
    switch (method) {
      case "auth.test":
        return { ok: true, url: "https://fake.slack.com/", team: "Ours", user: "cosell", team_id: this.teamId, user_id: "U_BOT", bot_id: "B_BOT" };
      case "chat.postMessage": {
        const t = ts();
        return { ok: true, channel: args.channel, ts: t, message: { ts: t, text: args.text, blocks: args.blocks } };
      }
      case "chat.update":
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case "chat.postEphemeral":
        return { ok: true, message_ts: ts() };
      case "chat.getPermalink":
        return { ok: true, channel: args.channel, permalink: `https://fake.slack.com/archives/${String(args.channel)}/p${String(args.message_ts).replace(".", "")}` };
      case "views.open":
      case "views.push":
      case "views.update":
      case "views.publish":
        return { ok: true, view: { id: `V${this.seq++}`, ...(typeof args.view === "string" ? JSON.parse(args.view) : (args.view as object)) } };
      case "users.info": {
        const u = this.users.get(String(args.user));
        return u ? { ok: true, user: { ...u, profile: { real_name: u.name ?? u.id } } } : { ok: false, error: "user_not_found" };
      }
      case "conversations.info": {
        const c = this.channels.get(String(args.channel));
        return c ? { ok: true, channel: { is_ext_shared: false, ...c } } : { ok: true, channel: { id: args.channel, is_ext_shared: false } };
      }
      case "conversations.open":
        return { ok: true, channel: { id: `D_${String(args.users)}` } };
      case "pins.add":
        return { ok: true };
      case "files.getUploadURLExternal": {
        const id = `F${this.seq++}`;
        return { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id };
      }
      case "files.completeUploadExternal":
        return { ok: true, files: (parseMaybeJson(args.files) as { id: string }[]).map((f) => ({ id: f.id })) };
      default:
        return { ok: true };
    }
  }
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
