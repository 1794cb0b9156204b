import { z } from "zod";
import { INPUT } from "./ids";

// Reading modal values (view.state.values[block_id][action_id]) through one zod schema.

const inputValueSchema = z.object({
  type: z.string(),
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
  selected_options: z.array(z.object({ value: z.string() })).nullish(),
  selected_date: z.string().nullish(),
  selected_user: z.string().nullish(),
  selected_users: z.array(z.string()).nullish(),
  selected_date_time: z.number().nullish(),
  selected_conversation: z.string().nullish(),
  selected_channel: z.string().nullish(),
});
const viewStateSchema = z.record(z.string(), z.record(z.string(), inputValueSchema));
export type ViewState = z.infer<typeof viewStateSchema>;

export class StateReader {
  constructor(private readonly values: ViewState) {}
  static parse(raw: unknown): StateReader {
    return new StateReader(viewStateSchema.parse(raw ?? {}));
  }
  private entry(block: string) {
    return this.values[block]?.[INPUT];
  }
  text(block: string): string {
    return this.entry(block)?.value ?? "";
  }
  /** Was this input in the submitted form at all (a form opened before an input was added has not)? */
  has(block: string): boolean {
    return this.entry(block) !== undefined;
  }
  select(block: string): string | null {
    return this.entry(block)?.selected_option?.value ?? null;
  }
  multi(block: string): string[] {
    return (this.entry(block)?.selected_options ?? []).map((o) => o.value);
  }
  date(block: string): string | null {
    return this.entry(block)?.selected_date ?? null;
  }
  user(block: string): string | null {
    return this.entry(block)?.selected_user ?? null;
  }
  users(block: string): string[] {
    return this.entry(block)?.selected_users ?? [];
  }
  checked(block: string, value = "yes"): boolean {
    return this.multi(block).includes(value);
  }
  /** conversations_select / channels_select */
  conversation(block: string): string | null {
    const v = this.values[block]?.[INPUT] as { selected_conversation?: string | null; selected_channel?: string | null } | undefined;
    return v?.selected_conversation ?? v?.selected_channel ?? null;
  }
  dateTime(block: string): number | null {
    return this.entry(block)?.selected_date_time ?? null;
  }
}

/** private_metadata is ours but travels through the client: parse it, never trust it blindly. */
export function parseMetadata<T extends z.ZodTypeAny>(schema: T, raw: string | undefined): z.infer<T> {
  try {
    return schema.parse(JSON.parse(raw || "{}"));
  } catch {
    return schema.parse({});
  }
}
