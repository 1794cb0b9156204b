import type { AppDeps } from "../deps";

export interface Scheduler {
  stop(): Promise<void>;
}

/** The one place that schedules recurring work. Each job is a plain function tests call directly. */
export function startJobs(_deps: AppDeps): Scheduler {
  return { stop: async () => undefined };
}
