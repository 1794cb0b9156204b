import type { Tx } from "../db/client";
import type { SafeMessage } from "../slack/mrkdwn";

// Transactional outbox: a Slack post is written in the same transaction as the change it
// announces and delivered afterwards by jobs/outbox.ts, retried until Slack accepts it.

export type OutboxMethod =
  | "chat.postMessage"
  | "chat.postEphemeral"
  | "chat.update"
  /** render the deal card from the database at delivery time; post it, or update it in place */
  | "deal.card"
  /** render an attribution record's partner-safe receipt at delivery time */
  | "attribution.receipt"
  /** an ask's overdue/escalation alert, rendered at delivery (jobs/ask-alerts.ts) */
  | "ask.alert"
  | "ask.escalationDm";

/** A post as queued: Safe text (escaped user input) only; `threadOfDealId` replies in the deal's thread. */
export interface OutboxPost extends SafeMessage {
  channel?: string;
  user?: string;
  ts?: string;
  threadOfDealId?: string;
  thread_ts?: string;
  unfurl_links?: boolean;
  reply_broadcast?: boolean;
}

type OutboxIntent =
  | { method: "chat.postMessage" | "chat.postEphemeral" | "chat.update"; payload: OutboxPost }
  | { method: "deal.card"; payload: { dealId: string } }
  | { method: "attribution.receipt"; payload: { recordId: string; threadOfDealId: string } }
  | { method: "ask.alert" | "ask.escalationDm"; payload: Record<string, string | number | boolean | null> };

export type OutboxInput = OutboxIntent & {
  /** one message per key, ever: a second enqueue with the same key is a no-op */
  dedupeKey?: string;
  onSent?: Record<string, unknown>;
  /** not before (e.g. a digest scheduled ahead) */
  notBefore?: Date;
};

/** Returns true when the message was queued, false when its dedupe key was already used. */
export async function enqueue(tx: Tx, msg: OutboxInput, now: Date): Promise<boolean> {
  return (await enqueueMany(tx, [msg], now)) === 1;
}

/**
 * Queues several messages in one statement; those whose dedupe key was already used are
 * skipped. Returns how many were queued. The rows travel as one JSON parameter (not thousands
 * of bound parameters), which keeps a sweep raising 10,000 alerts fast.
 */
export async function enqueueMany(tx: Tx, msgs: readonly OutboxInput[], now: Date): Promise<number> {
  if (msgs.length === 0) return 0;
  const rows = msgs.map((m) => ({
    dedupeKey: m.dedupeKey ?? null,
    method: m.method,
    payload: m.payload,
    onSent: m.onSent ?? null,
    // The app's clock, not the database's: tests pin time.
    nextAttemptAt: (m.notBefore ?? now).toISOString(),
  }));
  return tx.$executeRaw`
    INSERT INTO "OutboxMessage" (id, "dedupeKey", method, payload, "onSent", status, attempts, "nextAttemptAt", "createdAt")
    SELECT gen_random_uuid()::text, r."dedupeKey", r.method, r.payload, r."onSent", 'PENDING', 0, r."nextAttemptAt", ${now}
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
           AS r("dedupeKey" text, method text, payload jsonb, "onSent" jsonb, "nextAttemptAt" timestamp)
    ON CONFLICT ("dedupeKey") DO NOTHING`;
}
