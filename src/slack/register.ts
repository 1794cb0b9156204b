import type { App } from "@slack/bolt";
import type { AppDeps } from "../deps";
import type { Subcommand } from "./commands/index";
import { setupSubcommands } from "./commands/setup";
import { attributionSubcommand, registerAttributionListeners } from "./deals/attribution";
import { dealQuerySubcommands } from "./deals/query";
import { newSubcommand, registerRegistrationListeners } from "./deals/register";
import { registerRolesListeners, rolesSubcommand } from "./deals/roles";
import { registerStageListeners, stageSubcommand } from "./deals/stages";
import type { ListenerContext } from "./listener";

/**
 * Registers every listener (actions, views, shortcuts, events) and returns the /cosell
 * subcommands. Each feature adds itself here.
 */
export function registerListeners(app: App, deps: AppDeps, ctx: ListenerContext): Subcommand[] {
  registerRegistrationListeners(app, deps, ctx);
  registerRolesListeners(app, deps, ctx);
  registerStageListeners(app, deps, ctx);
  registerAttributionListeners(app, deps, ctx);
  return [newSubcommand(deps), rolesSubcommand(deps), stageSubcommand(deps), attributionSubcommand(deps), ...setupSubcommands(deps), ...dealQuerySubcommands(deps)];
}
