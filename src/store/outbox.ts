import type { Prisma } from "../generated/prisma/client";
import type { Tx } from "../db/client";

// Transactional outbox: a Slack post is written in the same transaction as the change it
// announces and delivered afterwards by jobs/outbox.ts, retried until Slack accepts it.

export type OutboxMethod =
  | "chat.postMessage"
  | "chat.postEphemeral"
  | "chat.update"
  /** render the deal card from the database at delivery time; post it, or update it in place */
  | "deal.card"
  /** render an attribution record's partner-safe receipt at delivery time */
  | "attribution.receipt";

export interface OutboxInput {
  method: OutboxMethod;
  payload: Record<string, unknown>;
  /** one message per key, ever: a second enqueue with the same key is a no-op */
  dedupeKey?: string;
  onSent?: Record<string, unknown>;
  /** not before (e.g. a digest scheduled ahead) */
  notBefore?: Date;
}

/** Returns true when the message was queued, false when its dedupe key was already used. */
export async function enqueue(tx: Tx, msg: OutboxInput, now: Date): Promise<boolean> {
  const res = await tx.outboxMessage.createMany({
    data: [
      {
        method: msg.method,
        payload: msg.payload as Prisma.InputJsonValue,
        dedupeKey: msg.dedupeKey ?? null,
        onSent: (msg.onSent ?? undefined) as Prisma.InputJsonValue | undefined,
        // The app's clock, not the database's: tests pin time.
        nextAttemptAt: msg.notBefore ?? now,
        createdAt: now,
      },
    ],
    skipDuplicates: true,
  });
  return res.count === 1;
}
