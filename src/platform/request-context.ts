import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

// The Slack interaction being handled, carried through its async work, so every log line written
// while handling it names it (request id, kind, callback/action id, user) — never its text.

export interface RequestContext {
  reqId: string;
  /** command, action, view, shortcut, event, options */
  kind?: string;
  /** the subcommand, action_id or callback_id: a bounded set, safe as a label */
  id?: string;
  user?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function newRequestId(): string {
  return randomUUID().slice(0, 8);
}

export function runInRequest<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}
