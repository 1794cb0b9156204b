import type { App } from "@slack/bolt";
import { registerEventDedupe } from "./platform/slack/event-dedupe";
import type { AppDeps } from "./platform/deps";
import type { Subcommand } from "./platform/slack/commands";
import { digestSubcommand } from "./features/digests/command";
import { attributionAdminSubcommands, registerAttributionConfigListeners } from "./features/attribution/admin-commands";
import { setupSubcommands } from "./features/program/setup-commands";
import { registerSetupModal, setupModalSubcommand } from "./features/program/setup-listener";
import { askSubcommand, registerAskListeners } from "./features/asks/listener";
import { attributionSubcommand, registerAttributionListeners } from "./features/attribution/listener";
import { disputeSubcommands, registerDisputeListeners } from "./features/disputes/listener";
import { dealQuerySubcommands } from "./features/deals/commands";
import { newSubcommand, registerRegistrationListeners } from "./features/registration/listener";
import { registerRolesListeners, rolesSubcommand } from "./features/roles/listener";
import { registerStageListeners, stageSubcommand } from "./features/stages/listener";
import { logSubcommand, registerTouchpointListeners } from "./features/touchpoints/listener";
import { registerHome } from "./features/home/listener";
import type { ListenerContext } from "./platform/slack/listener";
import { mapSubcommand, registerMapListeners } from "./features/account-map/listener";
import { panelSubcommand, registerPanelListeners } from "./features/program/panel-listener";

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
