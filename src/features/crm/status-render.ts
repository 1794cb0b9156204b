import { stageLabel, type Stage } from "../../kernel/stages";
import { formatDealRef } from "../../kernel/registration";
import { joinMrkdwn, link, mrkdwn, type SafeMessage, type SlackText } from "../../platform/slack/mrkdwn";
import type { CrmStatus } from "./status";

// Ephemeral answers of the CRM commands (to our people only). Pure.

export function renderLinked(d: {
  ref: number;
  objectId: string;
  url: string | null;
  name: string | null;
  crmStageId: string | null;
  crmStage: Stage | null;
  ourStage: Stage;
  replaced: string | null;
  already: boolean;
}): SafeMessage {
  const ref = formatDealRef(d.ref);
  const record: SlackText = d.url ? link(d.url, `HubSpot deal ${d.objectId}`) : mrkdwn`HubSpot deal ${d.objectId}`;
  const lines: SlackText[] = [
    d.already
      ? mrkdwn`${ref} is already linked to ${record}${d.name ? mrkdwn` (“${d.name}”)` : ""}.`
      : mrkdwn`🔗 Linked ${ref} to ${record}${d.name ? mrkdwn` (“${d.name}”)` : ""}${d.replaced ? ` (instead of HubSpot deal ${d.replaced})` : ""}.`,
  ];
  if (d.crmStageId) {
    lines.push(
      d.crmStage === null
        ? mrkdwn`HubSpot has it in stage \`${d.crmStageId}\`, which maps to no cosell stage yet: an admin maps it with \`/cosell crm map ${d.crmStageId} <stage>\`.`
        : d.crmStage === d.ourStage
          ? mrkdwn`HubSpot and cosell agree: ${stageLabel(d.ourStage)}.`
          : mrkdwn`HubSpot says ${stageLabel(d.crmStage)}, cosell says ${stageLabel(d.ourStage)}: linking moves nothing; the next change in HubSpot applies here.`,
    );
  }
  lines.push(
    mrkdwn`From now on, stage, amount and close-date changes in HubSpot update the card and alert the pairing channel; at won the attribution goes back to HubSpot as a note. Partners see only that the deal is kept in step with HubSpot.`,
  );
  return { text: joinMrkdwn(lines) };
}

export function renderCrmStatus(s: CrmStatus, opts: { webhookUrl: string | null }): SafeMessage {
  if (!s.connected) {
    return {
      text: mrkdwn`*CRM sync*: HubSpot is not connected. An admin sets \`HUBSPOT_ACCESS_TOKEN\` and \`HUBSPOT_CLIENT_SECRET\` (README, "Connect HubSpot")${s.links > 0 ? `; ${s.links} deal${s.links === 1 ? " is" : "s are"} still linked and will sync again once it is` : ""}.`,
    };
  }
  const mapping = s.mapping.map((m) => mrkdwn`• \`${m.stageId}\` → ${stageLabel(m.stage)}${m.source === "default" ? " (default)" : ""}`);
  const events = Object.entries(s.events24h)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
  return {
    text: joinMrkdwn([
      mrkdwn`*CRM sync: HubSpot*${s.portalId ? ` (account ${s.portalId})` : ""} · ${s.links} linked deal${s.links === 1 ? "" : "s"}`,
      opts.webhookUrl ? mrkdwn`Webhook URL: \`${opts.webhookUrl}\`` : mrkdwn`Webhooks: \`POST /crm/hubspot/webhooks\` on this app's public URL`,
      mrkdwn`Reconciliation: ${s.cursor ? mrkdwn`changes up to ${s.cursor.toISOString().slice(0, 16).replace("T", " ")} UTC applied` : "not run yet"} (every 5 minutes)`,
      mrkdwn`Webhook events, last 24 h: ${events || "none"}`,
      ...(s.unmapped.length > 0
        ? [
            mrkdwn`🔶 *Unmapped HubSpot stages* (deals in them were not moved): ${s.unmapped.map((u) => `\`${u}\``).join(", ")}. Map each with \`/cosell crm map <stage id> <stage>\`.`,
          ]
        : []),
      ...(s.problems.length > 0
        ? [mrkdwn`*Not applied lately*`, ...s.problems.map((p) => mrkdwn`• HubSpot deal ${p.objectId}: ${p.outcome}${p.detail ? ` — ${p.detail}` : ""}`)]
        : []),
      mrkdwn`*Stage mapping*`,
      ...mapping,
      mrkdwn`Change it with \`/cosell crm map <HubSpot stage id> <stage|none>\` (admins).`,
    ]),
  };
}
