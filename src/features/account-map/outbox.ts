import { post, type IntentRenderer } from "../../platform/outbox/renderers";
import { renderIntroRequest } from "./render";

/** A warm-intro request, in the pairing channel (the intent carries what the person saw on the map). */
export const renderIntroRequested: IntentRenderer<"intro.requested"> = async (_ctx, { kind: _kind, channel, ...data }) => {
  const msg = renderIntroRequest(data);
  return post({ channel, text: msg.text, unfurl_links: false });
};
