import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { HTTPModuleFunctions, type BufferedIncomingMessage, type Logger } from "@slack/bolt";
import { newRequestId, runInRequest } from "../request-context";

// Screens every POST to the Slack endpoint before Bolt's HTTPReceiver sees it:
//   1. the signature (HMAC-SHA256 of "v0:{timestamp}:{body}", compared in constant time) and a
//      timestamp at most 5 minutes away from now in EITHER direction (Bolt only refuses old ones);
//   2. the replay cache: a signature is accepted once (Slack's own retries are new requests with a
//      new timestamp, hence a new signature; they are de-duplicated later, on event_id and the
//      use cases' idempotency keys);
//   3. the payload's shape: what Bolt would parse must be an object that Bolt and the listeners can
//      route without throwing (400), and a type the app does not handle is acknowledged at once
//      (200) instead of waiting for Bolt's 3 s ack timeout.
// Then the request, with its body already buffered, goes to Bolt, which verifies it again.
// Socket Mode has no signatures and does not come through here.

/** How far a request's timestamp may be from now, in either direction (Slack's rule). */
export const REQUEST_WINDOW_SECONDS = 5 * 60;
/** Seen signatures are kept this long past their timestamp (the window plus slack for replicas' clocks). */
const REPLAY_RETENTION_SECONDS = 10 * 60;
const PRUNE_EVERY_MS = 60_000;

/** The database-backed cache of signatures already used (src/platform/slack/replay-cache.ts). */
interface ReplayCache {
  /** true on the first use of this signature, false on any later one (atomic across replicas) */
  firstUse(signature: string, timestamp: Date, seenAt: Date): Promise<boolean>;
  /** drops signatures whose timestamp is before `before` */
  prune(before: Date): Promise<unknown>;
}

export interface RequestGuardOptions {
  signingSecret: string;
  /** the Slack endpoint, e.g. /slack/events */
  path: string;
  logger: Logger;
  replay: ReplayCache;
  /** Wall time in ms. Not the app's domain clock: signatures are made with real time (tests pin the domain clock). */
  now?: () => number;
  /** false while the app cannot serve Slack yet (auth.test pending): Slack requests get 503 */
  isReady?: () => boolean;
  bodyLimit?: number;
  /** the /cosell subcommand names (a bounded label set for metrics and logs; others are "other") */
  subcommands?: ReadonlySet<string>;
  /** called when a signed, first-use Slack request arrives, before Bolt sees it (the work queue holds back during bursts) */
  onArrived?: () => void;
  /** called when a screened request has been answered (acked): what it was and how long it took */
  onAnswered?: (interaction: Interaction, seconds: number, status: number) => void;
}

/** What a Slack request is, in bounded words: never the text a person typed. */
interface Interaction {
  kind: "command" | "action" | "view" | "shortcut" | "event" | "options" | "other";
  /** the subcommand, action_id, callback_id or event type */
  id: string;
  user?: string | undefined;
}

const label = (v: unknown) => (typeof v === "string" && v !== "" ? v.slice(0, 64) : "unknown");

/** Names a parsed Slack payload for metrics and logs. */
function describeInteraction(body: unknown, subcommands: ReadonlySet<string> = new Set()): Interaction {
  if (!isObject(body)) return { kind: "other", id: "unknown" };
  const user = isObject(body.user) ? String(body.user.id ?? "") || undefined : typeof body.user_id === "string" ? body.user_id : undefined;
  if (typeof body.command === "string") {
    const word = (typeof body.text === "string" ? body.text : "").trim().split(/\s+/)[0]?.toLowerCase() ?? "";
    return { kind: "command", id: word === "" || word === "help" ? "help" : subcommands.has(word) ? word : "other", user };
  }
  switch (body.type) {
    case "block_actions":
      return { kind: "action", id: label(Array.isArray(body.actions) && isObject(body.actions[0]) ? body.actions[0].action_id : undefined), user };
    case "view_submission":
    case "view_closed":
      return { kind: "view", id: label(isObject(body.view) ? body.view.callback_id : undefined), user };
    case "shortcut":
    case "message_action":
      return { kind: "shortcut", id: label(body.callback_id), user };
    case "block_suggestion":
      return { kind: "options", id: label(body.action_id), user };
    case "event_callback": {
      const event = isObject(body.event) ? body.event : {};
      return { kind: "event", id: label(event.type), user: typeof event.user === "string" ? event.user : user };
    }
    default:
      return { kind: "other", id: label(body.type), user };
  }
}

