import type { App } from "@slack/bolt";
import { dbOf, type AppDeps } from "../../platform/deps";
import { STRANGER_MESSAGE } from "../../kernel/access";
import { localDate } from "../../kernel/sla-clock";
import { loadHome } from "./load";
import { renderHome } from "./render";
import { resolveActor } from "../../platform/slack/identity";
import type { ListenerContext } from "../../platform/slack/listener";
import { slackOut } from "../../platform/slack/send";
import { programRepo } from "../../platform/repos/program-repo";

/** Renders and publishes one person's App Home. */
async function publishHome(deps: AppDeps, client: import("@slack/web-api").WebClient, userId: string): Promise<void> {
  const actor = await resolveActor(deps, client, { userId });
  const program = await programRepo(dbOf(deps)).get();
  const now = deps.clock.now();
  const data = await loadHome(dbOf(deps), actor, deps.clock.now());
  await slackOut(client).publishHome({
    user_id: userId,
    view: renderHome(data, { now, today: localDate(now, program.timezone), who: actor.kind, strangerMessage: STRANGER_MESSAGE }),
  });
}

export function registerHome(app: App, deps: AppDeps, ctx: ListenerContext): void {
  app.event("app_home_opened", async ({ event, client }) => {
    if (event.tab !== "home") return;
    ctx.inflight.enter();
    try {
      await publishHome(deps, client, event.user);
    } catch (err) {
      ctx.logger.error("publishing the App Home failed:", err);
    } finally {
      ctx.inflight.leave();
    }
  });
}
