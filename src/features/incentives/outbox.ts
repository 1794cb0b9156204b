import { post, type IntentRenderer } from "../../platform/outbox/renderers";
import { loadQuarterClose } from "./quarter-close-job";
import { renderQuarterClose } from "./render";

// Incentives' Slack posts, rendered from the database when their outbox rows are delivered.

/** The quarter close, by DM to one admin: bonuses awarded and tier proposals (decided ones without buttons). */
export const renderQuarterClosedIntent: IntentRenderer<"quarter.closed"> = async ({ db }, { quarter, admin }) => {
  const view = await loadQuarterClose(db, quarter);
  if (!view) return { kind: "skip", reason: `quarter ${quarter} was not closed` };
  const msg = renderQuarterClose(view);
  return post({ channel: admin, text: msg.text, blocks: msg.blocks, unfurl_links: false });
};
