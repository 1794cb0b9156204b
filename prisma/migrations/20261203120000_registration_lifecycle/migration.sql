-- The registration lifecycle (README "Registration lifecycle"): review, protection, expiry,
-- extensions, decided conflicts, house accounts.

CREATE TYPE "RegistrationStatus" AS ENUM ('SUBMITTED', 'APPROVED', 'REJECTED', 'RETURNED', 'EXPIRED');

-- Deals registered before the lifecycle existed count as approved, protected while open
-- ("protectedUntil" NULL): nothing expires or asks for review on upgrade.
ALTER TABLE "Deal"
  ADD COLUMN "registrationStatus" "RegistrationStatus" NOT NULL DEFAULT 'APPROVED',
  ADD COLUMN "reviewRound" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "submittedAt" TIMESTAMP(3),
  ADD COLUMN "reviewDueAt" TIMESTAMP(3),
  ADD COLUMN "reviewRemindedAt" TIMESTAMP(3),
  ADD COLUMN "decidedAt" TIMESTAMP(3),
  ADD COLUMN "decidedBy" TEXT,
  ADD COLUMN "decisionReason" TEXT,
  ADD COLUMN "decisionNote" TEXT,
  ADD COLUMN "registrantNote" TEXT,
  ADD COLUMN "autoApproved" BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN "conflictException" BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN "conflictWithDirectDealId" TEXT,
  ADD COLUMN "approvedAt" TIMESTAMP(3),
  ADD COLUMN "protectedUntil" TIMESTAMP(3),
  ADD COLUMN "extensionsUsed" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "extensionRequestedAt" TIMESTAMP(3),
  ADD COLUMN "extensionRequestedBy" TEXT,
  ADD COLUMN "warnedForUntil" TIMESTAMP(3),
  ADD COLUMN "expiredAt" TIMESTAMP(3),
  ADD COLUMN "expiryReason" TEXT;

CREATE INDEX "Deal_registrationStatus_submittedAt_idx" ON "Deal"("registrationStatus", "submittedAt");
CREATE INDEX "Deal_registrationStatus_protectedUntil_idx" ON "Deal"("registrationStatus", "protectedUntil");

ALTER TABLE "Program"
  ADD COLUMN "protectionDays" INTEGER NOT NULL DEFAULT 90,
  ADD COLUMN "protectionWarnDays" INTEGER NOT NULL DEFAULT 14,
  ADD COLUMN "extensionDays" INTEGER NOT NULL DEFAULT 30,
  ADD COLUMN "maxExtensions" INTEGER NOT NULL DEFAULT 2,
  ADD COLUMN "approvalSlaHours" INTEGER NOT NULL DEFAULT 48,
  ADD COLUMN "autoApproveInternal" BOOLEAN NOT NULL DEFAULT true,
  ADD COLUMN "autoApproveMaxAmount" BIGINT;

-- Each admin's review DM, so a decision updates every copy in place.
CREATE TABLE "RegistrationReviewMessage" (
    "dealId" TEXT NOT NULL,
    "admin" TEXT NOT NULL,
    "round" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "ts" TEXT NOT NULL,
    CONSTRAINT "RegistrationReviewMessage_pkey" PRIMARY KEY ("dealId", "admin"),
    CONSTRAINT "RegistrationReviewMessage_dealId_fkey" FOREIGN KEY ("dealId") REFERENCES "Deal"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- House accounts: our own direct deals (no partner), registered by our reps or imported.
CREATE TABLE "DirectDeal" (
    "id" TEXT NOT NULL,
    "accountName" TEXT NOT NULL,
    "accountDomain" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "ownerUserId" TEXT NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'slack',
    "externalId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMP(3),
    CONSTRAINT "DirectDeal_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "DirectDeal_externalId_key" ON "DirectDeal"("externalId");
CREATE INDEX "DirectDeal_accountDomain_closedAt_idx" ON "DirectDeal"("accountDomain", "closedAt");
