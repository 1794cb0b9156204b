// What a person pastes to link a deal: a HubSpot deal's record URL or its id. Pure.
//   https://app.hubspot.com/contacts/4419532/record/0-3/20471358911   (0-3: the deal object)
//   https://app.hubspot.com/contacts/4419532/deal/20471358911          (older links)
//   https://app-eu1.hubspot.com/contacts/…                             (EU data centre)
//   20471358911

export type RecordRef = { ok: true; objectId: string; portalId: string | null } | { ok: false; reason: string };

const ID = /^\d{1,20}$/;

export function parseHubSpotRecordRef(text: string): RecordRef {
  const t = text.trim().replace(/^<|>$/g, "").split("|")[0]!.trim();
  if (t === "")
    return { ok: false, reason: "Paste the HubSpot deal's URL or its record id, e.g. `https://app.hubspot.com/contacts/4419532/record/0-3/20471358911`." };
  if (ID.test(t)) return { ok: true, objectId: t, portalId: null };
  let url: URL;
  try {
    url = new URL(t);
  } catch {
    return { ok: false, reason: `"${t.slice(0, 80)}" is neither a HubSpot deal URL nor a record id (digits only).` };
  }
  if (!/(^|\.)hubspot\.com$/.test(url.hostname))
    return { ok: false, reason: `That link is not a HubSpot one (${url.hostname}); paste the deal's URL from HubSpot.` };
  const parts = url.pathname.split("/").filter(Boolean);
  const at = parts.indexOf("contacts");
  const portalId = at >= 0 && ID.test(parts[at + 1] ?? "") ? parts[at + 1]! : null;
  const record = parts.indexOf("record");
  if (record >= 0) {
    if (parts[record + 1] !== "0-3")
      return { ok: false, reason: "That HubSpot link is not a deal (contacts, companies and tickets can't be linked); open the deal and copy its URL." };
    const id = parts[record + 2] ?? "";
    if (ID.test(id)) return { ok: true, objectId: id, portalId };
  }
  const deal = parts.indexOf("deal");
  if (deal >= 0 && ID.test(parts[deal + 1] ?? "")) return { ok: true, objectId: parts[deal + 1]!, portalId };
  return { ok: false, reason: "That HubSpot link does not point at a deal record; open the deal in HubSpot and copy its URL." };
}

/** The deal's page in HubSpot, for our people (never rendered into a shared channel). */
export function hubspotDealUrl(objectId: string, portalId: string | undefined): string | null {
  return portalId ? `https://app.hubspot.com/contacts/${portalId}/record/0-3/${objectId}` : null;
}
