import { timeJob } from "./platform/metrics";
import cron from "node-cron";
import type { AppDeps } from "./platform/deps";
import { catchUpDigests, digestClient, runWeeklyDigests } from "./features/digests/job";
import { runMapRefresh } from "./features/account-map/refresh-job";
import { runSlaSweep } from "./features/asks/sla-sweep";
import { runQuarterClose } from "./features/incentives/quarter-close-job";
import { runCheckInJob } from "./features/checkins/checkin-job";
import { runQbrs } from "./features/qbr/qbr-job";
import { runHubSpotReconcile } from "./features/crm/reconcile-job";

export interface Scheduler {
  stop(): Promise<void>;
}

/** Every 5 minutes: overdue asks, escalations, stale deals, passed close dates. */
const SLA_SWEEP_CRON = "*/5 * * * *";

/**
 * Every 5 minutes: the weekly digests when due (the program's day and hour in its timezone, read
 * at each run so setup changes apply at once), pending digest charts, then the check-ins of the
 * next digest. See features/digests/job.ts and features/checkins/checkin-job.ts.
 */
const DIGEST_CRON = "*/5 * * * *";

/**
 * Every 15 minutes: the quarterly account-mapping reminder when due (from 09:00 on the first
 * Monday of Jan/Apr/Jul/Oct in the program's timezone, read at each run; once per pairing and
 * quarter by the JobRun claim). See features/account-map/refresh-job.ts.
 */
const MAP_REFRESH_CRON = "*/15 * * * *";

/**
 * Every 15 minutes: the quarter close (co-sell bonuses and tier proposals) for the quarter that
 * just ended in the program's timezone, once per quarter by the JobRun claim. See
 * features/incentives/quarter-close-job.ts.
 */
const QUARTER_CLOSE_CRON = "*/15 * * * *";

/**
 * Every 5 minutes: the CRM reconciliation (features/crm/reconcile-job.ts), once per slot across
 * processes by its JobRun claim; only when a CRM is connected.
 */
const CRM_RECONCILE_CRON = "*/5 * * * *";

export interface SchedulerOptions {
  /** cron expression of the SLA sweep (default SLA_SWEEP_CRON) */
  slaSweepCron?: string;
  /** cron expression of the digest check (default DIGEST_CRON) */
  digestCron?: string;
  /** cron expression of the account-map refresh check (default MAP_REFRESH_CRON) */
  mapRefreshCron?: string;
  /** cron expression of the quarter-close check (default QUARTER_CLOSE_CRON) */
  quarterCloseCron?: string;
}

