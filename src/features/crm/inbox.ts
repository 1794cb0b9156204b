import type { Db } from "../../platform/db/client";
import type { AppDeps } from "../../platform/deps";
import { enqueue } from "../../platform/outbox/enqueue";
import { applyCrmDealChangeIn, HUBSPOT_ACTOR, type CrmDealChange } from "./apply-change";
import { unlinkCrmRecordIn } from "./links";
import { loadHubSpotStageMap } from "./stage-map";
import { forEachConcurrent, groupBy } from "../../kernel/collections";

// The CRM inbox: webhook events are stored as they arrive (de-duplicated by their event id: a
// replay or a HubSpot retry is a no-op), answered at once, and applied here, oldest first. Each
// event is applied and marked in one transaction, so a crash in between applies it again, never
// twice (the per-field CRM times make a second apply a no-op). An event that fails stays
// pending and is tried again at the next drain; reconciliation catches anything never received.

/** A HubSpot webhook event as stored (the fields cosell uses). */
export interface StoredCrmEvent {
  eventId: string;
  objectId: string;
  kind: string;
  property: string | null;
  value: string | null;
  crmUser: string | null;
  occurredAt: Date;
}

/** the properties whose changes cosell applies; subscriptions to others are recorded as ignored */
const APPLIED_PROPERTIES: ReadonlyMap<string, keyof Pick<CrmDealChange, "stageId" | "amount" | "closeDate">> = new Map([
  ["dealstage", "stageId"],
  ["amount", "amount"],
  ["closedate", "closeDate"],
]);

/** Stores new events; returns how many were new (the rest had been received before). */
export async function storeHubSpotEvents(db: Db, events: readonly StoredCrmEvent[], now: Date): Promise<number> {
  if (events.length === 0) return 0;
  const r = await db.crmEvent.createMany({
    data: events.map((e) => ({ provider: "HUBSPOT" as const, ...e, receivedAt: now })),
    skipDuplicates: true,
  });
  return r.count;
}

interface DrainReport {
  applied: number;
  other: number;
  failed: number;
}

/** records whose events are applied side by side (each is one transaction: a pool connection) */
const DRAIN_CONCURRENCY = 4;

/** Applies the pending events, oldest first, until none is left (or only ones that failed in this drain). */
async function drainCrmInbox(deps: Pick<AppDeps, "db" | "clock" | "config" | "logger">, opts: { batch?: number } = {}): Promise<DrainReport> {
  const prisma = deps.db.prisma;
  const batch = opts.batch ?? 200;
  const report: DrainReport = { applied: 0, other: 0, failed: 0 };
  const failed = new Set<string>();
  for (;;) {
    const now = deps.clock.now();
    // Most of a portal's events are of deals nobody linked: settled in one statement.
    report.other += await prisma.$executeRaw`
      UPDATE "CrmEvent" e SET "processedAt" = ${now}, outcome = 'unlinked'
       WHERE e."processedAt" IS NULL AND e.kind <> 'deal.deletion'
         AND NOT EXISTS (SELECT 1 FROM "CrmLink" l WHERE l.provider = e.provider AND l."objectId" = e."objectId" AND l."unlinkedAt" IS NULL)`;
    const pending = await prisma.$queryRaw<{ id: string; objectId: string }[]>`
      SELECT id, "objectId" FROM "CrmEvent" WHERE "processedAt" IS NULL ORDER BY "occurredAt", "eventId" LIMIT ${batch + failed.size}`;
    const todo = pending.filter((p) => !failed.has(p.id));
    if (todo.length === 0) return report;
    const stageMap = await loadHubSpotStageMap(prisma);
    // One record's events in order; different records side by side.
    await forEachConcurrent([...groupBy(todo, (e) => e.objectId).values()], DRAIN_CONCURRENCY, async (events) => {
      for (const { id } of events) {
        try {
          const outcome = await applyEvent(deps, id, stageMap);
          if (outcome === "applied") report.applied++;
          else if (outcome !== null) report.other++;
        } catch (err) {
          failed.add(id);
          report.failed++;
          deps.logger.warn(`CRM inbox: event ${id} failed, kept for the next drain:`, err);
          await prisma.crmEvent
            .update({ where: { id }, data: { detail: `failed: ${String((err as Error).message ?? err).slice(0, 300)}` } })
            .catch(() => undefined);
          // The record's later events wait for it (never applied out of order past a failure).
          return;
        }
      }
    });
  }
}

/** One event, applied and marked in one transaction; null when another process has it. */
async function applyEvent(
  deps: Pick<AppDeps, "db" | "clock" | "config">,
  id: string,
  stageMap: Awaited<ReturnType<typeof loadHubSpotStageMap>>,
): Promise<string | null> {
  const now = deps.clock.now();
  return deps.db.prisma.$transaction(async (tx) => {
    const [ev] = await tx.$queryRaw<(StoredCrmEvent & { id: string })[]>`
      SELECT id, "eventId", "objectId", kind, property, value, "crmUser", "occurredAt" FROM "CrmEvent"
       WHERE id = ${id} AND "processedAt" IS NULL FOR UPDATE SKIP LOCKED`;
    if (!ev) return null;
    let outcome: string;
    let detail: string | undefined;
    const field = ev.property ? APPLIED_PROPERTIES.get(ev.property) : undefined;
    if (ev.kind === "deal.deletion") {
      const link = await tx.crmLink.findFirst({ where: { provider: "HUBSPOT", objectId: ev.objectId, unlinkedAt: null }, select: { dealId: true } });
      if (!link) outcome = "unlinked";
      else {
        await unlinkCrmRecordIn(tx, { dealId: link.dealId, by: HUBSPOT_ACTOR, now, reason: "deleted in HubSpot" });
        for (const admin of new Set(deps.config.admins)) {
          await enqueue(
            tx,
            { method: "crm.adminNotice", payload: { admin, provider: "hubspot", event: "record-deleted", objectId: ev.objectId, dealId: link.dealId } },
            now,
          );
        }
        outcome = "unlinked-deleted";
      }
    } else if (ev.kind === "deal.propertyChange" && field) {
      const r = await applyCrmDealChangeIn(
        tx,
        { objectId: ev.objectId, [field]: ev.value, modifiedAt: ev.occurredAt, crmUser: ev.crmUser },
        { now, stageMap, admins: deps.config.admins },
      );
      outcome = r.outcome;
      detail = r.detail;
    } else {
      outcome = "ignored";
      detail = `${ev.kind}${ev.property ? ` ${ev.property}` : ""} is not synced`;
    }
    await tx.crmEvent.update({ where: { id }, data: { processedAt: now, outcome, detail: detail ?? null } });
    return outcome;
  });
}

export interface CrmInboxLoop {
  /** drain soon (a webhook stored events) */
  kick(): void;
  /** resolves once no drain is running or asked for */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Drains when kicked and every `intervalMs` (events left by a restart or a failure). */
export function startCrmInbox(deps: AppDeps, opts: { intervalMs?: number } = {}): CrmInboxLoop {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          const r = await drainCrmInbox(deps);
          if (r.applied + r.other > 0) deps.outbox?.kick();
        } catch (err) {
          deps.logger.error("CRM inbox drain failed:", err);
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => void run(), opts.intervalMs ?? 30_000);
  timer.unref();
  return {
    kick: () => {
      if (!stopped) void run();
    },
    idle: async () => {
      while (running) await running;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      while (running) await running;
    },
  };
}
