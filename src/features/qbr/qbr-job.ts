import type { WebClient } from "@slack/web-api";
import { previousQuarter, quarterAt } from "../../kernel/incentives";
import type { AppDeps } from "../../platform/deps";
import { enqueue } from "../../platform/outbox/enqueue";
import { programRepo } from "../../platform/repos/program-repo";
import { digestClient, managerDestinations } from "../digests/job";
import { loadDigestProgram } from "../digests/load";

// The quarterly partner reviews: in the first two weeks of a quarter (program timezone), each
// partner with a pairing gets its QBR of the quarter that just ended, once: the internal version
// to every admin by DM and to the manager channel when it is internal, the partner-safe version
// to each of its pairing channels that holds no other partner. A JobRun claim ("qbr", "<quarter>:<partner id>") is taken in
// the same transaction as the outbox intents, so replicas and restarts post it once; the
// messages are rendered when delivered (features/qbr/outbox.ts).

export const QBR_JOB = "qbr";
const CATCH_UP_DAYS = 14;

export interface QbrRunReport {
  quarter: string | null;
  posted: number;
}

export async function runQbrs(
  deps: Pick<AppDeps, "db" | "config" | "logger" | "outbox">,
  now: Date,
  opts: { client?: WebClient | null } = {},
): Promise<QbrRunReport> {
  const prisma = deps.db.prisma;
  const timezone = await programRepo(prisma).timezone(deps.config.timezone);
  const current = quarterAt(now, timezone);
  if (now.getTime() - current.start.getTime() > CATCH_UP_DAYS * 86_400_000) return { quarter: null, posted: 0 };
  const quarter = previousQuarter(current, timezone);
  const partners = await prisma.organization.findMany({
    where: { kind: "PARTNER", pairings: { some: { pairing: { createdAt: { lt: quarter.end } } } } },
    select: {
      id: true,
      pairings: { select: { pairing: { select: { channelId: true, members: { select: { org: { select: { id: true, kind: true } } } } } } } },
    },
    orderBy: { name: "asc" },
  });
  const done = new Set(
    (await prisma.jobRun.findMany({ where: { job: QBR_JOB, periodKey: { startsWith: `${quarter.label}:` } }, select: { periodKey: true } })).map(
      (r) => r.periodKey,
    ),
  );
  const todo = partners.filter((p) => !done.has(`${quarter.label}:${p.id}`));
  if (todo.length === 0) return { quarter: quarter.label, posted: 0 };
  const client = opts.client === undefined ? digestClient(deps) : opts.client;
  const internal = (await managerDestinations(deps, await loadDigestProgram(prisma, timezone), client)).map((d) => d.channel);
  // Admins always get it by DM; the manager channel too when it is internal.
  const targets = [...new Set([...deps.config.admins, ...internal])];
  let posted = 0;
  for (const p of todo) {
    const periodKey = `${quarter.label}:${p.id}`;
    const claimed = await prisma.$transaction(async (tx) => {
      const rows = await tx.jobRun.createManyAndReturn({
        data: [{ job: QBR_JOB, periodKey, startedAt: now, finishedAt: now }],
        skipDuplicates: true,
        select: { id: true },
      });
      if (rows.length === 0) return false;
      for (const channel of targets) {
        await enqueue(
          tx,
          {
            method: "qbr.posted",
            payload: { partnerOrgId: p.id, quarter: quarter.label, version: "internal", channel },
            dedupeKey: `qbr:${periodKey}:internal:${channel}`,
          },
          now,
        );
      }
      // Only where the partner's numbers are among themselves: a pairing channel that holds
      // another partner does not get them (that partner would read them).
      const own = p.pairings.filter((m) => m.pairing.members.every((x) => x.org.kind === "INTERNAL" || x.org.id === p.id));
      for (const channel of new Set(own.map((m) => m.pairing.channelId))) {
        await enqueue(
          tx,
          {
            method: "qbr.posted",
            payload: { partnerOrgId: p.id, quarter: quarter.label, version: "partner", channel },
            dedupeKey: `qbr:${periodKey}:partner:${channel}`,
          },
          now,
        );
      }
      return true;
    });
    if (claimed) posted++;
  }
  if (posted > 0) deps.outbox?.kick();
  return { quarter: quarter.label, posted };
}
