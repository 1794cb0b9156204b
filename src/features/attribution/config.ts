import { toJsonColumn } from "../../platform/db/json";
import { z } from "zod";
import type { PrismaClient } from "../../generated/prisma/client";
import type { Tx } from "../../platform/db/client";
import { programRepo } from "../../platform/repos/program-repo";
import { validateAttributionConfig, type AttributionConfig } from "./engine";
import { configChanges } from "./config-rules";
import { UserError } from "../../platform/errors";
import { configVersion } from "./records";

// The program's attribution config is a chain of immutable versions. Program.attributionVersion
// points at the one in force; a deal keeps the version that was in force when it was
// registered (Deal.configVersion), and its attribution records use that version.

export interface CurrentConfig {
  config: AttributionConfig;
  createdBy: string;
  createdAt: Date;
}

export async function currentAttributionConfig(db: Tx): Promise<CurrentConfig> {
  const program = await programRepo(db).get();
  const row = await db.attributionConfigVersion.findUniqueOrThrow({
    where: { version: program.attributionVersion },
    select: { createdBy: true, createdAt: true },
  });
  return { config: await configVersion(db, program.attributionVersion), ...row };
}

const currencySchema = z.object({ currency: z.string() });

/**
 * The currency of the attribution config in force (what amounts default to), "USD" when the
 * program or its config is missing.
 */
export async function programCurrency(db: Tx): Promise<string> {
  const program = await programRepo(db).find();
  const row = program ? await db.attributionConfigVersion.findUnique({ where: { version: program.attributionVersion }, select: { config: true } }) : null;
  const parsed = currencySchema.safeParse(row?.config);
  return parsed.success ? parsed.data.currency : "USD";
}

/** How many deals were registered under each config version (what a change will not touch). */
export async function dealsByConfigVersion(db: Tx): Promise<{ version: number; deals: number }[]> {
  const groups = await db.deal.groupBy({ by: ["configVersion"], _count: { _all: true }, orderBy: { configVersion: "asc" } });
  return groups.map((g) => ({ version: g.configVersion, deals: g._count._all }));
}

export type SaveConfigResult =
  | { kind: "saved"; version: number; previousVersion: number; changes: string[] }
  | { kind: "unchanged"; version: number }
  /** someone else saved a version after the editor was opened */
  | { kind: "conflict"; currentVersion: number; createdBy: string };

class Conflict extends Error {
  constructor(readonly currentVersion: number) {
    super("attribution config conflict");
  }
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2002";
}

/**
 * Saves an edited config (already validated) as a new version and points the program at it, with
 * an audit event, in one transaction. Unchanged → nothing written. The editor was opened on
 * `baseVersion`: when another version was saved meanwhile, nothing is written (conflict).
 */
export async function saveAttributionConfig(
  prisma: PrismaClient,
  input: { config: AttributionConfig; baseVersion: number; actor: string; now: Date },
): Promise<SaveConfigResult> {
  // Callers validate (with messages per field); an invalid config must still never be stored.
  const checked = validateAttributionConfig({ ...input.config, version: Math.max(1, input.config.version || 1) });
  if (!checked.ok) throw new UserError(`The attribution config was not saved: ${checked.errors.map((e) => e.message).join("; ")}`);
  try {
    return await prisma.$transaction(async (tx) => {
      const program = await programRepo(tx).get();
      const current = await configVersion(tx, program.attributionVersion);
      const changes = configChanges(current, checked.config);
      // A double-clicked submit (or a second admin saving the same values) lands here too.
      if (changes.length === 0) return { kind: "unchanged", version: current.version };
      if (current.version !== input.baseVersion) throw new Conflict(current.version);

      const max = await tx.attributionConfigVersion.aggregate({ _max: { version: true } });
      const version = (max._max.version ?? 0) + 1;
      const config: AttributionConfig = { ...checked.config, version };
      await tx.attributionConfigVersion.create({
        data: { version, config: toJsonColumn(config), createdBy: input.actor, createdAt: input.now },
      });
      // Only if nobody moved the pointer meanwhile (the row lock makes a concurrent save wait, then miss).
      const moved = await tx.program.updateMany({ where: { id: 1, attributionVersion: current.version }, data: { attributionVersion: version } });
      if (moved.count === 0) throw new Conflict(current.version);
      await tx.auditEvent.create({
        data: {
          actor: input.actor,
          action: "attribution.config.change",
          subject: "attribution-config",
          detail: { from: current.version, to: version, changes, config: toJsonColumn(config) },
          createdAt: input.now,
        },
      });
      return { kind: "saved", version, previousVersion: current.version, changes };
    });
  } catch (err) {
    if (err instanceof Conflict || isUniqueViolation(err)) {
      const now = await currentAttributionConfig(prisma);
      return { kind: "conflict", currentVersion: now.config.version, createdBy: now.createdBy };
    }
    throw err;
  }
}
