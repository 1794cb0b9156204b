import type { Tx } from "../db/client";

// Organizations as the listeners' use cases read them: one by id, or all of them for a picker.

export interface OrgSummary {
  id: string;
  name: string;
  kind: "INTERNAL" | "PARTNER";
}

const select = { id: true, name: true, kind: true } as const;

export function orgRepo(db: Tx) {
  return {
    async byId(id: string): Promise<OrgSummary | null> {
      return db.organization.findUnique({ where: { id }, select });
    },
    /** Every organization, ours first (then by name). */
    async listOursFirst(): Promise<OrgSummary[]> {
      return db.organization.findMany({ select, orderBy: [{ kind: "asc" }, { name: "asc" }] });
    },
    /** Every organization, by name. */
    async listByName(): Promise<OrgSummary[]> {
      return db.organization.findMany({ select, orderBy: { name: "asc" } });
    },
  };
}
