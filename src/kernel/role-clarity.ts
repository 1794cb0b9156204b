// Role clarity: "Every co-sell deal needs exactly one answer to each of these questions before
// the first customer conversation happens" (co-selling-with-partners, "Building co-sell roles
// that eliminate confusion"):
//   - who owns the customer relationship (one person: the quarterback),
//   - who leads each stage of the sale (one organization per open selling stage),
//   - who handles post-sale (one organization),
//   - each partner's minimum commitment (a response SLA in hours for deal-related requests).
// Pure: the caller loads the deal and hands over plain data.

import { STAGE_LABELS } from "./stages";

export const LEAD_STAGES = ["DISCOVERY", "TECHNICAL_VALIDATION", "PROPOSAL", "NEGOTIATION"] as const;
export type LeadStage = (typeof LEAD_STAGES)[number];

interface RoleClarityParticipant {
  orgId: string;
  orgName: string;
  /** Our own organization (it has no partner commitment to make). */
  internal: boolean;
  responseSlaHours: number | null;
}

export interface RoleClarityInput {
  relationshipOwnerUserId: string | null;
  postSaleOwnerOrgId: string | null;
  stageLeads: Partial<Record<LeadStage, string | null>>;
  participants: RoleClarityParticipant[];
}

interface ClarityItem {
  /** Stable key: "relationship_owner", "lead:DISCOVERY", …, "post_sale_owner", "sla:<orgId>". */
  key: string;
  /** What is (or would be) settled; the gap text when not done. */
  label: string;
  done: boolean;
  /** One human sentence: the answer when done, what is wrong when not. */
  detail: string;
}

export interface RoleClarityAssessment {
  items: ClarityItem[];
  /** Labels of the items that are not done, in item order. */
  gaps: string[];
  complete: boolean;
}

/** The usual minimum from the reference: 24 hours for deal-related requests. */
const SUGGESTED_RESPONSE_SLA_HOURS = 24;

function present(value: string | null | undefined): value is string {
  return typeof value === "string" && value.trim() !== "";
}

export function leadLabel(stage: LeadStage): string {
  return `Lead for ${STAGE_LABELS[stage]}`;
}

/**
 * Checks the four role-clarity questions for one deal. Items come in a stable order:
 * relationship owner, the four stage leads (pipeline order), post-sale owner, then one
 * response-SLA item per partner organization sorted by name (our internal organization makes
 * no commitment to itself). An organization named as stage lead or post-sale owner that is
 * not a participant of the deal is a gap: the answer exists but points at nobody on the deal.
 */
export function assessRoleClarity(input: RoleClarityInput): RoleClarityAssessment {
  // One entry per organization; the first occurrence wins if a caller passes duplicates.
  const byOrg = new Map<string, RoleClarityParticipant>();
  for (const p of input.participants) {
    if (!byOrg.has(p.orgId)) byOrg.set(p.orgId, p);
  }

  const items: ClarityItem[] = [];

  const owner = input.relationshipOwnerUserId;
  items.push(
    present(owner)
      ? {
          key: "relationship_owner",
          label: "Relationship owner",
          done: true,
          detail: `<@${owner.trim()}> is the quarterback: one point of contact for the customer`,
        }
      : {
          key: "relationship_owner",
          label: "Relationship owner",
          done: false,
          detail: "Nobody owns the customer relationship; pick one person as the quarterback",
        },
  );

  const orgAnswer = (key: string, label: string, orgId: string | null | undefined, doneText: (orgName: string) => string, missingText: string): ClarityItem => {
    if (!present(orgId)) return { key, label, done: false, detail: missingText };
    const org = byOrg.get(orgId);
    if (!org) {
      return { key, label, done: false, detail: `${label}: organization ${orgId} is not on the deal` };
    }
    return { key, label, done: true, detail: doneText(org.orgName) };
  };

  for (const stage of LEAD_STAGES) {
    const label = leadLabel(stage);
    items.push(
      orgAnswer(
        `lead:${stage}`,
        label,
        input.stageLeads[stage],
        (name) => `${name} leads ${STAGE_LABELS[stage]}`,
        `No organization leads ${STAGE_LABELS[stage]} yet`,
      ),
    );
  }

  items.push(
    orgAnswer(
      "post_sale_owner",
      "Post-sale owner",
      input.postSaleOwnerOrgId,
      (name) => `${name} onboards and supports the customer after the sale`,
      "Nobody owns onboarding and support after the sale",
    ),
  );

  const partners = [...byOrg.values()]
    .filter((p) => !p.internal)
    .sort((a, b) => (a.orgName === b.orgName ? (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0) : a.orgName < b.orgName ? -1 : 1));
  for (const p of partners) {
    const sla = p.responseSlaHours;
    const label = `Response SLA for ${p.orgName}`;
    const key = `sla:${p.orgId}`;
    if (sla === null || !Number.isFinite(sla) || sla <= 0) {
      items.push({
        key,
        label,
        done: false,
        detail:
          sla === null
            ? `${p.orgName} has not committed to a response time (${SUGGESTED_RESPONSE_SLA_HOURS} h is the usual minimum)`
            : `${p.orgName}'s response time must be a positive number of hours`,
      });
    } else {
      items.push({ key, label, done: true, detail: `${p.orgName} answers deal requests within ${sla} h` });
    }
  }

  const gaps = items.filter((i) => !i.done).map((i) => i.label);
  return { items, gaps, complete: gaps.length === 0 };
}
