-- Incentives (README "Incentives"): the registration-timing ladder frozen on each deal, partner
-- tiers, payout lines with a status, the quarterly co-sell bonus and tier proposals.

CREATE TYPE "TimingTier" AS ENUM ('EARLY', 'AFTER_FIRST_MEETING', 'LATE_STAGE', 'UNREGISTERED');
CREATE TYPE "PartnerTier" AS ENUM ('PLATINUM', 'GOLD', 'SILVER', 'INACTIVE');
CREATE TYPE "PayoutStatus" AS ENUM ('PENDING', 'APPROVED', 'PAID', 'VOID');
CREATE TYPE "PayoutKind" AS ENUM ('COMMISSION', 'UPLIFT', 'BONUS');

-- Deals registered before incentives have no timing tier; their config versions are fixed-rate.
ALTER TABLE "Deal"
  ADD COLUMN "timingDeclared" TEXT,
  ADD COLUMN "stageAtRegistration" "Stage",
  ADD COLUMN "claimedAfterClose" BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN "timingTier" "TimingTier",
  ADD COLUMN "timingReason" TEXT;

ALTER TABLE "Organization"
  ADD COLUMN "partnerTier" "PartnerTier" NOT NULL DEFAULT 'INACTIVE',
  ADD COLUMN "tierSince" TIMESTAMP(3);

CREATE TABLE "PayoutLine" (
  "id" TEXT NOT NULL,
  "orgId" TEXT NOT NULL,
  "dealId" TEXT,
  "recordId" TEXT,
  "bonusId" TEXT,
  "kind" "PayoutKind" NOT NULL,
  "label" TEXT NOT NULL,
  "amountMinor" BIGINT NOT NULL,
  "currency" TEXT NOT NULL,
  "coSell" BOOLEAN NOT NULL,
  "earnedAt" TIMESTAMP(3) NOT NULL,
  "wonAt" TIMESTAMP(3),
  "status" "PayoutStatus" NOT NULL DEFAULT 'PENDING',
  "approvedAt" TIMESTAMP(3),
  "approvedBy" TEXT,
  "paidAt" TIMESTAMP(3),
  "paidBy" TEXT,
  "reference" TEXT,
  "voidedAt" TIMESTAMP(3),
  "voidReason" TEXT,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "PayoutLine_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "PayoutLine_earnedAt_idx" ON "PayoutLine"("earnedAt");
CREATE INDEX "PayoutLine_dealId_idx" ON "PayoutLine"("dealId");
CREATE INDEX "PayoutLine_recordId_idx" ON "PayoutLine"("recordId");
CREATE INDEX "PayoutLine_status_paidAt_idx" ON "PayoutLine"("status", "paidAt");
ALTER TABLE "PayoutLine" ADD CONSTRAINT "PayoutLine_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "CoSellBonus" (
  "id" TEXT NOT NULL,
  "orgId" TEXT NOT NULL,
  "quarter" TEXT NOT NULL,
  "wins" INTEGER NOT NULL,
  "kind" TEXT NOT NULL,
  "amountMinor" BIGINT,
  "upliftBp" INTEGER,
  "upliftQuarter" TEXT,
  "awardedAt" TIMESTAMP(3) NOT NULL,
  CONSTRAINT "CoSellBonus_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "CoSellBonus_orgId_quarter_key" ON "CoSellBonus"("orgId", "quarter");
CREATE INDEX "CoSellBonus_upliftQuarter_idx" ON "CoSellBonus"("upliftQuarter");

CREATE TABLE "TierProposal" (
  "id" TEXT NOT NULL,
  "orgId" TEXT NOT NULL,
  "quarter" TEXT NOT NULL,
  "fromTier" "PartnerTier" NOT NULL,
  "toTier" "PartnerTier" NOT NULL,
  "revenueMinor" BIGINT NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'PENDING',
  "decidedBy" TEXT,
  "decidedAt" TIMESTAMP(3),
  "createdAt" TIMESTAMP(3) NOT NULL,
  CONSTRAINT "TierProposal_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "TierProposal_orgId_quarter_key" ON "TierProposal"("orgId", "quarter");
