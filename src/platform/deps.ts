import type { Logger } from "@slack/bolt";
import type { Clock } from "./clock";
import type { Config } from "./config";
import type { Database } from "./db/client";

/** What the app's listeners, use cases and jobs are given; tests pass a test database and a fixed clock. */
export interface AppDeps {
  config: Config;
  db: Database;
  clock: Clock;
  logger: Logger;
  /** Wakes the outbox worker after a write, so posts go out at once (the worker also polls). */
  outbox?: { kick(): void };
}
