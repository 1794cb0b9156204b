import type { Logger } from "@slack/bolt";
import type { Clock } from "./clock";
import type { Config } from "./config";
import type { Database, Db } from "./db/client";
import type { Metrics } from "./metrics";
import type { HubSpotApi } from "./crm/hubspot";

/** What the app's listeners, use cases and jobs are given; tests pass a test database and a fixed clock. */
export interface AppDeps {
  config: Config;
  db: Database;
  clock: Clock;
  logger: Logger;
  /** Prometheus metrics (GET /metrics); absent in tests that don't look at them */
  metrics?: Metrics;
  /** Wakes the outbox worker after a write, so posts go out at once (the worker also polls). */
  outbox?: { kick(): void };
  /** the connected CRMs' APIs (config.crm); absent when none is connected */
  crm?: { hubspot?: HubSpotApi };
  /** Wakes the CRM inbox after a webhook stored events (it also polls). */
  crmInbox?: { kick(): void };
}

/**
 * The store handle that use cases and repositories take (`createAsk(dbOf(deps), …)`). Listeners
 * only pass it on: every query lives in a feature's use case or repository module (a test
 * checks that no listener file queries it).
 */
export function dbOf(deps: Pick<AppDeps, "db">): Db {
  return deps.db.prisma;
}
