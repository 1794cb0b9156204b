import type { Metrics } from "../metrics";
import type {
  AllMiddlewareArgs,
  Logger,
  RespondFn,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackShortcutMiddlewareArgs,
  SlackViewMiddlewareArgs,
} from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { FieldErrors, UserError } from "../errors";
import { reply, slackOut } from "./send";
import { escapeMrkdwn, mrkdwn, toSlack, type SlackText } from "./mrkdwn";
import type { WorkQueue } from "./work-queue";

// One place turns errors into what the person sees:
//   UserError / FieldErrors → their own message (ephemeral reply or modal field errors)
//   anything else → logged, and a short apology (never a stack trace).

const APOLOGY = "Sorry, something went wrong on our side and nothing was changed. Please try again in a minute.";
const APOLOGY_TEXT = mrkdwn`Sorry, something went wrong on our side and nothing was changed. Please try again in a minute.`;

/** Counts listeners in flight so shutdown can wait for them. */
export class Inflight {
  private count = 0;
  private waiters: (() => void)[] = [];
  enter(): void {
    this.count++;
  }
  leave(): void {
    this.count--;
    if (this.count === 0) for (const w of this.waiters.splice(0)) w();
  }
  get size(): number {
    return this.count;
  }
  idle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }
}

export interface ListenerContext {
  logger: Logger;
  inflight: Inflight;
  /** where the work after an ack waits its turn (commands, clicks, shortcuts) */
  work: WorkQueue;
  /** view submissions: their ack is their answer, so they have their own, wider lane */
  submissions: WorkQueue;
  /** counts handler errors by kind, when the app has metrics */
  metrics?: Pick<Metrics, "handlerErrors"> | undefined;
}

function messageOf(err: unknown, ctx: ListenerContext, where: string): SlackText {
  const logger = ctx.logger;
  const kind = where.startsWith("/") ? "command" : (where.split(" ")[0] ?? "other");
  ctx.metrics?.handlerErrors.inc({ kind, error: err instanceof UserError || err instanceof FieldErrors ? "user" : "unexpected" });
  if (err instanceof UserError) return err.markup;
  if (err instanceof FieldErrors) return escapeMrkdwn(err.message);
  logger.error(`${where} failed:`, err);
  return APOLOGY_TEXT;
}

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
type ActionArgs = SlackActionMiddlewareArgs & AllMiddlewareArgs;
type ViewArgs = SlackViewMiddlewareArgs & AllMiddlewareArgs;
type ShortcutArgs = SlackShortcutMiddlewareArgs & AllMiddlewareArgs;

/** Slash commands: the handler acks (with or without a body); errors become an ephemeral reply. */
export function commandListener(ctx: ListenerContext, fn: (args: CommandArgs) => Promise<void>) {
  return async (args: CommandArgs) => {
    const { tracked, acked } = trackAck(args);
    const ack = args.ack;
    ctx.inflight.enter();
    try {
      await fn(tracked);
    } catch (err) {
      const text = messageOf(err, ctx, `${args.command.command} ${args.command.text}`);
      if (!acked()) await ack(toSlack({ response_type: "ephemeral" as const, text }));
      else await safeRespond(args.respond, text, ctx.logger);
    } finally {
      if (!acked()) await ack().catch(() => undefined);
      ctx.inflight.leave();
    }
  };
}

/** Block actions: acked at once (Slack wants nothing in the ack); errors go back to the clicker only. */
export function actionListener(ctx: ListenerContext, fn: (args: ActionArgs) => Promise<void>) {
  return ackedFirst(ctx, fn, (args) => `action ${"action_id" in args.action ? args.action.action_id : args.body.type}`);
}

/** Shortcuts: acked at once; errors DM the person. */
export function shortcutListener(ctx: ListenerContext, fn: (args: ShortcutArgs) => Promise<void>) {
  return ackedFirst(ctx, fn, (args) => `shortcut ${args.shortcut.callback_id}`);
}

