import { describe, expect, it } from "vitest";
import { WorkQueue } from "../../../src/platform/slack/work-queue";

// The queue behind every interaction's work: a few at a time per lane, urgent work (a trigger_id
// to use within 3 s) in its own slots, a slot given back early by release().

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe("the work queue", () => {
  it("never runs more than its limit in a lane, and hands a freed slot straight to the next job", async () => {
    const q = new WorkQueue({ normal: 2, urgent: 2 }, 0);
    let running = 0;
    let peak = 0;
    const jobs = Array.from({ length: 20 }, () =>
      q.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 2));
        running--;
      }),
    );
    // A job arriving while a slot is being handed over must not squeeze in beside it.
    const late = new Promise((r) => setTimeout(r, 3)).then(() => q.run(async () => void peak));
    await Promise.all([...jobs, late]);
    expect(peak).toBe(2);
  });

  it("urgent work has its own slots: ordinary work that hangs does not hold a modal back", async () => {
    const q = new WorkQueue({ normal: 1, urgent: 1 }, 0);
    const stuck = gate();
    const slow = q.run(() => stuck.opened);
    const order: string[] = [];
    await q.run(async () => void order.push("urgent"), { urgent: true });
    expect(order).toEqual(["urgent"]);
    stuck.open();
    await slow;
  });

  it("release() gives the slot back before the job ends (a submission after its ack)", async () => {
    const q = new WorkQueue({ normal: 1, urgent: 1 }, 0);
    const after = gate();
    const first = q.run(async (release) => {
      release();
      release(); // twice is once
      await after.opened;
    });
    const second = await q.run(async () => "ran while the first was still busy");
    expect(second).toBe("ran while the first was still busy");
    after.open();
    await first;
  });

  it("holds new work back while requests are still arriving, at most its delay", async () => {
    const q = new WorkQueue({ normal: 1, urgent: 1 }, 30, { normal: 120, urgent: 60 });
    const t0 = performance.now();
    q.arrived();
    const timer = setInterval(() => q.arrived(), 5);
    const urgentAt = q.run(async () => performance.now() - t0, { urgent: true });
    const normalAt = q.run(async () => performance.now() - t0);
    const [u, n] = await Promise.all([urgentAt, normalAt]);
    clearInterval(timer);
    expect(u).toBeGreaterThanOrEqual(55);
    expect(n).toBeGreaterThanOrEqual(115);
    expect(u).toBeLessThan(n);
  });
});
