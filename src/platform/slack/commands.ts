import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { AppDeps } from "../deps";
import { renderHelpMessage, type HelpEntry } from "./help";
import { COMMAND } from "./ids";
import { commandListener, type ListenerContext } from "./listener";
import { closestMatch, tokenize, unescapeSlack } from "./command-text";
import { reply, type SafeReply } from "./send";
import { mrkdwn, toSlack } from "./mrkdwn";

type BoltCommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
/** A subcommand answers with `ack(message)`, which goes back through response_url; only Safe messages. */
type CommandArgs = Omit<BoltCommandArgs, "ack" | "say"> & { ack(message?: SafeReply): Promise<void> };

export interface SubcommandContext {
  args: CommandArgs;
  deps: AppDeps;
  /** words after the subcommand name, quotes honoured */
  words: string[];
  /** raw text after the subcommand name */
  rest: string;
}

export interface Subcommand {
  name: string;
  /** opens a modal: urgent work (a trigger_id expires in 3 s), ahead of other queued work */
  opensModal?: boolean;
  aliases?: string[];
  help: HelpEntry[];
  run(ctx: SubcommandContext): Promise<void>;
}

/** Dispatches `/cosell <subcommand> …`; `help` and unknown subcommands are answered inline in the ack. */
export function registerCosellCommand(app: App, deps: AppDeps, ctx: ListenerContext, subcommands: Subcommand[]): void {
  const byName = new Map<string, Subcommand>();
  for (const s of subcommands) for (const n of [s.name, ...(s.aliases ?? [])]) byName.set(n, s);
  const helpEntries: HelpEntry[] = [{ usage: "/cosell help", example: "/cosell help", summary: "this list" }, ...subcommands.flatMap((s) => s.help)];

  // The same for everyone: rendered once, not at every /cosell help.
  const helpMessage = toSlack({ response_type: "ephemeral" as const, ...renderHelpMessage(helpEntries) });
  const work = ctx.work;
  app.command(
    COMMAND,
    commandListener(ctx, async (args) => {
      work.arrived();
      // Decoded once here, so every subcommand reads what the person typed.
      const text = unescapeSlack(args.command.text).trim();
      const [first = ""] = text.split(/\s+/);
      const name = first.toLowerCase();
      if (name === "" || name === "help") {
        await args.ack(helpMessage);
        return;
      }
      const sub = byName.get(name);
      if (!sub) {
        const guess = closestMatch(name, ["help", ...byName.keys()]);
        await args.ack(
          toSlack({
            response_type: "ephemeral" as const,
            text: mrkdwn`Unknown subcommand \`${first}\`.${guess ? ` Did you mean \`/cosell ${guess}\`?` : ""} Try \`/cosell help\` for the list.`,
          }),
        );
        return;
      }
      const rest = text.slice(first.length).trim();
      // Ack at once, before any database work (Slack's 3 s limit; a trigger_id for a modal also
      // expires in 3 s). A subcommand's answer then goes through response_url: its ack(body)
      // becomes a reply through response_url, so subcommands need not care.
      await args.ack();
      const ack = async (body?: SafeReply) => {
        if (body === undefined) return;
        await reply(args.respond, { response_type: "ephemeral", ...body });
      };
      const { ack: _ack, say: _say, ...rest_ } = args;
      const run = () => sub.run({ args: { ...rest_, ack }, deps, words: tokenize(rest), rest });
      await work.run(run, { urgent: sub.opensModal === true });
    }),
  );
}
