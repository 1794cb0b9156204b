import { isValidTimezone } from "./sla-clock";
import type { LifecycleSettings } from "./registration-lifecycle";

// Program-wide settings an admin edits in the setup modal. Pure validation.

export interface ProgramSettings {
  timezone: string;
  responseSlaHours: number;
  /** null = SLAs count wall-clock hours */
  businessHours: { startHour: number; endHour: number; workdays: number[] } | null;
  staleDays: number;
  digestWeekday: number; // 1 = Monday … 7 = Sunday
  digestHour: number;
  managerChannelId: string | null;
  shareAmountsInChannel: boolean;
  /** the registration lifecycle */
  registration: LifecycleSettings;
}

export interface ProgramSettingsDraft {
  timezone: string;
  responseSlaHours: string;
  useBusinessHours: boolean;
  startHour: string;
  endHour: string;
  workdays: string[];
  staleDays: string;
  digestWeekday: string | null;
  digestHour: string;
  managerChannelId: string | null;
  shareAmountsInChannel: boolean;
  protectionDays: string;
  extensionDays: string;
  maxExtensions: string;
  approvalSlaHours: string;
  autoApproveInternal: boolean;
  /** whole units; empty = no amount rule */
  autoApproveMaxAmount: string;
}

export type SettingsField =
  | "timezone"
  | "responseSlaHours"
  | "businessHours"
  | "workdays"
  | "staleDays"
  | "digestWeekday"
  | "digestHour"
  | "protectionDays"
  | "extensionDays"
  | "maxExtensions"
  | "approvalSlaHours"
  | "autoApproveMaxAmount";

function wholeNumber(text: string, min: number, max: number): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= min && n <= max ? n : null;
}

export function validateProgramSettings(
  d: ProgramSettingsDraft,
): { ok: true; value: ProgramSettings } | { ok: false; errors: Partial<Record<SettingsField, string>> } {
  const errors: Partial<Record<SettingsField, string>> = {};
  const timezone = d.timezone.trim();
  if (!isValidTimezone(timezone)) errors.timezone = `"${timezone}" is not a timezone name; use an IANA name such as Europe/Berlin or America/New_York.`;
  const sla = wholeNumber(d.responseSlaHours, 1, 720);
  if (sla === null) errors.responseSlaHours = "Give whole hours from 1 to 720 (the usual commitment is 24).";
  const stale = wholeNumber(d.staleDays, 1, 365);
  if (stale === null) errors.staleDays = "Give whole days from 1 to 365 (14 is the default).";
  const weekday = d.digestWeekday ? wholeNumber(d.digestWeekday, 1, 7) : null;
  if (weekday === null) errors.digestWeekday = "Pick the weekday of the standup digest.";
  const hour = wholeNumber(d.digestHour, 0, 23);
  if (hour === null) errors.digestHour = "Give the hour of the digest, 0 to 23, in the program's timezone.";
  let businessHours: ProgramSettings["businessHours"] = null;
  if (d.useBusinessHours) {
    const start = wholeNumber(d.startHour, 0, 23);
    const end = wholeNumber(d.endHour, 1, 24);
    const workdays = [...new Set(d.workdays.map(Number))].filter((n) => n >= 1 && n <= 7).sort();
    if (start === null || end === null || start >= end) errors.businessHours = "Business hours need a start before the end, e.g. 9 to 17.";
    else if (workdays.length === 0) errors.workdays = "Pick at least one working day.";
    else businessHours = { startHour: start, endHour: end, workdays };
  }
  const protectionDays = wholeNumber(d.protectionDays, 1, 730);
  if (protectionDays === null) errors.protectionDays = "Give whole days from 1 to 730 (90 is the usual protection).";
  const extensionDays = wholeNumber(d.extensionDays, 1, 365);
  if (extensionDays === null) errors.extensionDays = "Give whole days from 1 to 365 (30 is the default).";
  const maxExtensions = wholeNumber(d.maxExtensions, 0, 10);
  if (maxExtensions === null) errors.maxExtensions = "Give a whole number from 0 (no extensions) to 10.";
  const approvalSlaHours = wholeNumber(d.approvalSlaHours, 1, 720);
  if (approvalSlaHours === null) errors.approvalSlaHours = "Give whole hours from 1 to 720 (48 is the default; business hours when the SLA clock uses them).";
  const limitText = d.autoApproveMaxAmount.trim().replace(/[, _]/g, "");
  const autoApproveMaxAmount = limitText === "" ? null : wholeNumber(limitText, 1, 1_000_000_000);
  if (limitText !== "" && autoApproveMaxAmount === null)
    errors.autoApproveMaxAmount = "Give a whole amount such as 25000, or leave it empty to review every partner registration.";
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      timezone,
      responseSlaHours: sla!,
      businessHours,
      staleDays: stale!,
      digestWeekday: weekday!,
      digestHour: hour!,
      managerChannelId: d.managerChannelId,
      shareAmountsInChannel: d.shareAmountsInChannel,
      registration: {
        protectionDays: protectionDays!,
        protectionWarnDays: 14,
        extensionDays: extensionDays!,
        maxExtensions: maxExtensions!,
        approvalSlaHours: approvalSlaHours!,
        autoApproveInternal: d.autoApproveInternal,
        autoApproveMaxAmount,
      },
    },
  };
}
