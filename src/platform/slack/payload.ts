import { z } from "zod";
import type { Who } from "./identity";

// What a button click (block_actions) carries that listeners need, parsed with zod instead of
// cast: who clicked, the trigger for a modal, the channel, and the clicked button's value.

const clickSchema = z.object({
  user: z.object({ id: z.string(), team_id: z.string().optional() }),
  trigger_id: z.string().default(""),
  channel: z.object({ id: z.string() }).optional(),
  container: z.object({ channel_id: z.string().optional() }).optional(),
  response_url: z.string().optional(),
  actions: z.array(z.object({ value: z.string().optional() }).loose()).optional(),
});

export interface Click {
  who: Who;
  /** opens a modal within 3 s of the click */
  triggerId: string;
  /** the channel of the message the button is on (none on App Home or in a modal) */
  channelId: string | undefined;
  /** where to answer the clicker in place, when Slack gave one */
  responseUrl: string | undefined;
  /** the clicked button's value ("" when it has none) */
  value: string;
}

export function clickOf(body: unknown): Click {
  const b = clickSchema.parse(body);
  return {
    who: { userId: b.user.id, teamId: b.user.team_id },
    triggerId: b.trigger_id,
    channelId: b.channel?.id ?? b.container?.channel_id,
    responseUrl: b.response_url,
    value: b.actions?.[0]?.value ?? "",
  };
}

const actionValueSchema = z.object({ value: z.string().optional() });

/** The clicked button's `value` ("" when it has none). */
export function actionValue(action: unknown): string {
  const parsed = actionValueSchema.safeParse(action);
  return parsed.success ? (parsed.data.value ?? "") : "";
}

const viewActionSchema = z.object({
  user: z.object({ id: z.string(), team_id: z.string().optional() }),
  view: z.object({ id: z.string(), hash: z.string(), state: z.object({ values: z.unknown() }), private_metadata: z.string() }).optional(),
});

export type ViewAction = { who: Who; view: z.infer<typeof viewActionSchema>["view"] };

/** An action inside a modal (e.g. a select that refreshes the form): who, and the open view. */
export function viewActionOf(body: unknown): ViewAction {
  const b = viewActionSchema.parse(body);
  return { who: { userId: b.user.id, teamId: b.user.team_id }, view: b.view };
}
