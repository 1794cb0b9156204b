import type { App } from "@slack/bolt";
import type { AppDeps } from "../deps";
import { Prisma } from "../../generated/prisma/client";

/**
 * Slack retries events it thinks were not received, and Bolt does not de-duplicate: the
 * first delivery of an event_id claims it; retries are dropped (Bolt already acked them).
 */
export function registerEventDedupe(app: App, deps: AppDeps): void {
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId !== "string") return next();
    try {
      await deps.db.prisma.idempotencyKey.create({ data: { key: `event:${eventId}`, scope: "event", createdAt: deps.clock.now() } });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
        deps.logger.debug(`dropping a retried event ${eventId}`);
        return;
      }
      throw err;
    }
    await next();
  });
}
