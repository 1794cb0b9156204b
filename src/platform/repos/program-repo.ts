import { z } from "zod";
import type { Prisma, Program } from "../../generated/prisma/client";
import type { Stage } from "../../kernel/stages";
import type { Tx } from "../db/client";

// The program row (there is one, id 1): every read goes through here, so the JSON settings are
// parsed (zod) in one place instead of cast where they are used.

const PROGRAM_ID = 1;

/** Program.businessHours: the SLA clock counts only these hours (in the program's timezone). */
export interface BusinessHoursSetting {
  startHour: number;
  endHour: number;
  workdays: number[];
}

const businessHoursSchema = z.object({
  startHour: z.number().int().min(0).max(23),
  endHour: z.number().int().min(1).max(24),
  workdays: z.array(z.number().int().min(1).max(7)).min(1),
});

const staleDaysByStageSchema = z.record(z.string(), z.unknown());

/** The program row with its JSON columns parsed. */
export interface ProgramRecord extends Omit<Program, "businessHours" | "staleDaysByStage"> {
  /** null = SLAs count wall-clock hours (also when the stored value is not valid business hours) */
  businessHours: BusinessHoursSetting | null;
  /** per-stage staleness overrides in days; entries that are not numbers are dropped */
  staleDaysByStage: Partial<Record<Stage, number>>;
}

function parseBusinessHours(raw: unknown): BusinessHoursSetting | null {
  if (raw == null) return null;
  const parsed = businessHoursSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

function parseStaleDaysByStage(raw: unknown): Partial<Record<Stage, number>> {
  const parsed = staleDaysByStageSchema.safeParse(raw ?? {});
  if (!parsed.success) return {};
  const out: Partial<Record<Stage, number>> = {};
  for (const [k, v] of Object.entries(parsed.data)) if (typeof v === "number") out[k as Stage] = v;
  return out;
}

/** A program row read elsewhere (e.g. returned by an update), with its JSON columns parsed. */
export function programRecordOf(row: Program): ProgramRecord {
  return { ...row, businessHours: parseBusinessHours(row.businessHours), staleDaysByStage: parseStaleDaysByStage(row.staleDaysByStage) };
}

/** Reads (and settings writes) of the program row; `db` is a Prisma client or a transaction. */
export function programRepo(db: Tx) {
  return {
    /** The program, or null before it was created (`ensureProgram` runs at startup). */
    async find(): Promise<ProgramRecord | null> {
      const row = await db.program.findUnique({ where: { id: PROGRAM_ID } });
      return row ? programRecordOf(row) : null;
    },
    /** The program; throws when it does not exist yet. */
    async get(): Promise<ProgramRecord> {
      return programRecordOf(await db.program.findUniqueOrThrow({ where: { id: PROGRAM_ID } }));
    },
    /** The program's timezone, or the fallback when there is no program row. */
    async timezone(fallback: string): Promise<string> {
      const row = await db.program.findUnique({ where: { id: PROGRAM_ID }, select: { timezone: true } });
      return row?.timezone ?? fallback;
    },
    /** Changes program settings (use cases audit the change in the same transaction). */
    async update(data: Prisma.ProgramUpdateInput): Promise<void> {
      await db.program.update({ where: { id: PROGRAM_ID }, data });
    },
  };
}
