import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { AppDeps } from "../../platform/deps";
import { storeHubSpotEvents, type StoredCrmEvent } from "./inbox";

// POST /crm/hubspot/webhooks: HubSpot's webhook batches (a JSON array of up to 100 events).
// A thin adapter: check the size, the X-HubSpot-Signature-v3 (base64 HMAC-SHA256 with the app's
// client secret over method + URI + body + X-HubSpot-Request-Timestamp) and its 5-minute window,
// parse with zod, store (de-duplicated by event id), answer 200 at once; the inbox applies them.
// Anything else answers without touching a deal: 401 (signature), 413 (size), 400 (shape).

export const HUBSPOT_WEBHOOK_PATH = "/crm/hubspot/webhooks";
/** HubSpot sends at most 100 events per request, each well under 1 KB */
const MAX_BODY_BYTES = 512 * 1024;
const MAX_AGE_MS = 5 * 60_000;

const idSchema = z.union([z.number().int(), z.string().min(1).max(64)]).transform(String);
const hubspotEventSchema = z.object({
  eventId: idSchema,
  subscriptionType: z.string().min(1).max(100),
  objectId: idSchema,
  portalId: idSchema.optional(),
  occurredAt: z.number().int().positive(),
  propertyName: z.string().max(200).optional(),
  propertyValue: z.union([z.string(), z.number()]).transform(String).optional(),
  /** e.g. "userId:123" when a person made the change */
  sourceId: z.string().max(200).optional(),
});
const hubspotWebhookSchema = z.array(hubspotEventSchema).max(1000);

/** The v3 signature of a request (what HubSpot sends in X-HubSpot-Signature-v3). */
export function hubspotSignatureV3(clientSecret: string, method: string, uri: string, body: string, timestamp: string): string {
  return createHmac("sha256", clientSecret).update(`${method}${uri}${body}${timestamp}`).digest("base64");
}

/**
 * The URI HubSpot signed: the public URL it called. Behind a proxy, COSELL_PUBLIC_URL says what
 * that is; otherwise the Host header and X-Forwarded-Proto. HubSpot decodes a few characters
 * of the query before signing; they are decoded here the same way.
 */
function signedUri(req: IncomingMessage, publicUrl: string | undefined): string {
  const path = req.url ?? "/";
  const base = publicUrl
    ? publicUrl.replace(/\/$/, "")
    : `${String(req.headers["x-forwarded-proto"] ?? "http")
        .split(",")[0]!
        .trim()}://${req.headers["x-forwarded-host"] ?? req.headers.host ?? "localhost"}`;
  return `${base}${path}`
    .replace(/%3A/gi, ":")
    .replace(/%2F/gi, "/")
    .replace(/%3F/gi, "?")
    .replace(/%40/g, "@")
    .replace(/%21/g, "!")
    .replace(/%24/g, "$")
    .replace(/%27/g, "'")
    .replace(/%28/g, "(")
    .replace(/%29/g, ")")
    .replace(/%2A/gi, "*")
    .replace(/%2C/gi, ",")
    .replace(/%3B/gi, ";");
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | "too-large"> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > limit) {
      req.resume();
      resolve("too-large");
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.destroy();
        resolve("too-large");
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function answer(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export interface HubSpotWebhookOptions {
  /** after new events were stored (the inbox drains) */
  onStored?: () => void;
}

export function hubspotWebhookHandler(deps: AppDeps, opts: HubSpotWebhookOptions = {}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const hubspot = deps.config.crm?.hubspot;
    try {
      if (!hubspot) return answer(res, 404, { error: "HubSpot is not connected" });
      if (req.method !== "POST") return answer(res, 405, { error: "POST only" });
      const body = await readBody(req, MAX_BODY_BYTES);
      if (body === "too-large") return answer(res, 413, { error: `body over ${MAX_BODY_BYTES} bytes` });
      const signature = String(req.headers["x-hubspot-signature-v3"] ?? "");
      const timestamp = String(req.headers["x-hubspot-request-timestamp"] ?? "");
      const now = deps.clock.now().getTime();
      const ts = Number(timestamp);
      if (!signature || !/^\d+$/.test(timestamp)) return answer(res, 401, { error: "missing X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp" });
      if (Math.abs(now - ts) > MAX_AGE_MS) return answer(res, 401, { error: "request timestamp outside the 5-minute window" });
      const expected = Buffer.from(
        hubspotSignatureV3(hubspot.clientSecret, "POST", signedUri(req, deps.config.crm?.publicUrl), body.toString("utf8"), timestamp),
      );
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
        deps.logger.warn(`HubSpot webhook: bad signature (from ${req.socket.remoteAddress ?? "?"}); refused`);
        return answer(res, 401, { error: "bad signature" });
      }
      let json: unknown;
      try {
        json = JSON.parse(body.toString("utf8"));
      } catch {
        return answer(res, 400, { error: "body is not JSON" });
      }
      const parsed = hubspotWebhookSchema.safeParse(json);
      if (!parsed.success) return answer(res, 400, { error: `not a HubSpot event batch: ${z.prettifyError(parsed.error).replace(/\s+/g, " ").slice(0, 300)}` });
      const events: StoredCrmEvent[] = parsed.data
        // Another portal's events (an app installed in several accounts) are not ours.
        .filter((e) => !hubspot.portalId || e.portalId === undefined || e.portalId === hubspot.portalId)
        .map((e) => ({
          eventId: e.eventId,
          objectId: e.objectId,
          kind: e.subscriptionType,
          property: e.propertyName ?? null,
          value: e.propertyValue ?? null,
          crmUser: e.sourceId?.startsWith("userId:") ? e.sourceId.slice("userId:".length) : null,
          occurredAt: new Date(e.occurredAt),
        }));
      const stored = await storeHubSpotEvents(deps.db.prisma, events, deps.clock.now());
      answer(res, 200, { ok: true, received: parsed.data.length, new: stored });
      if (stored > 0) opts.onStored?.();
    } catch (err) {
      deps.logger.error("HubSpot webhook failed:", err);
      // 5xx: HubSpot retries the batch (the stored part is de-duplicated then).
      answer(res, 500, { error: "could not store the events; HubSpot will retry" });
    }
  };
}
