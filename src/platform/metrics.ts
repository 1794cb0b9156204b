import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

// Prometheus metrics (`GET /metrics`), on a registry of the app's own, so that several apps in
// one process (tests, the playground) never share or collide. Labels are bounded sets — kinds,
// subcommand names, action and callback ids, job names — never text a person typed.

export interface Metrics {
  registry: Registry;
  /** time from a Slack request's arrival to its answer (the ack), by kind and id */
  ackSeconds: Histogram<"kind" | "id">;
  /** listener errors: `user` (a refusal shown to the person) or `unexpected` (a bug or an outage) */
  handlerErrors: Counter<"kind" | "error">;
  /** outbox sends by result: sent, adopted (found already posted), retried, dead */
  outboxSends: Counter<"result">;
  /** Slack answered 429 (rate limited) */
  slackRateLimited: Counter<"method">;
  jobRuns: Counter<"job" | "result">;
  jobSeconds: Histogram<"job">;
}

export interface MetricsSources {
  /** pending outbox rows and the age of the oldest, read at each scrape (one query) */
  outbox?: () => Promise<{ pending: number; oldestPendingSeconds: number }>;
  /** the database pool (Postgres); null on the embedded database, which has no pool */
  pool?: () => { total: number; idle: number; waiting: number } | null;
}

export function createMetrics(sources: MetricsSources = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "cosell_process_" });
  const m: Metrics = {
    registry,
    ackSeconds: new Histogram({
      name: "cosell_slack_ack_seconds",
      help: "Time from a Slack request's arrival to its answer (the ack Slack waits for, at most 3 s), by interaction kind and id",
      labelNames: ["kind", "id"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
      registers: [registry],
    }),
    handlerErrors: new Counter({
      name: "cosell_handler_errors_total",
      help: "Errors in Slack listeners: user (a refusal or field error shown to the person) or unexpected (logged, the person gets an apology)",
      labelNames: ["kind", "error"],
      registers: [registry],
    }),
    outboxSends: new Counter({
      name: "cosell_outbox_sends_total",
      help: "Outbox deliveries by result: sent, adopted (already in Slack, found by its metadata), retried (will try again), dead (gave up)",
      labelNames: ["result"],
      registers: [registry],
    }),
    slackRateLimited: new Counter({
      name: "cosell_slack_rate_limited_total",
      help: "Slack Web API calls answered 429 (rate limited), by method",
      labelNames: ["method"],
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: "cosell_job_runs_total",
      help: "Scheduled job runs by job and result (ok, failed)",
      labelNames: ["job", "result"],
      registers: [registry],
    }),
    jobSeconds: new Histogram({
      name: "cosell_job_duration_seconds",
      help: "How long each scheduled job run took",
      labelNames: ["job"],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
  };
  const outbox = sources.outbox;
  if (outbox) {
    // Both gauges come from one query per scrape.
    let last: Promise<{ pending: number; oldestPendingSeconds: number }> | null = null;
    const read = () => {
      last ??= outbox().finally(() => setImmediate(() => (last = null)));
      return last;
    };
    new Gauge({
      name: "cosell_outbox_pending",
      help: "Outbox messages waiting to be sent (PENDING)",
      registers: [registry],
      async collect() {
        this.set((await read()).pending);
      },
    });
    new Gauge({
      name: "cosell_outbox_oldest_pending_seconds",
      help: "Age of the oldest PENDING outbox message (0 when none): how late Slack posts are running",
      registers: [registry],
      async collect() {
        this.set((await read()).oldestPendingSeconds);
      },
    });
  }
  const pool = sources.pool;
  if (pool) {
    new Gauge({
      name: "cosell_db_pool_connections",
      help: "Database pool connections by state (total, idle, waiting clients); Postgres only",
      labelNames: ["state"],
      registers: [registry],
      collect() {
        const p = pool();
        if (!p) return;
        this.set({ state: "total" }, p.total);
        this.set({ state: "idle" }, p.idle);
        this.set({ state: "waiting" }, p.waiting);
      },
    });
  }
  return m;
}

/** Times one job run into the metrics (when there are any). */
export async function timeJob<T>(metrics: Metrics | undefined, job: string, fn: () => Promise<T>): Promise<T> {
  if (!metrics) return fn();
  const end = metrics.jobSeconds.startTimer({ job });
  try {
    const r = await fn();
    metrics.jobRuns.inc({ job, result: "ok" });
    return r;
  } catch (err) {
    metrics.jobRuns.inc({ job, result: "failed" });
    throw err;
  } finally {
    end();
  }
}
