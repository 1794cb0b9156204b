/**
 * Runs slash-command work after the ack, at most `limit` jobs at once, and holds new work back
 * while commands are still arriving (up to `maxDelayMs`): in a burst, every request is acked
 * first — Slack drops what is not acked within 3 s — and the answers follow.
 */
export class WorkQueue {
  private running = 0;
  private waiting: (() => void)[] = [];
  private lastArrival = 0;

  constructor(
    private readonly limit: number,
    private readonly quietMs = 15,
    private readonly maxDelayMs = 1000,
  ) {}

  /** A command arrived (call before acking it). */
  arrived(): void {
    this.lastArrival = performance.now();
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    const queuedAt = performance.now();
    // Let the requests still arriving be acked first.
    while (performance.now() - this.lastArrival < this.quietMs && performance.now() - queuedAt < this.maxDelayMs) {
      await new Promise((r) => setTimeout(r, this.quietMs));
    }
    if (this.running >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    try {
      return await job();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
