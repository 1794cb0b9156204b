import type { Tx } from "../db/client";
import type { SafeMessage } from "../slack/mrkdwn";
import type { OutboxPost } from "./enqueue";
import type { IntentOf, OutboxIntentKind } from "./intents";

// The contract between the outbox and the features whose intents it delivers. Each kind but
// `message` (already rendered) has one renderer: it loads what it needs and calls its feature's
// pure Slack renderer. The registry of them (kind → renderer) is wired at the app level
// (src/outbox-renderers.ts) and handed to deliverOutbox / startOutboxLoop, so the platform
// imports no feature.

/** Where a post landed. */
export interface Posted {
  channel: string;
  ts: string;
}

/** What an intent turns into at delivery. */
export type Delivery =
  /** chat.postMessage (exactly once: metadata marker, adopted when its answer was lost); `threadOfDealId` waits for the card */
  | { kind: "post"; message: OutboxPost; onPosted?: (posted: Posted) => Promise<void> }
  /** chat.update of a message we posted (idempotent: simply sent again) */
  | { kind: "update"; message: SafeMessage & { channel: string; ts: string } }
  /** a call to a connected CRM (not Slack): a note with a marker, looked for first so a retry never doubles it */
  | { kind: "crm"; provider: "hubspot"; note: { objectId: string; marker: string; html: string } }
  /** nothing to send any more (e.g. the ask was answered): the row is done */
  | { kind: "skip"; reason: string }
  /** not yet (e.g. the card it refreshes is not posted): tried again shortly, no attempt counted */
  | { kind: "defer"; reason: string };

export interface RenderContext {
  db: Tx;
  now: Date;
  /** the outbox row being delivered */
  row: { id: string; dedupeKey: string | null };
}

export type IntentRenderer<K extends OutboxIntentKind> = (ctx: RenderContext, intent: IntentOf<K>) => Promise<Delivery>;

/** One renderer per kind (the type makes a missing one a compile error). */
export type OutboxRenderers = { [K in Exclude<OutboxIntentKind, "message">]: IntentRenderer<K> };

/** A post of a rendered message: the common case of a renderer. */
export function post(message: OutboxPost, onPosted?: (posted: Posted) => Promise<void>): Delivery {
  return onPosted ? { kind: "post", message, onPosted } : { kind: "post", message };
}

/**
 * Renders an intent (a `message` as it is) without sending it: what deliver.ts sends, and what
 * tests and the playground inspect.
 */
export async function renderIntent(renderers: OutboxRenderers, ctx: RenderContext, intent: IntentOf<OutboxIntentKind>): Promise<Delivery> {
  if (intent.kind === "message") {
    const { kind: _kind, ...message } = intent;
    return { kind: "post", message };
  }
  const render = renderers[intent.kind] as IntentRenderer<typeof intent.kind>;
  return render(ctx, intent);
}
