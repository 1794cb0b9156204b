import { quarterAt, type Quarter } from "../../kernel/incentives";
import { post, type IntentRenderer } from "../../platform/outbox/renderers";
import { programRepo } from "../../platform/repos/program-repo";
import { loadQbr } from "./qbr";
import { renderQbr } from "./render";

/** A quarter from its label ("2026-Q4") in the program's timezone. */
export function quarterOfLabel(label: string, timezone: string): Quarter {
  const [y, q] = label.split("-Q").map(Number) as [number, number];
  return quarterAt(new Date(Date.UTC(y, (q - 1) * 3, 15)), timezone);
}

/** A QBR, rendered when delivered (the numbers of the quarter as they stand then). */
export const renderQbrIntent: IntentRenderer<"qbr.posted"> = async ({ db, now }, intent) => {
  const timezone = await programRepo(db).timezone("UTC");
  const quarter = quarterOfLabel(intent.quarter, timezone);
  const data = await loadQbr(db, { partnerOrgId: intent.partnerOrgId, quarter, timezone, now });
  const msg = renderQbr(data, intent.version);
  return post({ channel: intent.channel, text: msg.text, blocks: msg.blocks, unfurl_links: false });
};
