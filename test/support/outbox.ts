import { outboxRenderers } from "../../src/outbox-renderers";
import type { Tx } from "../../src/platform/db/client";
import { parseOutboxRow } from "../../src/platform/outbox/intents";
import { renderIntent } from "../../src/platform/outbox/renderers";
import { toSlack } from "../../src/platform/slack/mrkdwn";

interface StoredRow {
  id: string;
  method: string;
  payload: unknown;
  dedupeKey: string | null;
}

/**
 * What an outbox row will send, rendered as delivery renders it (a reply in a deal's thread
 * still names the deal: `threadOfDealId`): the Slack arguments of a post or an update, or
 * `{ skipped }` / `{ deferred }`. Rows are intents; tests read their messages through this.
 */
export async function renderedPayload(db: Tx, row: StoredRow, now = new Date()): Promise<Record<string, unknown>> {
  const parsed = parseOutboxRow(row.method, row.payload);
  if (!parsed.ok) throw new Error(`outbox row ${row.id} (${row.method}) is not an intent: ${parsed.error}`);
  const d = await renderIntent(outboxRenderers, { db, now, row: { id: row.id, dedupeKey: row.dedupeKey } }, parsed.intent);
  if (d.kind === "skip") return { skipped: d.reason };
  if (d.kind === "defer") return { deferred: d.reason };
  if (d.kind === "crm") return { crm: d.provider, ...d.note };
  return toSlack(d.message) as unknown as Record<string, unknown>;
}

/** Rows with `payload` replaced by what they will send (see renderedPayload). */
export async function withRendered<R extends StoredRow>(db: Tx, rows: readonly R[], now?: Date): Promise<(R & { payload: Record<string, unknown> })[]> {
  return Promise.all(rows.map(async (r) => ({ ...r, payload: await renderedPayload(db, r, now) })));
}
