import type { Tx } from "../db/client";

// The replay cache of signed Slack requests, in the database so that every replica shares it.

/**
 * Records a signed request; true when this is its first use. INSERT … ON CONFLICT DO NOTHING on
 * the signature (the primary key) decides atomically, even when two replicas receive the same
 * request at the same moment: exactly one of them inserts the row.
 */
export async function claimSlackRequest(db: Tx, signature: string, timestamp: Date, seenAt: Date): Promise<boolean> {
  const { count } = await db.slackRequestSeen.createMany({ data: [{ signature, timestamp, seenAt }], skipDuplicates: true });
  return count === 1;
}

/** Deletes the requests whose timestamp is before `before` (they are refused as stale anyway). */
export async function pruneSlackRequests(db: Tx, before: Date): Promise<number> {
  const { count } = await db.slackRequestSeen.deleteMany({ where: { timestamp: { lt: before } } });
  return count;
}
