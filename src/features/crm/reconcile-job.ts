import type { AppDeps } from "../../platform/deps";
import { CrmApiError, type HubSpotApi, type HubSpotDeal } from "../../platform/crm/hubspot";
import { parseAmount } from "../../kernel/money";
import { applyCrmDealChange, crmDate, type CrmApplyOutcome } from "./apply-change";
import { loadHubSpotStageMap } from "./stage-map";
import { forEachConcurrent } from "../../kernel/collections";

// Reconciliation: what no webhook told us is still applied. Every few minutes (scheduler.ts),
// once per 5-minute slot across processes (a JobRun claim), HubSpot's search API is asked for
// the deals modified since the stored cursor (hs_lastmodifieddate, oldest first, 200 a page) and every
// linked one whose stage, amount or close date differs from cosell's goes through the same
// use case as a webhook event. The cursor moves only past pages fully applied. HubSpot's
// search allows about 5 requests a second per account: calls are spaced, a 429 waits its
// Retry-After, and one query stops at HubSpot's 10,000-result cap and starts again from there.

const CRM_RECONCILE_JOB = "crm-reconcile";
const SLOT_MS = 5 * 60_000;
/** search results lag a few seconds behind writes: each pass re-reads the last minute */
const OVERLAP_MS = 60_000;
/** HubSpot returns at most 10,000 results per search query (50 pages of 200) */
const PAGES_PER_QUERY = 50;
/** deals applied at once (each is one transaction: a pool connection) */
const APPLY_CONCURRENCY = 4;
/** processed webhook events are kept this long for de-duplication (HubSpot retries for up to 3 days) */
const EVENT_RETENTION_MS = 7 * 24 * 3600_000;

export interface ReconcileOptions {
  /** spacing of search calls (HubSpot: ~5 per second per account) */
  pageGapMs?: number;
  /** how many 429s in a row one page may get before the pass gives up (the cursor keeps what was done) */
  maxRateLimited?: number;
  sleep?: (ms: number) => Promise<void>;
  /** skip the once-per-slot claim (the CLI's "reconcile now") */
  force?: boolean;
}

export interface ReconcileReport {
  claimed: boolean;
  pages: number;
  seen: number;
  linked: number;
  outcomes: Partial<Record<CrmApplyOutcome["outcome"], number>>;
  rateLimited: number;
  cursor: Date | null;
  error?: string;
}

