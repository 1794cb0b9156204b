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
import { approvalsSubcommand, registerReviewListeners } from "./features/registration/review-listener";
import { directSubcommand } from "./features/registration/direct-deals-command";
import { registerRolesListeners, rolesSubcommand } from "./features/roles/listener";
import { registerStageListeners, stageSubcommand } from "./features/stages/listener";
import { crmSubcommands } from "./features/crm/commands";
import { logSubcommand, registerTouchpointListeners } from "./features/touchpoints/listener";
import { registerHome } from "./features/home/listener";
import type { ListenerContext } from "./platform/slack/listener";
import { mapSubcommand, registerMapListeners } from "./features/account-map/listener";
import { panelSubcommand, registerPanelListeners } from "./features/program/panel-listener";
import { payoutsSubcommand, registerIncentiveListeners } from "./features/incentives/listener";
import { checkInSubcommand, registerCheckInListeners } from "./features/checkins/listener";
import { qbrSubcommand } from "./features/qbr/listener";

/**
 * Registers every listener (actions, views, shortcuts, events) and returns the /cosell
 * subcommands. Each feature adds itself here.
 */
export function registerListeners(app: App, deps: AppDeps, ctx: ListenerContext): Subcommand[] {
  registerEventDedupe(app, deps);
  // every feature's actions, views and shortcuts
  const deals = [
    registerHome,
    registerRegistrationListeners,
    registerReviewListeners,
    registerRolesListeners,
    registerStageListeners,
    registerTouchpointListeners,
    registerAskListeners,
  ];
  const program = [
    registerSetupModal,
    registerPanelListeners,
    registerAttributionListeners,
    registerDisputeListeners,
    registerAttributionConfigListeners,
    registerIncentiveListeners,
  ];
  for (const register of [...deals, ...program, registerMapListeners, registerCheckInListeners]) register(app, deps, ctx);
  // the /cosell subcommands, in the order `/cosell help` lists them
  const single = [
    newSubcommand,
    rolesSubcommand,
    stageSubcommand,
    logSubcommand,
    askSubcommand,
    attributionSubcommand,
    payoutsSubcommand,
    approvalsSubcommand,
    directSubcommand,
    setupModalSubcommand,
    panelSubcommand,
  ];
  const groups = [setupSubcommands, dealQuerySubcommands, disputeSubcommands, attributionAdminSubcommands, crmSubcommands];
  return [
    ...single.map((s) => s(deps)),
    ...groups.flatMap((g) => g(deps)),
    mapSubcommand(deps),
    checkInSubcommand(deps),
    qbrSubcommand(deps),
    digestSubcommand(deps),
  ];
}
