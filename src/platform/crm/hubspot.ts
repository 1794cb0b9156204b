import { Client } from "@hubspot/api-client";
import type { HubSpotConfig } from "../config";

// The HubSpot API as cosell uses it, over the official client (@hubspot/api-client) pointed at
// HUBSPOT_API_URL. Its own retry decorator is off: a 429 or 5xx surfaces as a CrmApiError with
// the Retry-After HubSpot sent, and the caller decides (the reconciliation job waits and goes on,
// the outbox reschedules the row).

/** the deal properties cosell reads */
const HUBSPOT_DEAL_PROPERTIES = ["dealname", "dealstage", "pipeline", "amount", "closedate", "hs_lastmodifieddate", "hubspot_owner_id"] as const;

/** a deal as cosell reads it */
export interface HubSpotDeal {
  id: string;
  name: string | null;
  stageId: string | null;
  pipeline: string | null;
  amount: string | null;
  closeDate: string | null;
  modifiedAt: Date;
}

/** A HubSpot call that failed; retryAfterMs is set for 429s (from Retry-After, else 10 s) and 5xx. */
export class CrmApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
    this.name = "CrmApiError";
  }
  /** for the outbox's retry: seconds to wait */
  get retryAfter(): number | undefined {
    return this.retryAfterMs === undefined ? undefined : Math.ceil(this.retryAfterMs / 1000);
  }
}

export interface HubSpotApi {
  getDeal(id: string): Promise<HubSpotDeal | null>;
  /** deals modified at or after `since`, oldest first; `after` pages (HubSpot caps one query at 10,000 results) */
  searchDealsModifiedSince(since: Date, after?: string): Promise<{ deals: HubSpotDeal[]; next: string | undefined }>;
  /** the id of a note on the deal whose body contains `marker`, if any */
  findNote(dealId: string, marker: string): Promise<string | null>;
  /** a note on the deal's timeline (HTML body); returns its id */
  createNote(dealId: string, html: string, at: Date): Promise<string>;
}

/** HubSpot's association type of a note to a deal (HUBSPOT_DEFINED). */
const NOTE_TO_DEAL = 214;

function hubspotApi(config: HubSpotConfig): HubSpotApi {
  const client = new Client({ accessToken: config.accessToken, basePath: config.apiUrl.replace(/\/$/, ""), numberOfApiCallRetries: 0 });
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw toCrmError(what, err);
    }
  };
  return {
    async getDeal(id) {
      try {
        const d = await client.crm.deals.basicApi.getById(id, [...HUBSPOT_DEAL_PROPERTIES]);
        return toDeal(d);
      } catch (err) {
        if ((err as { code?: number }).code === 404) return null;
        throw toCrmError(`reading deal ${id}`, err);
      }
    },
    async searchDealsModifiedSince(since, after) {
      const page = await call("searching deals", () =>
        client.crm.deals.searchApi.doSearch({
          filterGroups: [{ filters: [{ propertyName: "hs_lastmodifieddate", operator: "GTE" as never, value: String(since.getTime()) }] }],
          sorts: ["hs_lastmodifieddate"],
          properties: [...HUBSPOT_DEAL_PROPERTIES],
          // HubSpot's largest search page
          limit: 200,
          ...(after ? { after } : {}),
        }),
      );
      return { deals: page.results.map(toDeal), next: page.paging?.next?.after };
    },
    async findNote(dealId, marker) {
      const page = await call(`looking for the note on deal ${dealId}`, () =>
        client.crm.objects.notes.searchApi.doSearch({
          filterGroups: [
            {
              filters: [
                { propertyName: "associations.deal", operator: "EQ" as never, value: dealId },
                { propertyName: "hs_note_body", operator: "CONTAINS_TOKEN" as never, value: marker },
              ],
            },
          ],
          properties: ["hs_note_body"],
          limit: 10,
        }),
      );
      const found = page.results.find((n) => (n.properties.hs_note_body ?? "").includes(marker));
      return found?.id ?? null;
    },
    async createNote(dealId, html, at) {
      const note = await call(`writing a note on deal ${dealId}`, () =>
        client.crm.objects.notes.basicApi.create({
          properties: { hs_note_body: html, hs_timestamp: at.toISOString() },
          associations: [{ to: { id: dealId }, types: [{ associationCategory: "HUBSPOT_DEFINED" as never, associationTypeId: NOTE_TO_DEAL }] }],
        }),
      );
      return note.id;
    },
  };
}

function toDeal(d: { id: string; properties: Record<string, string | null>; updatedAt?: Date }): HubSpotDeal {
  const p = d.properties;
  const modified = p.hs_lastmodifieddate ? new Date(p.hs_lastmodifieddate) : (d.updatedAt ?? new Date(0));
  return {
    id: d.id,
    name: p.dealname ?? null,
    stageId: p.dealstage ?? null,
    pipeline: p.pipeline ?? null,
    amount: p.amount ?? null,
    closeDate: p.closedate ?? null,
    modifiedAt: Number.isNaN(modified.getTime()) ? new Date(0) : modified,
  };
}

function toCrmError(what: string, err: unknown): CrmApiError {
  const e = err as { code?: unknown; headers?: Record<string, string>; message?: string };
  const status = typeof e.code === "number" ? e.code : 0;
  const retryAfterHeader = e.headers?.["retry-after"];
  const retryAfterMs =
    status === 429
      ? retryAfterHeader && Number.isFinite(Number(retryAfterHeader))
        ? Number(retryAfterHeader) * 1000
        : 10_000
      : status >= 500 || status === 0
        ? 2000
        : undefined;
  const reason = status === 0 ? (e.message ?? String(err)) : `HTTP ${status}`;
  return new CrmApiError(`HubSpot: ${what} failed (${reason})`, status, retryAfterMs);
}

/** The connected CRMs' APIs, from the configuration (AppDeps.crm). */
export function crmApis(config: { crm?: { hubspot?: HubSpotConfig } }): { hubspot?: HubSpotApi } {
  return config.crm?.hubspot ? { hubspot: hubspotApi(config.crm.hubspot) } : {};
}