/** The one place that schedules recurring work. Each job is a plain function tests call directly. */
export function startJobs(deps: AppDeps, opts: SchedulerOptions = {}): Scheduler {
  const expression = opts.slaSweepCron ?? SLA_SWEEP_CRON;
  if (!cron.validate(expression)) throw new Error(`Invalid cron expression for the SLA sweep: "${expression}"`);

  // One sweep at a time in this process; several processes are safe (exactly-once by the
  // conditional level update and the outbox dedupe keys), they only duplicate the reading.
  let running: Promise<void> | null = null;
  const sweep = () => {
    if (running) return running;
    running = (async () => {
      try {
        const r = await timeJob(deps.metrics, "sla-sweep", () => runSlaSweep(deps, deps.clock.now()));
        const reg = r.registrations;
        if (r.overdue + r.escalated + r.stale + r.closeDatePassed + reg.reviewReminders + reg.expiryWarnings + reg.expired > 0) deps.outbox?.kick();
      } catch (err) {
        deps.logger.error("SLA sweep failed:", err);
      }
    })().finally(() => {
      running = null;
    });
    return running;
  };
  const task = cron.schedule(expression, sweep, { name: "sla-sweep", noOverlap: true });

  // Weekly digests: exactly once per pairing and week by the JobRun claim (features/digests/job.ts), so
  // several processes are safe. At start, a digest missed earlier today is caught up.
  const digestExpression = opts.digestCron ?? DIGEST_CRON;
  if (!cron.validate(digestExpression)) throw new Error(`Invalid cron expression for the digests: "${digestExpression}"`);
  const slack = digestClient(deps);
  let digesting: Promise<void> | null = null;
  const digests = (first = false) => {
    if (digesting) return digesting;
    digesting = (async () => {
      try {
        await timeJob(deps.metrics, "weekly-digests", () => (first ? catchUpDigests : runWeeklyDigests)(deps, deps.clock.now(), { client: slack }));
      } catch (err) {
        deps.logger.error("weekly digests failed:", err);
      }
      // The check-ins of the next digest (asked the working day before, reminded 2 hours before).
      try {
        await timeJob(deps.metrics, "check-ins", () => runCheckInJob(deps, deps.clock.now()));
      } catch (err) {
        deps.logger.error("check-ins failed:", err);
      }
    })().finally(() => {
      digesting = null;
    });
    return digesting;
  };
  const digestTask = cron.schedule(digestExpression, () => digests(), { name: "weekly-digests", noOverlap: true });
  void digests(true);

  const mapExpression = opts.mapRefreshCron ?? MAP_REFRESH_CRON;
  if (!cron.validate(mapExpression)) throw new Error(`Invalid cron expression for the account-map refresh: "${mapExpression}"`);
  let mapping: Promise<void> | null = null;
  const mapRefresh = () => {
    if (mapping) return mapping;
    mapping = timeJob(deps.metrics, "map-refresh", () => runMapRefresh(deps, deps.clock.now()))
      .then(
        () => undefined,
        (err) => deps.logger.error("account-map refresh failed:", err),
      )
      .finally(() => {
        mapping = null;
      });
    return mapping;
  };
  const mapTask = cron.schedule(mapExpression, mapRefresh, { name: "account-map-refresh", noOverlap: true });

  const closeExpression = opts.quarterCloseCron ?? QUARTER_CLOSE_CRON;
  if (!cron.validate(closeExpression)) throw new Error(`Invalid cron expression for the quarter close: "${closeExpression}"`);
  let closing: Promise<void> | null = null;
  const quarterClose = () => {
    if (closing) return closing;
    closing = timeJob(deps.metrics, "quarter-close", () =>
      runQuarterClose({ db: deps.db, admins: deps.config.admins, timezone: deps.config.timezone }, deps.clock.now()),
    )
      .then(
        (r) => {
          if (r.closed) deps.outbox?.kick();
        },
        (err) => deps.logger.error("quarter close failed:", err),
      )
      // Then the quarterly partner reviews of the quarter that ended (features/qbr/qbr-job.ts).
      .then(() => timeJob(deps.metrics, "qbr", () => runQbrs(deps, deps.clock.now(), { client: slack })))
      .then(
        () => undefined,
        (err) => deps.logger.error("quarterly partner reviews failed:", err),
      )
      .finally(() => {
        closing = null;
      });
    return closing;
  };
  const closeTask = cron.schedule(closeExpression, quarterClose, { name: "quarter-close", noOverlap: true });

  let reconciling: Promise<void> | null = null;
  const reconcile = () => {
    if (reconciling || !deps.crm?.hubspot) return reconciling;
    reconciling = timeJob(deps.metrics, "crm-reconcile", () => runHubSpotReconcile(deps, deps.clock.now()))
      .then(
        (r) => {
          if (Object.values(r.outcomes).some((n) => n > 0)) deps.outbox?.kick();
        },
        (err) => deps.logger.error("CRM reconciliation failed:", err),
      )
      .finally(() => {
        reconciling = null;
      });
    return reconciling;
  };
  const crmTask = cron.schedule(CRM_RECONCILE_CRON, () => reconcile() ?? undefined, { name: "crm-reconcile", noOverlap: true });

  return {
    async stop() {
      await task.stop();
      await task.destroy();
      await digestTask.stop();
      await digestTask.destroy();
      await mapTask.stop();
      await mapTask.destroy();
      await closeTask.stop();
      await closeTask.destroy();
      await crmTask.stop();
      await crmTask.destroy();
      await running;
      await digesting;
      await mapping;
      await closing;
      await reconciling;
    },
  };
}
