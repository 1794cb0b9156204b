import type { Tx } from "../db/client";

// The replay cache of signed Slack requests, in the database so that every replica shares it.

/**
 * Records a signed request; true when this is its first use. INSERT … ON CONFLICT DO NOTHING on
 * the signature (the primary key) decides atomically, even when two replicas receive the same
 * request at the same moment: exactly one of them inserts the row.
 */
export async function claimSlackRequest(db: Tx, signature: string, timestamp: Date, seenAt: Date): Promise<boolean> {
  return (await claimSlackRequests(db, [{ signature, timestamp, seenAt }])).has(signature);
}

interface Seen {
  signature: string;
  timestamp: Date;
  seenAt: Date;
}

/** Records many signed requests in one statement; the signatures that were new. */
async function claimSlackRequests(db: Tx, rows: Seen[]): Promise<Set<string>> {
  const data = rows.map((r) => ({ signature: r.signature, timestamp: r.timestamp.toISOString(), seenAt: r.seenAt.toISOString() }));
  const inserted = await db.$queryRaw<{ signature: string }[]>`
    INSERT INTO "SlackRequestSeen" (signature, "timestamp", "seenAt")
    SELECT r.signature, r."timestamp", r."seenAt"
      FROM jsonb_to_recordset(${JSON.stringify(data)}::jsonb) AS r(signature text, "timestamp" timestamp, "seenAt" timestamp)
    ON CONFLICT (signature) DO NOTHING
    RETURNING signature`;
  return new Set(inserted.map((r) => r.signature));
}

const BATCH_MAX = 500;

/**
 * claimSlackRequest for a burst: the requests that arrive in the same turn of the event loop are
 * claimed with one INSERT instead of one round trip each (200 concurrent commands made 200
 * inserts queue for the pool before any of them was acked). The same signature twice in one batch
 * is a replay too: only its first caller gets true.
 */
export function batchedReplayClaims(db: Tx): (signature: string, timestamp: Date, seenAt: Date) => Promise<boolean> {
  const pending: { row: Seen; resolve: (first: boolean) => void; reject: (err: unknown) => void }[] = [];
  const flush = () => {
    const batch = pending.splice(0, BATCH_MAX);
    if (pending.length > 0) setImmediate(flush);
    const rows = [...new Map(batch.map((p) => [p.row.signature, p.row])).values()];
    claimSlackRequests(db, rows).then(
      (fresh) => {
        for (const p of batch) {
          p.resolve(fresh.delete(p.row.signature));
        }
      },
      (err: unknown) => {
        for (const p of batch) p.reject(err);
      },
    );
  };
  return (signature, timestamp, seenAt) =>
    new Promise<boolean>((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ row: { signature, timestamp, seenAt }, resolve, reject });
    });
}

/** Deletes the requests whose timestamp is before `before` (they are refused as stale anyway). */
export async function pruneSlackRequests(db: Tx, before: Date): Promise<number> {
  const { count } = await db.slackRequestSeen.deleteMany({ where: { timestamp: { lt: before } } });
  return count;
}