export type SignatureCheck = { ok: true; signature: string; timestampSec: number } | { ok: false; reason: string };

/** Checks a request's signature and timestamp against the signing secret and the time now. */
export function verifySlackSignature(
  secret: string,
  headers: { signature: string | string[] | undefined; timestamp: string | string[] | undefined },
  rawBody: string,
  nowMs: number,
): SignatureCheck {
  const { signature, timestamp } = headers;
  if (typeof timestamp !== "string" || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "missing or malformed x-slack-request-timestamp" };
  if (typeof signature !== "string" || !signature.startsWith("v0=")) return { ok: false, reason: "missing or malformed x-slack-signature" };
  const timestampSec = Number(timestamp);
  const skew = timestampSec - Math.floor(nowMs / 1000);
  if (Math.abs(skew) > REQUEST_WINDOW_SECONDS) {
    return { ok: false, reason: `timestamp ${skew > 0 ? `${skew} s in the future` : `${-skew} s old`} (at most ${REQUEST_WINDOW_SECONDS} s either way)` };
  }
  const expected = `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${rawBody}`).digest("hex")}`;
  const a = Buffer.from(signature, "utf8");
  const b = Buffer.from(expected, "utf8");
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: "signature mismatch" };
  return { ok: true, signature: expected, timestampSec };
}

export type ShapeCheck = { ok: true } | { ok: false; status: 400 | 200; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === "string" && v !== "";
const hasUser = (b: Record<string, unknown>) => isObject(b.user) && isString(b.user.id);
const bad = (reason: string): ShapeCheck => ({ ok: false, status: 400, reason });

/**
 * Whether a parsed request body (as Bolt parses it) can be handed to Bolt. Mirrors Bolt's routing
 * (helpers.getTypeAndConversation, App.buildSource) so that nothing a signed sender can put in
 * a body makes Bolt or a listener dereference something that is not there.
 */
export function checkSlackPayload(body: unknown): ShapeCheck {
  if (!isObject(body)) return bad(`the body is ${Array.isArray(body) ? "an array" : body === null ? "null" : `a ${typeof body}`}, not an object`);
  // A slash command (form fields, no type).
  if (body.command !== undefined) {
    if (!isString(body.command) || !isString(body.user_id) || !isString(body.team_id)) return bad("a slash command without command, user_id or team_id");
    return { ok: true };
  }
  if (!isString(body.type)) return bad("no type");
  switch (body.type) {
    case "url_verification":
      return { ok: true };
    case "event_callback": {
      const event = body.event;
      if (!isObject(event) || !isString(event.type)) return bad("an event_callback without an event");
      // Bolt reads these with `in` and property access when present.
      for (const key of ["user", "channel", "item", "subteam"] as const) if (key in event && event[key] === null) return bad(`event.${key} is null`);
      if ("item" in event && !isObject(event.item)) return bad("event.item is not an object");
      if ("subteam" in event && !isObject(event.subteam)) return bad("event.subteam is not an object");
      return { ok: true };
    }
    case "block_actions": {
      if (!hasUser(body)) return bad("block_actions without a user");
      const actions = body.actions;
      if (!Array.isArray(actions) || actions.length === 0) return bad("block_actions without actions");
      if (!actions.every((a) => isObject(a) && isString(a.action_id))) return bad("block_actions with an action that has no action_id");
      return { ok: true };
    }
    case "block_suggestion":
      if (!hasUser(body) || !isString(body.action_id)) return bad("block_suggestion without a user or action_id");
      return { ok: true };
    case "shortcut":
    case "message_action":
      if (!hasUser(body) || !isString(body.callback_id)) return bad(`${body.type} without a user or callback_id`);
      return { ok: true };
    case "view_submission":
    case "view_closed": {
      const view = body.view;
      if (!hasUser(body)) return bad(`${body.type} without a user`);
      if (!isObject(view) || !isString(view.id) || typeof view.callback_id !== "string") return bad(`${body.type} without a view (id, callback_id)`);
      if (body.type === "view_submission" && !(isObject(view.state) && isObject(view.state.values))) return bad("view_submission without view.state.values");
      return { ok: true };
    }
    default:
      // Well formed, but nothing the app handles (legacy attachments and dialogs, app_rate_limited,
      // types Slack adds later): acknowledged now, not after Bolt's 3 s timeout.
      return { ok: false, status: 200, reason: `type ${JSON.stringify(body.type).slice(0, 60)} is not handled` };
  }
}

function answer(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, headers);
  res.end();
}

/**
 * Wraps an HTTPReceiver's request listener: POSTs to `path` are screened (see above) and then
 * passed on with their body buffered; every other request goes straight through.
 */
export function guardSlackRequests(inner: RequestListener, opts: RequestGuardOptions): RequestListener {
  const now = opts.now ?? Date.now;
  const limit = opts.bodyLimit ?? HTTPModuleFunctions.defaultBodyLimit;
  const { logger } = opts;
  let lastPrune = 0;

  const prune = (nowMs: number) => {
    if (nowMs - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = nowMs;
    opts.replay.prune(new Date(nowMs - REPLAY_RETENTION_SECONDS * 1000)).catch((err: unknown) => logger.warn("pruning the Slack replay cache failed:", err));
  };

  /** what the request is when it may go on to Bolt; false when it has been answered */
  const screen = async (req: IncomingMessage, res: ServerResponse): Promise<Interaction | false> => {
    if (opts.isReady && !opts.isReady()) {
      answer(res, 503, { "retry-after": "5" });
      return false;
    }
    let buffered: BufferedIncomingMessage;
    try {
      buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, limit);
    } catch (err) {
      const tooLarge = HTTPModuleFunctions.isRawBodyError(err) && (err.type === "entity.too.large" || err.statusCode === 413);
      logger.warn(`refused a Slack request: ${tooLarge ? `body over ${limit} bytes` : "the body could not be read"}`);
      answer(res, tooLarge ? 413 : 400);
      return false;
    }
    const rawBody = buffered.rawBody.toString();
    // Slack's SSL check is not signed; Bolt answers it and strips anything else from the body.
    if (req.headers["content-type"] === "application/x-www-form-urlencoded" && new URLSearchParams(rawBody).get("ssl_check") === "1")
      return { kind: "other", id: "ssl_check" };

    const nowMs = now();
    const check = verifySlackSignature(
      opts.signingSecret,
      { signature: req.headers["x-slack-signature"], timestamp: req.headers["x-slack-request-timestamp"] },
      rawBody,
      nowMs,
    );
    if (!check.ok) {
      logger.warn(`refused a Slack request (401): ${check.reason}`);
      answer(res, 401);
      return false;
    }
    let first: boolean;
    try {
      first = await opts.replay.firstUse(check.signature, new Date(check.timestampSec * 1000), new Date(nowMs));
    } catch (err) {
      logger.error("the Slack replay cache is unavailable; refusing the request (503):", err);
      answer(res, 503, { "retry-after": "5" });
      return false;
    }
    if (!first) {
      logger.warn(`refused a replayed Slack request (401): its signature (timestamp ${check.timestampSec}) was already used`);
      answer(res, 401);
      return false;
    }
    prune(nowMs);
    // Only signed, first-use requests count as arrivals (unsigned noise must not hold work back).
    opts.onArrived?.();

    let body: unknown;
    try {
      body = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
    } catch (err) {
      logger.warn(`refused a Slack request (400): the body does not parse (${err instanceof Error ? err.message : String(err)})`);
      answer(res, 400);
      return false;
    }
    const shape = checkSlackPayload(body);
    if (!shape.ok) {
      if (shape.status === 400) logger.warn(`refused a Slack request (400): ${shape.reason}`);
      else logger.info(`acknowledged a Slack request without handling it: ${shape.reason}`);
      answer(res, shape.status);
      return false;
    }
    return describeInteraction(body, opts.subcommands);
  };

  return (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if ((req.method ?? "").toUpperCase() !== "POST" || path !== opts.path) {
      inner(req, res);
      return;
    }
    const started = process.hrtime.bigint();
    screen(req, res)
      .then((interaction) => {
        if (!interaction) return;
        if (opts.onAnswered) res.once("finish", () => opts.onAnswered!(interaction, Number(process.hrtime.bigint() - started) / 1e9, res.statusCode));
        // Every log line written while Bolt and the listener handle it names the interaction.
        runInRequest({ reqId: newRequestId(), kind: interaction.kind, id: interaction.id, user: interaction.user }, () => inner(req, res));
      })
      .catch((err: unknown) => {
        logger.error("screening a Slack request failed:", err);
        answer(res, 500);
      });
  };
}
