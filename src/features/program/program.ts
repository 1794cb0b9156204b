import { toJsonColumn } from "../../platform/db/json";
import type { Tx } from "../../platform/db/client";
import { programRepo } from "../../platform/repos/program-repo";
import { DEFAULT_ATTRIBUTION_CONFIG } from "../attribution/engine";

/** Creates the program row and the first attribution config version on first start. */
export async function ensureProgram(db: Tx, opts: { timezone: string }) {
  await db.program.upsert({ where: { id: 1 }, update: {}, create: { id: 1, timezone: opts.timezone } });
  await db.attributionConfigVersion.upsert({
    where: { version: 1 },
    update: {},
    create: { version: 1, config: toJsonColumn(DEFAULT_ATTRIBUTION_CONFIG), createdBy: "system" },
  });
  return programRepo(db).get();
}
