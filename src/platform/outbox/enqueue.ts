import type { Tx } from "../db/client";
import type { SafeMessage } from "../slack/mrkdwn";
import { storedIntent, type IntentOf, type OutboxIntent, type OutboxIntentKind } from "./intents";
// Transactional outbox: an intent (intents.ts) is written in the same transaction as the change
// it announces and delivered afterwards by deliver.ts — rendered then, retried until Slack
// accepts it.

/** A post as a renderer returns it: Safe text (escaped user input) only; `threadOfDealId` replies in the deal's thread. */
export interface OutboxPost extends SafeMessage {
  channel?: string;
  threadOfDealId?: string;
  thread_ts?: string;
  unfurl_links?: boolean;
  unfurl_media?: boolean;
  reply_broadcast?: boolean;
}

/**
 * An intent as it is queued, in the shape of its row: `method` is the intent's kind, `payload`
 * its data. E.g. `{ method: "stage.changed", payload: { dealId, from, to, by, reopen, gapOverride } }`.
 */
export type OutboxInput = {
  [K in OutboxIntentKind]: {
    method: K;
    payload: Omit<IntentOf<K>, "kind">;
    /** one message per key, ever: a second enqueue with the same key is a no-op */
    dedupeKey?: string;
    onSent?: Record<string, unknown>;
    /** not before (e.g. a digest scheduled ahead) */
    notBefore?: Date;
    /** queued at (default now): the outbox delivers in this order, so the parts of one digest are 1 ms apart */
    at?: Date;
  };
}[OutboxIntentKind];

/** Returns true when the intent was queued, false when its dedupe key was already used. */
export async function enqueue(tx: Tx, msg: OutboxInput, now: Date): Promise<boolean> {
  return (await enqueueMany(tx, [msg], now)) === 1;
}

/**
 * Queues several intents in one statement; those whose dedupe key was already used are
 * skipped. Returns how many were queued. The rows travel as one JSON parameter (not thousands
 * of bound parameters), which keeps a sweep raising 10,000 alerts fast.
 */
export async function enqueueMany(tx: Tx, msgs: readonly OutboxInput[], now: Date): Promise<number> {
  if (msgs.length === 0) return 0;
  const rows = msgs.map((m) => ({
    dedupeKey: m.dedupeKey ?? null,
    ...storedIntent({ ...m.payload, kind: m.method } as OutboxIntent),
    onSent: m.onSent ?? null,
    // The app's clock, not the database's: tests pin time.
    nextAttemptAt: (m.notBefore ?? m.at ?? now).toISOString(),
    createdAt: (m.at ?? now).toISOString(),
  }));
  return tx.$executeRaw`
    INSERT INTO "OutboxMessage" (id, "dedupeKey", method, payload, "onSent", status, attempts, "nextAttemptAt", "createdAt")
    SELECT gen_random_uuid()::text, r."dedupeKey", r.method, r.payload, r."onSent", 'PENDING', 0, r."nextAttemptAt", r."createdAt"
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
           AS r("dedupeKey" text, method text, payload jsonb, "onSent" jsonb, "nextAttemptAt" timestamp, "createdAt" timestamp)
    ON CONFLICT ("dedupeKey") DO NOTHING`;
}
