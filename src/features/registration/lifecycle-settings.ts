import type { Program } from "../../generated/prisma/client";
import type { LifecycleSettings } from "../../kernel/registration-lifecycle";
import type { BusinessHours } from "../../kernel/sla-clock";
import type { ProgramRecord } from "../../platform/repos/program-repo";

/** The registration lifecycle's settings from the program row. */
export function lifecycleOf(
  p: Pick<
    Program,
    "protectionDays" | "protectionWarnDays" | "extensionDays" | "maxExtensions" | "approvalSlaHours" | "autoApproveInternal" | "autoApproveMaxAmount"
  >,
): LifecycleSettings {
  return {
    protectionDays: p.protectionDays,
    protectionWarnDays: p.protectionWarnDays,
    extensionDays: p.extensionDays,
    maxExtensions: p.maxExtensions,
    approvalSlaHours: p.approvalSlaHours,
    autoApproveInternal: p.autoApproveInternal,
    autoApproveMaxAmount: p.autoApproveMaxAmount === null ? null : Number(p.autoApproveMaxAmount),
  };
}

/** The review SLA runs on the program's business hours when it has them (48 business hours by default). */
export function reviewClockOf(p: Pick<ProgramRecord, "businessHours" | "timezone">): BusinessHours | null {
  return p.businessHours ? { ...p.businessHours, timezone: p.timezone } : null;
}
