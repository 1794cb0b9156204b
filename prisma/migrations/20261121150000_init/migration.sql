-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "OrgKind" AS ENUM ('INTERNAL', 'PARTNER');

-- CreateEnum
CREATE TYPE "PartnerType" AS ENUM ('TECHNOLOGY', 'RESELLER', 'SI', 'REFERRAL', 'ALLIANCE');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('SOURCING', 'SELLING', 'TECHNICAL_VALIDATION', 'IMPLEMENTATION', 'INFLUENCE');

-- CreateEnum
CREATE TYPE "Stage" AS ENUM ('REGISTERED', 'DISCOVERY', 'TECHNICAL_VALIDATION', 'PROPOSAL', 'NEGOTIATION', 'CLOSED_WON', 'CLOSED_LOST');

-- CreateEnum
CREATE TYPE "CoSellModel" AS ENUM ('SELL_WITH', 'SELL_THROUGH', 'SELL_TO');

-- CreateEnum
CREATE TYPE "AttributionModel" AS ENUM ('ROLE_SPLIT', 'SELL_THROUGH', 'SELL_TO', 'SOURCE_WINS', 'INFLUENCE');

-- CreateEnum
CREATE TYPE "TouchpointType" AS ENUM ('MEETING', 'DEMO', 'EMAIL', 'PROPOSAL_REVIEW', 'INTRO', 'INTEGRATION_MENTION', 'EXEC_ALIGNMENT', 'POC', 'OTHER');

-- CreateEnum
CREATE TYPE "AskStatus" AS ENUM ('OPEN', 'DONE', 'CANCELLED');

