import type { Tx } from "../db/client";

// Dead letters: outbox rows that gave up (too many failed attempts, or an intent no renderer
// could read). Operators list them and send them again (`npm run -s cosell -- outbox dead`,
// `outbox retry`).

export interface DeadLetter {
  id: string;
  kind: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  dedupeKey: string | null;
}

/** The dead rows, oldest first. */
export async function listDeadLetters(db: Tx, opts: { limit: number }): Promise<{ rows: DeadLetter[]; total: number }> {
  const [rows, total] = await Promise.all([
    db.outboxMessage.findMany({
      where: { status: "DEAD" },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: opts.limit,
      select: { id: true, method: true, attempts: true, lastError: true, createdAt: true, dedupeKey: true },
    }),
    db.outboxMessage.count({ where: { status: "DEAD" } }),
  ]);
  return { rows: rows.map(({ method, ...r }) => ({ kind: method, ...r })), total };
}

/**
 * Puts dead rows back in the queue, due now, with a fresh set of attempts. Their lock is left
 * set in the past, which the worker reads as "the last attempt's outcome is unknown": it first
 * looks in the channel for the message (by its outbox id in the metadata) and adopts it if the
 * post did go through, so a retry never shows a message twice. `ids` by full id or its first 8
 * characters; `all` for every dead row. Returns the ids requeued.
 */
export async function retryDeadLetters(db: Tx, which: { ids: readonly string[] } | { all: true }, now: Date): Promise<string[]> {
  const dead = await db.outboxMessage.findMany({ where: { status: "DEAD" }, select: { id: true } });
  const picked =
    "all" in which ? dead.map((d) => d.id) : dead.filter((d) => which.ids.some((w) => d.id === w || (w.length >= 8 && d.id.startsWith(w)))).map((d) => d.id);
  if (picked.length === 0) return [];
  await db.outboxMessage.updateMany({
    where: { id: { in: picked }, status: "DEAD" },
    data: { status: "PENDING", attempts: 0, nextAttemptAt: now, lockedUntil: now },
  });
  return picked;
}

/** The list as the CLI prints it: short id, when, kind, attempts, last error. */
export function deadLettersText({ rows, total }: { rows: DeadLetter[]; total: number }): string {
  if (total === 0) return "No dead letters: every outbox message was delivered or is still being tried.\n";
  const lines = rows.map((r) => `${r.id.slice(0, 8)}  ${r.createdAt.toISOString()}  ${r.kind}  ${r.attempts} attempts  ${r.lastError ?? ""}`);
  const more = total > rows.length ? [`…and ${total - rows.length} more (--limit)`] : [];
  return `${[`${total} dead letter${total === 1 ? "" : "s"}:`, ...lines, ...more, "Send again: outbox retry <id> … | --all"].join("\n")}\n`;
}

/** How many messages wait, and for how long the oldest has waited (for the metrics). */
export async function outboxBacklog(db: Tx, now: Date): Promise<{ pending: number; oldestPendingSeconds: number }> {
  const [pending, oldest] = await Promise.all([
    db.outboxMessage.count({ where: { status: "PENDING" } }),
    db.outboxMessage.findFirst({ where: { status: "PENDING" }, orderBy: { createdAt: "asc" }, select: { createdAt: true } }),
  ]);
  return { pending, oldestPendingSeconds: oldest ? Math.max(0, (now.getTime() - oldest.createdAt.getTime()) / 1000) : 0 };
}
