import { toJsonColumn } from "../../platform/db/json";
import { z } from "zod";
import type { AppDeps } from "../../platform/deps";
import { overlapTotal, refreshQuarterDue, type OverlapCounts } from "./rules";
import { localParts } from "../../kernel/sla-clock";
import { renderRefreshReminder, type RefreshPartner } from "./render";
import { loadAccountMap } from "./account-map";
import { enqueue } from "../../platform/outbox/enqueue";
import { programRepo } from "../../platform/repos/program-repo";

// The quarterly account-mapping refresh ("run account mapping exercises every quarter with your
// top co-sell partners … 'Here are 15 new overlaps since last quarter'"): from 09:00 on the
// first Monday of January, April, July and October (program timezone), each pairing's channel
// gets one reminder with the overlap counts per partner and how many are new since the last
// reminder. Exactly once per pairing and quarter: a JobRun row (job, "<quarter>:<pairing id>")
// is inserted in the same transaction as the outbox message; its detail keeps the counts the
// next quarter compares with.

export const MAP_REFRESH_JOB = "account-map-refresh";

// The refresh's JobRun.detail (a JSON column), parsed on read: the overlaps last quarter.
const refreshDetailSchema = z.object({
  channelId: z.string(),
  partners: z.record(
    z.string(),
    z.object({
      customerOverlap: z.number(),
      prospectOverlap: z.number(),
      // not in reminders from before these kinds were mapped
      prospectsOfBoth: z.number().default(0),
      ourCustomersTheirProspects: z.number().default(0),
      whitespace: z.number(),
      overlap: z.number(),
    }),
  ),
}) satisfies z.ZodType<{ partners: Record<string, OverlapCounts & { overlap: number }> }>;
type RefreshDetail = z.infer<typeof refreshDetailSchema>;

export interface MapRefreshReport {
  quarter: string | null;
  posted: number;
}

export async function runMapRefresh(deps: AppDeps, now: Date): Promise<MapRefreshReport> {
  const prisma = deps.db.prisma;
  const quarter = refreshQuarterDue(localParts(now, await programRepo(prisma).timezone(deps.config.timezone)));
  if (!quarter) return { quarter: null, posted: 0 };

  const done = new Set(
    (await prisma.jobRun.findMany({ where: { job: MAP_REFRESH_JOB, periodKey: { startsWith: `${quarter}:` } }, select: { periodKey: true } })).map(
      (r) => r.periodKey,
    ),
  );
  const pairings = await prisma.pairing.findMany({
    include: { members: { include: { org: { select: { id: true, name: true, kind: true } } } } },
    orderBy: { createdAt: "asc" },
  });
  const ours = await prisma.organization.findFirst({ where: { kind: "INTERNAL" }, select: { name: true } });
  let posted = 0;
  for (const pairing of pairings) {
    const periodKey = `${quarter}:${pairing.id}`;
    if (done.has(periodKey)) continue;
    const partnerOrgs = pairing.members
      .map((m) => m.org)
      .filter((o) => o.kind === "PARTNER")
      .sort((a, b) => a.name.localeCompare(b.name));
    if (partnerOrgs.length === 0) continue;
    const previous = await prisma.jobRun.findFirst({
      where: { job: MAP_REFRESH_JOB, periodKey: { endsWith: `:${pairing.id}` } },
      orderBy: { startedAt: "desc" },
      select: { detail: true },
    });
    const before = (previous?.detail == null ? null : refreshDetailSchema.parse(previous.detail))?.partners ?? {};
    const partners: RefreshPartner[] = [];
    const detail: RefreshDetail = { channelId: pairing.channelId, partners: {} };
    for (const org of partnerOrgs) {
      const map = await loadAccountMap(prisma, { partnerOrgId: org.id, targets: false });
      const overlap = overlapTotal(map.counts);
      detail.partners[org.id] = { ...map.counts, overlap };
      partners.push({
        orgId: org.id,
        name: org.name,
        counts: map.counts,
        previousOverlap: before[org.id]?.overlap ?? null,
        hasCustomerList: map.theirCustomers !== null,
      });
    }
    const msg = renderRefreshReminder({ pairingName: pairing.name, quarter, ourName: ours?.name ?? null, partners });
    const sent = await prisma.$transaction(async (tx) => {
      const claimed = await tx.jobRun.createMany({
        data: [{ job: MAP_REFRESH_JOB, periodKey, startedAt: now, finishedAt: now, detail: toJsonColumn(detail) }],
        skipDuplicates: true,
      });
      if (claimed.count === 0) return false; // another process got there first
      await enqueue(
        tx,
        { method: "message", payload: { channel: pairing.channelId, text: msg.text, blocks: msg.blocks }, dedupeKey: `map-refresh:${periodKey}` },
        now,
      );
      return true;
    });
    if (sent) posted++;
  }
  if (posted > 0) deps.outbox?.kick();
  return { quarter, posted };
}
