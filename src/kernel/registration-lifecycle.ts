import type { Stage } from "./stages";

// The registration lifecycle's rules (README "Registration lifecycle"; defaults from
// ../shared/DESIGN.md). Pure: use cases pass in the deal's state and the clock.
//
// SUBMITTED → APPROVED | REJECTED | RETURNED; RETURNED → SUBMITTED when the registrant edits
// it; APPROVED → EXPIRED when protection ends before the deal closes. Closing ends protection.

export type RegistrationStatus = "SUBMITTED" | "APPROVED" | "REJECTED" | "RETURNED" | "EXPIRED";

export const REJECT_REASONS = ["DUPLICATE", "EXISTING_CUSTOMER", "DIRECT_ACTIVE", "OUTSIDE_RULES", "OTHER"] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export const REJECT_REASON_LABELS: Readonly<Record<RejectReason, string>> = {
  DUPLICATE: "duplicate",
  EXISTING_CUSTOMER: "existing customer",
  DIRECT_ACTIVE: "direct sales already active",
  OUTSIDE_RULES: "outside the program's rules",
  OTHER: "other",
};

export function isRejectReason(value: unknown): value is RejectReason {
  return typeof value === "string" && (REJECT_REASONS as readonly string[]).includes(value);
}

/** The lifecycle settings an admin edits in `/cosell setup`. */
export interface LifecycleSettings {
  protectionDays: number;
  protectionWarnDays: number;
  extensionDays: number;
  maxExtensions: number;
  approvalSlaHours: number;
  autoApproveInternal: boolean;
  /** whole units of the deal's own currency (25000 = 25,000.00); null = no amount rule */
  autoApproveMaxAmount: number | null;
}

const DAY_MS = 86_400_000;

export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY_MS);
}

/** Whole days left until `until` (rounded up; 0 when passed). */
export function daysLeft(now: Date, until: Date): number {
  return Math.max(0, Math.ceil((until.getTime() - now.getTime()) / DAY_MS));
}

/** Does this new registration skip review? Never when it conflicts. */
export function autoApproves(
  s: LifecycleSettings,
  reg: { byInternal: boolean; conflict: boolean; amountMinor: number; currencyExponent: number },
): "internal" | "amount" | null {
  if (reg.conflict) return null;
  if (s.autoApproveInternal && reg.byInternal) return "internal";
  if (s.autoApproveMaxAmount !== null && reg.amountMinor <= s.autoApproveMaxAmount * 10 ** reg.currencyExponent) return "amount";
  return null;
}

/** Is the registration protecting its account now (for conflict checks)? */
function isProtecting(d: { registrationStatus: RegistrationStatus; stage: Stage; protectedUntil: Date | null }, now: Date): boolean {
  if (d.stage === "CLOSED_WON" || d.stage === "CLOSED_LOST") return false;
  if (d.registrationStatus !== "APPROVED") return false;
  return d.protectedUntil === null || d.protectedUntil > now;
}

/** Does a registration in this status still hold its place (pending review counts: first come, first served)? */
export function holdsAccount(d: { registrationStatus: RegistrationStatus; stage: Stage; protectedUntil: Date | null }, now: Date): boolean {
  if (d.registrationStatus === "SUBMITTED" || d.registrationStatus === "RETURNED") return d.stage !== "CLOSED_WON" && d.stage !== "CLOSED_LOST";
  return isProtecting(d, now);
}

/** Stages past Discovery need an approved (or expired: the deal goes on unprotected) registration, or an admin. */
export function stageAllowedForStatus(status: RegistrationStatus, to: Stage, isAdmin: boolean): { ok: true } | { ok: false; reason: string } {
  if (isAdmin) return { ok: true };
  if (status !== "SUBMITTED" && status !== "RETURNED") return { ok: true };
  if (to === "REGISTERED" || to === "DISCOVERY" || to === "CLOSED_LOST") return { ok: true };
  const why = status === "SUBMITTED" ? "is still waiting for an admin's review" : "was returned for more information (edit and resubmit it first)";
  return { ok: false, reason: `This registration ${why}, so it can go as far as Discovery. An admin can move it further.` };
}

export interface StatusLineInput {
  registrationStatus: RegistrationStatus;
  stage: Stage;
  protectedUntil: Date | null;
  decisionReason: string | null;
  decisionNote: string | null;
  conflictException: boolean;
}

/**
 * The status line, e.g. "Approved · protected until 2027-03-02". Plain text. `daysLeft` adds
 * "(12 days left)": for views rendered when opened (App Home), not the card, which is only
 * re-rendered when the deal changes.
 */
export function registrationStatusLine(d: StatusLineInput, now: Date, opts: { daysLeft?: boolean } = {}): string {
  switch (d.registrationStatus) {
    case "SUBMITTED":
      return "Pending review";
    case "RETURNED":
      return d.decisionNote ? `Returned: ${d.decisionNote}` : "Returned for more information";
    case "REJECTED":
      return `Rejected: ${isRejectReason(d.decisionReason) ? REJECT_REASON_LABELS[d.decisionReason] : "other"}`;
    case "EXPIRED":
      return "Expired";
    case "APPROVED": {
      const exception = d.conflictException ? " (exception)" : "";
      if (d.stage === "CLOSED_WON" || d.stage === "CLOSED_LOST") return `Approved${exception} · closed`;
      if (!d.protectedUntil) return `Approved${exception} · protected while open`;
      const until = `Approved${exception} · protected until ${d.protectedUntil.toISOString().slice(0, 10)}`;
      if (!opts.daysLeft) return until;
      const left = daysLeft(now, d.protectedUntil);
      return `${until} (${left} day${left === 1 ? "" : "s"} left)`;
    }
  }
}

/** Percentile (nearest rank) of sorted-or-not numbers; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** The short form in `/cosell list`: "" for an approved deal without an end (or closed). */
export function registrationBadge(status: RegistrationStatus, protectedUntil: Date | null, stage: Stage): string {
  switch (status) {
    case "SUBMITTED":
      return " · ⏳ pending review";
    case "RETURNED":
      return " · ↩️ returned for info";
    case "REJECTED":
      return " · ❌ rejected";
    case "EXPIRED":
      return " · ⌛ expired";
    case "APPROVED":
      return protectedUntil && stage !== "CLOSED_WON" && stage !== "CLOSED_LOST" ? ` · 🛡️ until ${protectedUntil.toISOString().slice(0, 10)}` : "";
  }
}
