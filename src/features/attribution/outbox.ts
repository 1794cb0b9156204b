import { post, type IntentRenderer } from "../../platform/outbox/renderers";
import { renderAttributionReceipt } from "./receipt";
import { loadReceipt } from "./records";

/** An attribution record's partner-safe receipt, in the deal's thread (amounts only when the program shares them). */
export const renderReceiptIntent: IntentRenderer<"attribution.receipt"> = async ({ db }, { recordId }) => {
  const data = await loadReceipt(db, recordId);
  const program = await db.program.findUniqueOrThrow({ where: { id: 1 } });
  const receipt = renderAttributionReceipt(data, { shareAmounts: program.shareAmountsInChannel });
  return post({ threadOfDealId: data.dealId, text: receipt.text, blocks: receipt.blocks, unfurl_links: false });
};
