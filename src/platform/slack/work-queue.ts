/**
 * Runs the work of Slack interactions after (or, for a view submission, before) their ack, at
 * most `limit` jobs at once, and holds new work back while requests are still arriving: in a
 * burst, every request is acked first — Slack drops what is not acked within 3 s, and work
 * running beside the acks slows them all — and the answers follow.
 * Urgent work (a trigger_id to open a modal with, which expires 3 s after the click, or a view
 * submission whose ack is its answer) waits less and goes before other queued work.
 */
export class WorkQueue {
  private running = 0;
  private waiting: { urgent: boolean; go: () => void }[] = [];
  private lastArrival = 0;

  constructor(
    private readonly limit: number,
    private readonly quietMs = 40,
    private readonly maxDelayMs = { normal: 1000, urgent: 250 },
  ) {}

  /** A Slack request arrived (call before acking it). */
  arrived(): void {
    this.lastArrival = performance.now();
  }

  async run<T>(job: () => Promise<T>, opts: { urgent?: boolean } = {}): Promise<T> {
    const urgent = opts.urgent ?? false;
    const queuedAt = performance.now();
    const maxDelay = urgent ? this.maxDelayMs.urgent : this.maxDelayMs.normal;
    // Let the requests still arriving be acked first.
    while (performance.now() - this.lastArrival < this.quietMs && performance.now() - queuedAt < maxDelay) {
      await new Promise((r) => setTimeout(r, this.quietMs));
    }
    if (this.running >= this.limit) {
      await new Promise<void>((go) => {
        const entry = { urgent, go };
        // Urgent work goes after the urgent work already waiting, before everything else.
        const at = urgent ? this.waiting.findIndex((w) => !w.urgent) : -1;
        if (at < 0) this.waiting.push(entry);
        else this.waiting.splice(at, 0, entry);
      });
    }
    this.running++;
    try {
      return await job();
    } finally {
      this.running--;
      this.waiting.shift()?.go();
    }
  }
}
