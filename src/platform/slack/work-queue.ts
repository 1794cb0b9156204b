/**
 * Runs the work of Slack interactions after (or, for a view submission, before) their ack, a
 * few jobs at once, and holds new work back while requests are still arriving: in a burst,
 * every request is acked first — Slack drops what is not acked within 3 s, and work running
 * beside the acks slows them all — and the answers follow.
 * Urgent work (a trigger_id to open a modal with, which expires 3 s after the click, or a view
 * submission whose ack is its answer) waits less and has its own slots, so ordinary work that
 * is slow (a rate-limited Slack call) never holds a modal back, and urgent work never starves
 * ordinary work.
 */
export class WorkQueue {
  private readonly lanes = {
    normal: { running: 0, waiting: [] as (() => void)[] },
    urgent: { running: 0, waiting: [] as (() => void)[] },
  };
  private lastArrival = 0;

  constructor(
    private readonly limits: { normal: number; urgent: number },
    private readonly quietMs = 40,
    private readonly maxDelayMs = { normal: 1000, urgent: 250 },
  ) {}

  /** A Slack request arrived (call before acking it). */
  arrived(): void {
    this.lastArrival = performance.now();
  }

  /**
   * Runs `job` in its turn. The job may give its slot back early with `release()` (a view
   * submission once it has acked: what follows the ack need not hold the next one back).
   */
  async run<T>(job: (release: () => void) => Promise<T>, opts: { urgent?: boolean } = {}): Promise<T> {
    const kind = opts.urgent ? "urgent" : "normal";
    const lane = this.lanes[kind];
    const queuedAt = performance.now();
    // Let the requests still arriving be acked first.
    while (performance.now() - this.lastArrival < this.quietMs && performance.now() - queuedAt < this.maxDelayMs[kind]) {
      await new Promise((r) => setTimeout(r, this.quietMs));
    }
    // A freed slot is handed to the next waiter directly (it never counts as free in between).
    if (lane.running >= this.limits[kind]) await new Promise<void>((go) => lane.waiting.push(go));
    else lane.running++;
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      const next = lane.waiting.shift();
      if (next) next();
      else lane.running--;
    };
    try {
      return await job(release);
    } finally {
      release();
    }
  }
}
