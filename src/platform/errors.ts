import { escapeMrkdwn, SlackText } from "./slack/mrkdwn";

/**
 * A problem the person can fix. The message is plain text (a modal's field error shows it as
 * is; a reply escapes it); pass SlackText to mention people in replies.
 */
export class UserError extends Error {
  /** the message as mrkdwn, for ephemeral replies and DMs */
  readonly markup: SlackText;
  constructor(
    message: string | SlackText,
    /** For modal submissions: the block_id the message belongs to. */
    readonly blockId?: string,
  ) {
    super(message instanceof SlackText ? plainOf(message) : message);
    this.markup = message instanceof SlackText ? message : escapeMrkdwn(message);
    this.name = "UserError";
  }
}

/** Mentions and channel links as readable plain text (field errors are not mrkdwn). */
function plainOf(markup: SlackText): string {
  return String(markup)
    .replace(/<@([A-Z0-9_]+)>/gi, "@$1")
    .replace(/<#([A-Z0-9_]+)>/gi, "#$1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** Several field errors for one modal submission, keyed by block_id. */
export class FieldErrors extends Error {
  constructor(readonly errors: Record<string, string>) {
    super(Object.values(errors).join("; "));
    this.name = "FieldErrors";
  }
}

/** The person may not do this; the message says why without leaking what they cannot see. */
export class AccessDenied extends UserError {
  constructor(message: string | SlackText = "You don't have access to that.", blockId?: string) {
    super(message, blockId);
    this.name = "AccessDenied";
  }
}

export class NotFound extends UserError {
  constructor(message: string | SlackText, blockId?: string) {
    super(message, blockId);
    this.name = "NotFound";
  }
}

/** Throws the decision's message when it denies (on a modal: under blockId). */
export function assertAllowed(decision: { allowed: true } | { allowed: false; message: string | SlackText }, blockId?: string): void {
  if (decision.allowed) return;
  const err = new AccessDenied(decision.message);
  throw blockId ? new AccessDenied(decision.message, blockId) : err;
}
