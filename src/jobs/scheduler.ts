import cron from "node-cron";
import type { AppDeps } from "../deps";
import { runSlaSweep } from "./sla-sweep";

export interface Scheduler {
  stop(): Promise<void>;
}

/** Every 5 minutes: overdue asks, escalations, stale deals, passed close dates. */
export const SLA_SWEEP_CRON = "*/5 * * * *";

export interface SchedulerOptions {
  /** cron expression of the SLA sweep (default SLA_SWEEP_CRON) */
  slaSweepCron?: string;
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
        const r = await runSlaSweep(deps, deps.clock.now());
        if (r.overdue + r.escalated + r.stale + r.closeDatePassed > 0) deps.outbox?.kick();
      } catch (err) {
        deps.logger.error("SLA sweep failed:", err);
      }
    })().finally(() => {
      running = null;
    });
    return running;
  };
  const task = cron.schedule(expression, sweep, { name: "sla-sweep", noOverlap: true });

  return {
    async stop() {
      await task.stop();
      await task.destroy();
      await running;
    },
  };
}