/** Acks at once, then runs; an error goes back to the person privately. */
function ackedFirst<A extends ActionArgs | ShortcutArgs>(ctx: ListenerContext, fn: (args: A) => Promise<void>, where: (args: A) => string) {
  return async (args: A) => {
    ctx.inflight.enter();
    ctx.work.arrived();
    try {
      await args.ack();
      // A click or shortcut carries a trigger_id that may open a modal: urgent.
      await ctx.work.run(() => fn(args), { urgent: true });
    } catch (err) {
      const text = messageOf(err, ctx, where(args));
      await replyPrivately(args.client, args.body as unknown as PayloadLike, args.respond, text, ctx.logger);
    } finally {
      ctx.inflight.leave();
    }
  };
}

/**
 * View submissions: the handler acks (plain, `update`, `push`…); a thrown FieldErrors or
 * UserError becomes `response_action: "errors"` keyed by block_id, so the modal stays open.
 */
export function viewListener(ctx: ListenerContext, fn: (args: ViewArgs) => Promise<void>) {
  return async (args: ViewArgs) => {
    const { tracked, acked } = trackAck(args);
    const ack = args.ack;
    ctx.inflight.enter();
    ctx.submissions.arrived();
    try {
      // The ack is the answer (errors under the fields): urgent, but in turn, so a burst of
      // submissions does not start more transactions than the pool can serve.
      // Its slot is given back at the ack: what the handler does after it (a confirmation DM)
      // does not hold the next submission's ack back.
      await ctx.submissions.run(
        (release) =>
          fn({
            ...tracked,
            ack: async (r?: unknown) => {
              try {
                await (tracked.ack as (r?: unknown) => Promise<void>)(r);
              } finally {
                release();
              }
            },
          } as ViewArgs),
        { urgent: true },
      );
    } catch (err) {
      let errors: Record<string, string> | undefined;
      if (err instanceof FieldErrors) errors = err.errors;
      const firstInput = (args.view.blocks as { type: string; block_id?: string }[]).find((b) => b.type === "input")?.block_id;
      const text = messageOf(err, ctx, `view ${args.view.callback_id}`);
      if (!errors) {
        const blockId = err instanceof UserError && err.blockId ? err.blockId : firstInput;
        // Field errors are plain text: the plain message, not its mrkdwn.
        if (blockId) errors = { [blockId]: err instanceof UserError ? err.message : APOLOGY };
      }
      if (!acked() && errors) {
        await ack({ response_action: "errors", errors } as never);
      } else {
        if (!acked()) await ack();
        await slackOut(args.client)
          .postMessage({ channel: args.body.user.id, text })
          .catch((e) => ctx.logger.warn("DM failed", e));
      }
    } finally {
      if (!acked()) await ack().catch(() => undefined);
      ctx.inflight.leave();
    }
  };
}

interface PayloadLike {
  user?: { id: string };
  channel?: { id: string };
  container?: { channel_id?: string };
  response_url?: string;
}

async function replyPrivately(client: WebClient, body: PayloadLike, respond: RespondFn | undefined, text: SlackText, logger: Logger): Promise<void> {
  try {
    if (body.response_url && respond) {
      await reply(respond, { response_type: "ephemeral", replace_original: false, text });
      return;
    }
    const userId = body.user?.id;
    if (!userId) return;
    const channel = body.channel?.id ?? body.container?.channel_id;
    if (channel) await slackOut(client).postEphemeral({ channel, user: userId, text });
    else await slackOut(client).postMessage({ channel: userId, text });
  } catch (e) {
    logger.warn("could not tell the person about an error", e);
  }
}

async function safeRespond(respond: RespondFn, text: SlackText, logger: Logger): Promise<void> {
  try {
    await reply(respond, { response_type: "ephemeral", text });
  } catch (e) {
    logger.warn("respond failed", e);
  }
}

/** The listener's args with an ack that remembers it was called (an error then replies instead). */
function trackAck<A extends { ack: (...a: never[]) => Promise<void> }>(args: A): { tracked: A; acked: () => boolean } {
  let called = false;
  const ack = args.ack as (r?: unknown) => Promise<void>;
  const tracked = {
    ...args,
    ack: async (r?: unknown) => {
      called = true;
      await ack(r);
    },
  } as A;
  return { tracked, acked: () => called };
}