export async function runHubSpotReconcile(deps: AppDeps, now: Date, opts: ReconcileOptions = {}): Promise<ReconcileReport> {
  const report: ReconcileReport = { claimed: false, pages: 0, seen: 0, linked: 0, outcomes: {}, rateLimited: 0, cursor: null };
  const hubspot = deps.crm?.hubspot;
  if (!hubspot) return report;
  const prisma = deps.db.prisma;
  if (!opts.force) {
    const slot = new Date(Math.floor(now.getTime() / SLOT_MS) * SLOT_MS).toISOString();
    const claimed = await prisma.jobRun.createMany({ data: [{ job: CRM_RECONCILE_JOB, periodKey: `hubspot:${slot}`, startedAt: now }], skipDuplicates: true });
    if (claimed.count === 0) return report;
  }
  report.claimed = true;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const gap = opts.pageGapMs ?? 250;
  const maxRateLimited = opts.maxRateLimited ?? 5;

  const stored = await prisma.crmSyncCursor.findUnique({ where: { provider: "HUBSPOT" } });
  let cursor = stored?.cursor ?? (await firstCursor(deps, now));
  report.cursor = cursor;
  const stageMap = await loadHubSpotStageMap(prisma);
  const ctx = { stageMap, admins: deps.config.admins };

  let since = new Date(cursor.getTime() - OVERLAP_MS);
  let after: string | undefined;
  let pagesThisQuery = 0;
  let lastCall = 0;
  try {
    for (;;) {
      const wait = lastCall + gap - Date.now();
      if (wait > 0) await sleep(wait);
      lastCall = Date.now();
      let page: Awaited<ReturnType<HubSpotApi["searchDealsModifiedSince"]>>;
      try {
        page = await hubspot.searchDealsModifiedSince(since, after);
      } catch (err) {
        if (err instanceof CrmApiError && err.status === 429 && report.rateLimited < maxRateLimited) {
          report.rateLimited++;
          await sleep(err.retryAfterMs ?? 10_000);
          continue;
        }
        throw err;
      }
      report.pages++;
      pagesThisQuery++;
      report.seen += page.deals.length;
      const differing = await linkedAndDiffering(deps, page.deals, stageMap);
      report.linked += differing.linked;
      // A page holds each record once: its deals are applied side by side.
      await forEachConcurrent(differing.deals, APPLY_CONCURRENCY, async (d) => {
        const r = await applyCrmDealChange(
          prisma,
          { objectId: d.id, stageId: d.stageId, amount: d.amount, closeDate: d.closeDate, modifiedAt: d.modifiedAt },
          { ...ctx, now: deps.clock.now() },
        );
        report.outcomes[r.outcome] = (report.outcomes[r.outcome] ?? 0) + 1;
      });
      const newest = page.deals.reduce((m, d) => Math.max(m, d.modifiedAt.getTime()), cursor.getTime());
      if (newest > cursor.getTime()) {
        cursor = new Date(newest);
        await prisma.crmSyncCursor.upsert({
          where: { provider: "HUBSPOT" },
          create: { provider: "HUBSPOT", cursor, updatedAt: now },
          update: { cursor, updatedAt: now },
        });
        report.cursor = cursor;
      }
      if (!page.next) break;
      if (pagesThisQuery >= PAGES_PER_QUERY) {
        // HubSpot's cap: a new query from the newest time seen (GTE: ties are read again, applied once).
        since = cursor;
        after = undefined;
        pagesThisQuery = 0;
      } else after = page.next;
    }
    if (!stored) await prisma.crmSyncCursor.upsert({ where: { provider: "HUBSPOT" }, create: { provider: "HUBSPOT", cursor, updatedAt: now }, update: {} });
  } catch (err) {
    report.error = (err as Error).message ?? String(err);
    deps.logger.warn(`HubSpot reconciliation stopped (the next pass resumes from ${cursor.toISOString()}): ${report.error}`);
  }
  await prisma.crmEvent.deleteMany({ where: { processedAt: { lt: new Date(now.getTime() - EVENT_RETENTION_MS) } } });
  await prisma.jobRun.updateMany({ where: { job: CRM_RECONCILE_JOB, startedAt: now, finishedAt: null }, data: { finishedAt: deps.clock.now() } });
  return report;
}

/** The first pass starts at the oldest live link (nothing linked: now). */
async function firstCursor(deps: AppDeps, now: Date): Promise<Date> {
  const oldest = await deps.db.prisma.crmLink.findFirst({
    where: { provider: "HUBSPOT", unlinkedAt: null },
    orderBy: { linkedAt: "asc" },
    select: { linkedAt: true },
  });
  return oldest?.linkedAt ?? now;
}

/** The page's deals that are linked and hold a value cosell does not have (one query per page). */
async function linkedAndDiffering(deps: AppDeps, deals: readonly HubSpotDeal[], stageMap: Awaited<ReturnType<typeof loadHubSpotStageMap>>) {
  if (deals.length === 0) return { linked: 0, deals: [] };
  const links = await deps.db.prisma.crmLink.findMany({
    where: { provider: "HUBSPOT", unlinkedAt: null, objectId: { in: deals.map((d) => d.id) } },
    select: { objectId: true, deal: { select: { stage: true, amountMinor: true, currency: true, expectedCloseDate: true } } },
  });
  const byObject = new Map(links.map((l) => [l.objectId, l.deal]));
  const out: HubSpotDeal[] = [];
  for (const d of deals) {
    const ours = byObject.get(d.id);
    if (!ours) continue;
    const stage = d.stageId ? stageMap.get(d.stageId) : undefined;
    const stageDiffers = d.stageId !== null && (stage === undefined || stage.stage !== ours.stage);
    const amount = d.amount ? parseAmount(d.amount, ours.currency) : null;
    const amountDiffers = amount !== null && (!amount.ok || BigInt(amount.minor) !== ours.amountMinor);
    const close = crmDate(d.closeDate);
    const closeDiffers = close !== null && close.getTime() !== ours.expectedCloseDate.getTime();
    if (stageDiffers || amountDiffers || closeDiffers) out.push(d);
  }
  return { linked: links.length, deals: out };
}
