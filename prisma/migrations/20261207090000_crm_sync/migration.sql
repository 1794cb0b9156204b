-- CRM sync (HubSpot first): a deal's link to its CRM record, the CRM's webhook events (kept for
-- de-duplication and as the inbox the processor drains), the admin's stage mapping and the
-- reconciliation cursor.
CREATE TYPE "CrmProvider" AS ENUM ('HUBSPOT', 'SALESFORCE');

CREATE TABLE "CrmLink" (
  "id" TEXT NOT NULL,
  "dealId" TEXT NOT NULL,
  "provider" "CrmProvider" NOT NULL,
  "objectId" TEXT NOT NULL,
  -- the CRM's modification time of the last value applied per field: an older event never undoes it
  "stageAt" TIMESTAMP(3),
  "amountAt" TIMESTAMP(3),
  "closeDateAt" TIMESTAMP(3),
  "linkedBy" TEXT NOT NULL,
  "linkedAt" TIMESTAMP(3) NOT NULL,
  "unlinkedBy" TEXT,
  "unlinkedAt" TIMESTAMP(3),
  CONSTRAINT "CrmLink_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "CrmLink_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- One live link per deal and per CRM record; unlinked rows stay as the record of the link.
CREATE UNIQUE INDEX "CrmLink_live_deal_key" ON "CrmLink" ("dealId") WHERE "unlinkedAt" IS NULL;
CREATE UNIQUE INDEX "CrmLink_live_object_key" ON "CrmLink" ("provider", "objectId") WHERE "unlinkedAt" IS NULL;
CREATE INDEX "CrmLink_dealId_idx" ON "CrmLink" ("dealId");

CREATE TABLE "CrmEvent" (
  "id" TEXT NOT NULL,
  "provider" "CrmProvider" NOT NULL,
  "eventId" TEXT NOT NULL,
  "objectId" TEXT NOT NULL,
  "kind" TEXT NOT NULL,
  "property" TEXT,
  "value" TEXT,
  "crmUser" TEXT,
  "occurredAt" TIMESTAMP(3) NOT NULL,
  "receivedAt" TIMESTAMP(3) NOT NULL,
  "processedAt" TIMESTAMP(3),
  "outcome" TEXT,
  "detail" TEXT,
  CONSTRAINT "CrmEvent_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "CrmEvent_provider_eventId_key" ON "CrmEvent" ("provider", "eventId");
CREATE INDEX "CrmEvent_pending_idx" ON "CrmEvent" ("occurredAt") WHERE "processedAt" IS NULL;
CREATE INDEX "CrmEvent_outcome_idx" ON "CrmEvent" ("provider", "outcome", "receivedAt");

CREATE TABLE "CrmStageMapping" (
  "provider" "CrmProvider" NOT NULL,
  "stageId" TEXT NOT NULL,
  "stage" "Stage" NOT NULL,
  "setBy" TEXT NOT NULL,
  "setAt" TIMESTAMP(3) NOT NULL,
  CONSTRAINT "CrmStageMapping_pkey" PRIMARY KEY ("provider", "stageId")
);

CREATE TABLE "CrmSyncCursor" (
  "provider" "CrmProvider" NOT NULL,
  "cursor" TIMESTAMP(3) NOT NULL,
  "updatedAt" TIMESTAMP(3) NOT NULL,
  CONSTRAINT "CrmSyncCursor_pkey" PRIMARY KEY ("provider")
);
