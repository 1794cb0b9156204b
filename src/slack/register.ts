import type { App } from "@slack/bolt";
import { registerEventDedupe } from "./events";
import type { AppDeps } from "../deps";
import type { Subcommand } from "./commands/index";
import { digestSubcommand } from "./digest";
import { attributionAdminSubcommands, registerAttributionConfigListeners } from "./commands/attribution-admin";
import { setupSubcommands } from "./commands/setup";
import { registerSetupModal, setupModalSubcommand } from "./commands/setup-modal";
import { askSubcommand, registerAskListeners } from "./deals/asks";
import { attributionSubcommand, registerAttributionListeners } from "./deals/attribution";
import { disputeSubcommands, registerDisputeListeners } from "./deals/disputes";
import { dealQuerySubcommands } from "./deals/query";
import { newSubcommand, registerRegistrationListeners } from "./deals/register";
import { registerRolesListeners, rolesSubcommand } from "./deals/roles";
import { registerStageListeners, stageSubcommand } from "./deals/stages";
import { logSubcommand, registerTouchpointListeners } from "./deals/touchpoints";
import { registerHome } from "./home";
import type { ListenerContext } from "./listener";
import { mapSubcommand, registerMapListeners } from "./map";
import { panelSubcommand, registerPanelListeners } from "./panel";

/**
 * Registers every listener (actions, views, shortcuts, events) and returns the /cosell
 * subcommands. Each feature adds itself here.
 */
export function registerListeners(app: App, deps: AppDeps, ctx: ListenerContext): Subcommand[] {
  registerEventDedupe(app, deps);
  registerHome(app, deps, ctx);
  registerRegistrationListeners(app, deps, ctx);
  registerSetupModal(app, deps, ctx);
  registerPanelListeners(app, deps, ctx);
  registerRolesListeners(app, deps, ctx);
  registerStageListeners(app, deps, ctx);
  registerAttributionListeners(app, deps, ctx);
  registerTouchpointListeners(app, deps, ctx);
  registerAskListeners(app, deps, ctx);
  registerDisputeListeners(app, deps, ctx);
  registerAttributionConfigListeners(app, deps, ctx);
  registerMapListeners(app, deps, ctx);
  return [
    newSubcommand(deps),
    rolesSubcommand(deps),
    stageSubcommand(deps),
    logSubcommand(deps),
    askSubcommand(deps),
    attributionSubcommand(deps),
    setupModalSubcommand(deps),
    panelSubcommand(deps),
    ...setupSubcommands(deps),
    ...dealQuerySubcommands(deps),
    ...disputeSubcommands(deps),
    ...attributionAdminSubcommands(deps),
    mapSubcommand(deps),
    digestSubcommand(deps),
  ];
}
