import type { PlainTextOption } from "@slack/types";
import type { SafeBlock, SafeModalView } from "./mrkdwn";
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

export interface ModalOptions {
  callbackId?: string;
  title: string;
  /** the submit button; a form with one also gets a close button ("Cancel" unless named) */
  submit?: string;
  close?: string;
  /** kept in private_metadata (≤ 3,000 characters), re-checked on submit: never trusted */
  metadata?: unknown;
}

/** A modal view: title, submit and close buttons, private metadata, blocks. */
export function modalView(o: ModalOptions, blocks: SafeBlock[]): SafeModalView {
  const close = o.close ?? (o.submit ? "Cancel" : undefined);
  return {
    type: "modal",
    ...(o.callbackId ? { callback_id: o.callbackId } : {}),
    title: { type: "plain_text", text: o.title },
    ...(o.submit ? { submit: { type: "plain_text", text: o.submit } } : {}),
    ...(close ? { close: { type: "plain_text", text: close } } : {}),
    ...(o.metadata !== undefined ? { private_metadata: JSON.stringify(o.metadata) } : {}),
    blocks,
  };
}
