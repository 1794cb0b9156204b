import type { Database } from "../src/platform/db/client";

// Generates a program of `pairings` pairings and `deals` deals in SQL (deterministic: every
// "random" choice is a hash of the row number), with participants, touchpoints, stage changes
// and asks, for the digest benchmark.
export async function generateProgram(db: Database, opts: { pairings: number; deals: number; now: Date }): Promise<void> {
  const now = opts.now.toISOString();
  const P = opts.pairings;
  const D = opts.deals;
  const h = (expr: string, mod: number) => `(abs(hashtext((${expr})::text)) % ${mod})`;
  await db.sql.exec(`
    INSERT INTO "Organization" (id, name, kind, "slackTeamIds") VALUES ('org-ours', 'Ourco', 'INTERNAL', ARRAY['T_OURS']);
    INSERT INTO "Organization" (id, name, kind, "partnerType", "slackTeamIds")
      SELECT 'org-' || g, 'Partner ' || g, 'PARTNER', (ARRAY['TECHNOLOGY','RESELLER','SI','REFERRAL','ALLIANCE']::"PartnerType"[])[1 + ${h("g", 5)}], ARRAY['T' || g]
      FROM generate_series(1, ${P + 1}) g;
    INSERT INTO "Pairing" (id, name, "channelId", "defaultModel", "createdAt", "createdBy")
      SELECT 'pair-' || g, 'Pairing ' || g, 'CP' || g, 'SELL_WITH', TIMESTAMPTZ '${now}' - interval '200 days', 'U_ADMIN'
      FROM generate_series(1, ${P}) g;
    INSERT INTO "PairingMember" ("pairingId", "orgId")
      SELECT 'pair-' || g, 'org-ours' FROM generate_series(1, ${P}) g
      UNION ALL SELECT 'pair-' || g, 'org-' || g FROM generate_series(1, ${P}) g
      UNION ALL SELECT 'pair-' || g, 'org-' || (g + 1) FROM generate_series(1, ${P}) g WHERE g % 3 = 0;
    INSERT INTO "Deal" (id, ref, "accountName", "accountDomain", title, "amountMinor", currency, stage, "expectedCloseDate", "coSellModel",
                        "pairingId", "registeredBy", "registeredByOrgId", "registeredAt", "relationshipOwnerUserId", "registrationSnapshot",
                        "configVersion", "registrationKey", "lastActivityAt", "closedAt", "updatedAt")
      SELECT 'deal-' || g, g, 'Account ' || g, 'account' || g || '.example.com', 'Deal ' || g,
             (1000 + ${h("g || 'a'", 200000)}) * 100, 'USD',
             (ARRAY['REGISTERED','DISCOVERY','TECHNICAL_VALIDATION','PROPOSAL','NEGOTIATION','CLOSED_WON','CLOSED_LOST']::"Stage"[])[1 + ${h("g || 's'", 7)}],
             (TIMESTAMPTZ '${now}' + (${h("g || 'c'", 120)} - 30) * interval '1 day')::date, 'SELL_WITH',
             'pair-' || (1 + (g % ${P})), 'U_REP', 'org-ours', TIMESTAMPTZ '${now}' - ${h("g || 'r'", 180)} * interval '1 day',
             CASE WHEN g % 4 = 0 THEN NULL ELSE 'U_REP' END, '{}'::jsonb, 1, 'bench:' || g,
             TIMESTAMPTZ '${now}' - ${h("g || 'l'", 30)} * interval '1 day', NULL, TIMESTAMPTZ '${now}'
      FROM generate_series(1, ${D}) g;
    INSERT INTO "Participant" ("dealId", "orgId", roles, "responseSlaHours")
      SELECT 'deal-' || g, 'org-ours', ARRAY['SELLING']::"Role"[], NULL FROM generate_series(1, ${D}) g
      UNION ALL
      SELECT 'deal-' || g, 'org-' || (1 + (g % ${P})), ARRAY['SOURCING','TECHNICAL_VALIDATION']::"Role"[], CASE WHEN g % 2 = 0 THEN 24 ELSE NULL END FROM generate_series(1, ${D}) g;
    INSERT INTO "Touchpoint" (id, "dealId", "orgId", "userId", type, "occurredAt", note)
      SELECT 'tp-' || g, 'deal-' || (1 + (g % ${D})), CASE WHEN g % 2 = 0 THEN 'org-ours' ELSE 'org-' || (1 + ((g % ${D}) % ${P})) END, 'U_REP',
             (ARRAY['MEETING','DEMO','EMAIL','INTRO']::"TouchpointType"[])[1 + ${h("g || 't'", 4)}], TIMESTAMPTZ '${now}' - ${h("g || 'o'", 60)} * interval '1 day', 'bench touchpoint'
      FROM generate_series(1, ${D * 2}) g;
    INSERT INTO "StageChange" (id, "dealId", "fromStage", "toStage", "changedBy", "changedAt")
      SELECT 'sc-' || g, 'deal-' || g, 'REGISTERED', d.stage, 'U_REP', TIMESTAMPTZ '${now}' - ${h("g || 'x'", 30)} * interval '1 day'
      FROM generate_series(1, ${D}) g JOIN "Deal" d ON d.id = 'deal-' || g WHERE d.stage <> 'REGISTERED';
    INSERT INTO "Ask" (id, "dealId", "fromUserId", "ownerUserId", text, "slaHours", "createdAt", "dueAt", "escalateAt", status)
      SELECT 'ask-' || g, 'deal-' || (1 + (g * 7 % ${D})), 'U_REP', 'U_P' || g, 'bench ask ' || g, 24,
             TIMESTAMPTZ '${now}' - interval '2 days', TIMESTAMPTZ '${now}' + (${h("g || 'd'", 72)} - 36) * interval '1 hour',
             TIMESTAMPTZ '${now}' + interval '3 days', 'OPEN'
      FROM generate_series(1, ${Math.round(D / 5)}) g;
    UPDATE "Deal" SET "closedAt" = "lastActivityAt" WHERE stage IN ('CLOSED_WON', 'CLOSED_LOST');
    ANALYZE;
  `);
}
