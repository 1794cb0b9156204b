import type { App } from "@slack/bolt";
import type { AppDeps } from "../deps";
import type { Subcommand } from "./commands/index";
import type { ListenerContext } from "./listener";

/**
 * Registers every listener (actions, views, shortcuts, events) and returns the /cosell
 * subcommands. Each feature adds itself here.
 */
export function registerListeners(_app: App, _deps: AppDeps, _ctx: ListenerContext): Subcommand[] {
  return [];
}
