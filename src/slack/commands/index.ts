import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { AppDeps } from "../../deps";
import { renderHelpMessage, type HelpEntry } from "../blocks/help";
import { COMMAND } from "../ids";
import { commandListener, type ListenerContext } from "../listener";
import { closestMatch, tokenize } from "../text";

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

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
  aliases?: string[];
  help: HelpEntry[];
  run(ctx: SubcommandContext): Promise<void>;
}

/** Dispatches `/cosell <subcommand> …`; `help` and unknown subcommands are answered inline in the ack. */
export function registerCosellCommand(app: App, deps: AppDeps, ctx: ListenerContext, subcommands: Subcommand[]): void {
  const byName = new Map<string, Subcommand>();
  for (const s of subcommands) for (const n of [s.name, ...(s.aliases ?? [])]) byName.set(n, s);
  const helpEntries: HelpEntry[] = [
    { usage: "/cosell help", example: "/cosell help", summary: "this list" },
    ...subcommands.flatMap((s) => s.help),
  ];

  app.command(
    COMMAND,
    commandListener(ctx, async (args) => {
      const text = args.command.text.trim();
      const [first = ""] = text.split(/\s+/);
      const name = first.toLowerCase();
      if (name === "" || name === "help") {
        await args.ack({ response_type: "ephemeral", ...renderHelpMessage(helpEntries) });
        return;
      }
      const sub = byName.get(name);
      if (!sub) {
        const guess = closestMatch(name, ["help", ...byName.keys()]);
        await args.ack({
          response_type: "ephemeral",
          text: `Unknown subcommand \`${first}\`.${guess ? ` Did you mean \`/cosell ${guess}\`?` : ""} Try \`/cosell help\` for the list.`,
        });
        return;
      }
      const rest = text.slice(first.length).trim();
      await sub.run({ args, deps, words: tokenize(rest), rest });
    }),
  );
}
