import { STAGES, type Stage } from "../../kernel/stages";
import type { Tx } from "../../platform/db/client";

// HubSpot stage ids → cosell stages. The defaults cover HubSpot's default sales pipeline
// ("default"), whose stage ids are fixed; an admin maps any other pipeline's stages (and may
// override a default) with `/cosell crm map <stage id> <stage>`. A stage id with no mapping is
// reported, never guessed.
//
// Chosen as a partner manager reads HubSpot's default stages:
//   appointmentscheduled  (first meeting booked)        → Discovery
//   qualifiedtobuy        (still qualifying)            → Discovery
//   presentationscheduled (demo / POC)                  → Technical validation
//   decisionmakerboughtin (buyer agreed, proposal next) → Proposal
//   contractsent          (terms on the table)          → Negotiation
//   closedwon / closedlost                              → Closed won / Closed lost
// Nothing maps to Registered: it is cosell's own first step, before the CRM's pipeline starts.
export const HUBSPOT_DEFAULT_STAGE_MAP: Readonly<Record<string, Stage>> = {
  appointmentscheduled: "DISCOVERY",
  qualifiedtobuy: "DISCOVERY",
  presentationscheduled: "TECHNICAL_VALIDATION",
  decisionmakerboughtin: "PROPOSAL",
  contractsent: "NEGOTIATION",
  closedwon: "CLOSED_WON",
  closedlost: "CLOSED_LOST",
};

export interface StageMapEntry {
  stageId: string;
  stage: Stage;
  source: "default" | "admin";
}

/** The mapping in force: the defaults, then the admin's entries over them. */
export async function loadHubSpotStageMap(db: Tx): Promise<Map<string, StageMapEntry>> {
  const map = new Map<string, StageMapEntry>(
    Object.entries(HUBSPOT_DEFAULT_STAGE_MAP).map(([stageId, stage]) => [stageId, { stageId, stage, source: "default" as const }]),
  );
  const rows = await db.crmStageMapping.findMany({ where: { provider: "HUBSPOT" } });
  for (const r of rows) if ((STAGES as readonly string[]).includes(r.stage)) map.set(r.stageId, { stageId: r.stageId, stage: r.stage, source: "admin" });
  return map;
}
