import type { PlainTextOption } from "@slack/types";
import type { SafeBlock } from "./mrkdwn";
import { INPUT } from "./ids";
import { truncate } from "./command-text";

// Shared pieces of modal forms.

export function option(value: string, text: string): PlainTextOption {
  return { text: { type: "plain_text", text: truncate(text, 75) }, value };
}

export interface TextInputOptions {
  initial?: string | null | undefined;
  max?: number;
  placeholder?: string;
  hint?: string;
  optional?: boolean;
  multiline?: boolean;
}

/** A plain text input block; its value is read back with StateReader.text(block_id). */
export function textInput(block_id: string, label: string, opts: TextInputOptions = {}): SafeBlock {
  return {
    type: "input",
    block_id,
    optional: opts.optional ?? false,
    label: { type: "plain_text", text: label },
    ...(opts.hint ? { hint: { type: "plain_text", text: opts.hint } } : {}),
    element: {
      type: "plain_text_input",
      action_id: INPUT,
      multiline: opts.multiline ?? false,
      ...(opts.max ? { max_length: opts.max } : {}),
      ...(opts.initial ? { initial_value: opts.initial } : {}),
      ...(opts.placeholder ? { placeholder: { type: "plain_text", text: opts.placeholder } } : {}),
    },
  };
}