-- CreateEnum
CREATE TYPE "DisputeStatus" AS ENUM ('OPEN', 'RESOLVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "AccountStatus" AS ENUM ('CUSTOMER', 'PROSPECT');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('PENDING', 'SENT', 'DEAD');

-- CreateTable
CREATE TABLE "Program" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "name" TEXT NOT NULL DEFAULT 'Co-sell program',
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "responseSlaHours" INTEGER NOT NULL DEFAULT 24,
    "businessHours" JSONB,
    "staleDays" INTEGER NOT NULL DEFAULT 14,
    "staleDaysByStage" JSONB NOT NULL DEFAULT '{}',
    "digestWeekday" INTEGER NOT NULL DEFAULT 1,
    "digestHour" INTEGER NOT NULL DEFAULT 9,
    "managerChannelId" TEXT,
    "shareAmountsInChannel" BOOLEAN NOT NULL DEFAULT false,
    "mapSharing" TEXT NOT NULL DEFAULT 'COUNTS',
    "nextDealRef" INTEGER NOT NULL DEFAULT 1,
    "attributionVersion" INTEGER NOT NULL DEFAULT 1,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Program_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AttributionConfigVersion" (
    "version" INTEGER NOT NULL,
    "config" JSONB NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AttributionConfigVersion_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "Organization" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "OrgKind" NOT NULL,
    "partnerType" "PartnerType",
    "slackTeamIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Pairing" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "defaultModel" "CoSellModel" NOT NULL DEFAULT 'SELL_WITH',
    "panelTs" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,

    CONSTRAINT "Pairing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PairingMember" (
    "pairingId" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,

    CONSTRAINT "PairingMember_pkey" PRIMARY KEY ("pairingId","orgId")
);

-- CreateTable
CREATE TABLE "Deal" (
    "id" TEXT NOT NULL,
    "ref" INTEGER NOT NULL,
    "accountName" TEXT NOT NULL,
    "accountDomain" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "amountMinor" BIGINT NOT NULL,
    "currency" TEXT NOT NULL,
    "stage" "Stage" NOT NULL DEFAULT 'REGISTERED',
    "expectedCloseDate" DATE NOT NULL,
    "coSellModel" "CoSellModel" NOT NULL,
    "explicitModel" "AttributionModel",
    "pairingId" TEXT NOT NULL,
    "registeredBy" TEXT NOT NULL,
    "registeredByOrgId" TEXT NOT NULL,
    "registeredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "relationshipOwnerUserId" TEXT,
    "postSaleOwnerOrgId" TEXT,
    "stageLeads" JSONB NOT NULL DEFAULT '{}',
    "notes" TEXT,
    "conflictWithDealId" TEXT,
    "registrationSnapshot" JSONB NOT NULL,
    "configVersion" INTEGER NOT NULL,
    "registrationKey" TEXT NOT NULL,
    "cardChannelId" TEXT,
    "cardTs" TEXT,
    "lastActivityAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Deal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Participant" (
    "dealId" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "roles" "Role"[],
    "responseSlaHours" INTEGER,
    "people" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "Participant_pkey" PRIMARY KEY ("dealId","orgId")
);

-- CreateTable
CREATE TABLE "RoleChange" (
    "id" TEXT NOT NULL,
    "dealId" TEXT NOT NULL,
    "changedBy" TEXT NOT NULL,
    "changedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "before" JSONB NOT NULL,
    "after" JSONB NOT NULL,

    CONSTRAINT "RoleChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StageChange" (
    "id" TEXT NOT NULL,
    "dealId" TEXT NOT NULL,
    "fromStage" "Stage",
    "toStage" "Stage" NOT NULL,
    "changedBy" TEXT NOT NULL,
    "changedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "gapOverride" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "reopen" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "StageChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Touchpoint" (
    "id" TEXT NOT NULL,
    "dealId" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "type" "TouchpointType" NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "note" TEXT NOT NULL,
    "messageLink" TEXT,
    "idempotencyKey" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Touchpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Ask" (
    "id" TEXT NOT NULL,
    "dealId" TEXT NOT NULL,
    "fromUserId" TEXT NOT NULL,
    "ownerUserId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "slaHours" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "escalateAt" TIMESTAMP(3) NOT NULL,
    "status" "AskStatus" NOT NULL DEFAULT 'OPEN',
    "doneAt" TIMESTAMP(3),
    "doneBy" TEXT,
    "alertLevel" INTEGER NOT NULL DEFAULT 0,
    "idempotencyKey" TEXT,

    CONSTRAINT "Ask_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AttributionRecord" (
    "id" TEXT NOT NULL,
    "dealId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "model" "AttributionModel" NOT NULL,
    "modelReason" TEXT NOT NULL,
    "configVersion" INTEGER NOT NULL,
    "inputs" JSONB NOT NULL,
    "result" JSONB NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "computedBy" TEXT NOT NULL,
    "reason" TEXT NOT NULL,

    CONSTRAINT "AttributionRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Dispute" (
    "id" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "dealId" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "raisedBy" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" "DisputeStatus" NOT NULL DEFAULT 'OPEN',
    "resolutionNote" TEXT,
    "resolvedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "Dispute_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccountList" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "status" "AccountStatus" NOT NULL,
    "importedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "importedBy" TEXT NOT NULL,
    "rowCount" INTEGER NOT NULL,
    "changeSummary" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "AccountList_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Account" (
    "id" TEXT NOT NULL,
    "listId" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "status" "AccountStatus" NOT NULL,
    "name" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "owner" TEXT,
    "arrMinor" BIGINT,
    "strategic" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" TEXT NOT NULL,
    "dedupeKey" TEXT,
    "method" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "onSent" JSONB,
    "status" "OutboxStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "result" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobRun" (
    "id" TEXT NOT NULL,
    "job" TEXT NOT NULL,
    "periodKey" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "detail" JSONB,

    CONSTRAINT "JobRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdempotencyKey" (
    "key" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdempotencyKey_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "SlackUserCache" (
    "userId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "name" TEXT,
    "isBot" BOOLEAN NOT NULL DEFAULT false,
    "fetchedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SlackUserCache_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Organization_name_key" ON "Organization"("name");

-- CreateIndex
CREATE INDEX "Organization_slackTeamIds_idx" ON "Organization" USING GIN ("slackTeamIds");

-- CreateIndex
CREATE UNIQUE INDEX "Pairing_name_key" ON "Pairing"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Pairing_channelId_key" ON "Pairing"("channelId");

-- CreateIndex
CREATE INDEX "PairingMember_orgId_idx" ON "PairingMember"("orgId");

-- CreateIndex
CREATE UNIQUE INDEX "Deal_ref_key" ON "Deal"("ref");

-- CreateIndex
CREATE UNIQUE INDEX "Deal_registrationKey_key" ON "Deal"("registrationKey");

-- CreateIndex
CREATE INDEX "Deal_pairingId_stage_idx" ON "Deal"("pairingId", "stage");

-- CreateIndex
CREATE INDEX "Deal_accountDomain_idx" ON "Deal"("accountDomain");

-- CreateIndex
CREATE INDEX "Deal_stage_lastActivityAt_idx" ON "Deal"("stage", "lastActivityAt");

-- CreateIndex
CREATE INDEX "Participant_orgId_idx" ON "Participant"("orgId");

-- CreateIndex
CREATE INDEX "RoleChange_dealId_changedAt_idx" ON "RoleChange"("dealId", "changedAt");

-- CreateIndex
CREATE INDEX "StageChange_dealId_changedAt_idx" ON "StageChange"("dealId", "changedAt");

-- CreateIndex
CREATE INDEX "StageChange_changedAt_idx" ON "StageChange"("changedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Touchpoint_idempotencyKey_key" ON "Touchpoint"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Touchpoint_dealId_occurredAt_idx" ON "Touchpoint"("dealId", "occurredAt");

-- CreateIndex
CREATE INDEX "Touchpoint_occurredAt_idx" ON "Touchpoint"("occurredAt");

-- CreateIndex
CREATE UNIQUE INDEX "Ask_idempotencyKey_key" ON "Ask"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Ask_status_dueAt_idx" ON "Ask"("status", "dueAt");

-- CreateIndex
CREATE INDEX "Ask_ownerUserId_status_idx" ON "Ask"("ownerUserId", "status");

-- CreateIndex
CREATE INDEX "Ask_dealId_status_idx" ON "Ask"("dealId", "status");

-- CreateIndex
CREATE INDEX "AttributionRecord_computedAt_idx" ON "AttributionRecord"("computedAt");

-- CreateIndex
CREATE UNIQUE INDEX "AttributionRecord_dealId_seq_key" ON "AttributionRecord"("dealId", "seq");

-- CreateIndex
CREATE INDEX "Dispute_dealId_idx" ON "Dispute"("dealId");

-- CreateIndex
CREATE INDEX "Dispute_status_idx" ON "Dispute"("status");

-- CreateIndex
CREATE UNIQUE INDEX "AccountList_orgId_status_key" ON "AccountList"("orgId", "status");

-- CreateIndex
CREATE INDEX "Account_domain_orgId_status_idx" ON "Account"("domain", "orgId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Account_listId_domain_key" ON "Account"("listId", "domain");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_dedupeKey_key" ON "OutboxMessage"("dedupeKey");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "JobRun_job_periodKey_key" ON "JobRun"("job", "periodKey");

-- CreateIndex
CREATE INDEX "AuditEvent_subject_idx" ON "AuditEvent"("subject");

-- AddForeignKey
ALTER TABLE "PairingMember" ADD CONSTRAINT "PairingMember_pairingId_fkey" FOREIGN KEY ("pairingId") REFERENCES "Pairing"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PairingMember" ADD CONSTRAINT "PairingMember_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Deal" ADD CONSTRAINT "Deal_pairingId_fkey" FOREIGN KEY ("pairingId") REFERENCES "Pairing"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Participant" ADD CONSTRAINT "Participant_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Participant" ADD CONSTRAINT "Participant_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoleChange" ADD CONSTRAINT "RoleChange_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StageChange" ADD CONSTRAINT "StageChange_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Touchpoint" ADD CONSTRAINT "Touchpoint_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Touchpoint" ADD CONSTRAINT "Touchpoint_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Ask" ADD CONSTRAINT "Ask_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AttributionRecord" ADD CONSTRAINT "AttributionRecord_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Dispute" ADD CONSTRAINT "Dispute_recordId_fkey" FOREIGN KEY ("recordId") REFERENCES "AttributionRecord"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Dispute" ADD CONSTRAINT "Dispute_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Dispute" ADD CONSTRAINT "Dispute_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountList" ADD CONSTRAINT "AccountList_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Account" ADD CONSTRAINT "Account_listId_fkey" FOREIGN KEY ("listId") REFERENCES "AccountList"("id") ON DELETE CASCADE ON UPDATE CASCADE;

