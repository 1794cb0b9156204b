/** A problem the person can fix; its message is shown to them as is. */
export class UserError extends Error {
  constructor(
    message: string,
    /** For modal submissions: the block_id the message belongs to. */
    readonly blockId?: string,
  ) {
    super(message);
    this.name = "UserError";
  }
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
  constructor(message = "You don't have access to that.", blockId?: string) {
    super(message, blockId);
    this.name = "AccessDenied";
  }
}

export class NotFound extends UserError {
  constructor(message: string) {
    super(message);
    this.name = "NotFound";
  }
}

/** Throws the decision's message when it denies (on a modal: under blockId). */
export function assertAllowed(decision: { allowed: true } | { allowed: false; message: string }, blockId?: string): void {
  if (decision.allowed) return;
  const err = new AccessDenied(decision.message);
  throw blockId ? new AccessDenied(decision.message, blockId) : err;
}
