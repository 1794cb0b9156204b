import type { WebClient } from "@slack/web-api";
import { outboxRenderers } from "../../src/outbox-renderers";
import { systemClock, type Clock } from "../../src/platform/clock";
import type { Database } from "../../src/platform/db/client";
import type { AppDeps } from "../../src/platform/deps";
import { deliverOutbox, deliveryClient, type DeliveryOptions } from "../../src/platform/outbox/deliver";

// Deterministic "nothing more happens" waits. Instead of sleeping and hoping a stray post would
// have arrived by then, wait for the places work can still be in to be empty: the requests the
// app is handling (and the listeners they started), and the outbox rows that are due. Once they
// are, what the fake Slack recorded is all that will happen until a new request comes in or the
// clock moves (a retry scheduled later is not due).

const DEFAULT_TIMEOUT_MS = 15_000;
const POLL_MS = 20;

/** Polls `check` until it returns true; throws (saying `what`) after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${typeof what === "string" ? what : what()} (waited ${timeoutMs} ms)`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * Outbox rows due by `now`: waiting to be sent, or being sent (a claimed row stays PENDING, with
 * its lock, until its outcome is recorded — and it is recorded after Slack answered).
 */
function outboxRowsDue(db: Database, now: Date): Promise<number> {
  return db.prisma.outboxMessage.count({ where: { status: "PENDING", nextAttemptAt: { lte: now } } });
}

/**
 * Resolves once no outbox row is due by the app's clock: every post queued so far has reached
 * Slack (or failed and been rescheduled for later). Needs a delivering outbox loop.
 */
export async function outboxDrained(db: Database, opts: { clock?: Clock; timeoutMs?: number } = {}): Promise<void> {
  const clock = opts.clock ?? systemClock;
  let due = 0;
  await until(
    async () => {
      due = await outboxRowsDue(db, clock.now());
      return due === 0;
    },
    () => `the outbox still has ${due} row(s) due`,
    opts.timeoutMs,
  );
}

/**
 * Delivers the outbox in this process until a run claims nothing (for an app started with
 * `{ outbox: false }`, or a test driving deliveries itself). Returns how many runs it took.
 */
export async function deliverUntilIdle(deps: AppDeps, opts: DeliveryOptions & { client?: WebClient; maxRuns?: number } = {}): Promise<number> {
  const { client = deliveryClient(deps), maxRuns = 20, ...delivery } = opts;
  for (let run = 1; run <= maxRuns; run++) {
    const report = await deliverOutbox(deps, client, outboxRenderers, { perChannelGapMs: 0, ...delivery });
    if (report.claimed === 0) return run;
  }
  throw new Error(`the outbox still had rows to claim after ${maxRuns} delivery runs`);
}

/** Counts work in progress; `idle()` resolves when there is none. */
export class Pending {
  private count = 0;
  private waiters: (() => void)[] = [];
  get size(): number {
    return this.count;
  }
  enter(): void {
    this.count++;
  }
  leave(): void {
    this.count--;
    if (this.count === 0) for (const w of this.waiters.splice(0)) w();
  }
  idle(timeoutMs = DEFAULT_TIMEOUT_MS, what = "work in progress"): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what}: still ${this.count} after ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
