-- Account-map views (docs/account-mapping.md): churned customers flagged at re-import, the new
-- overlaps one import added (Pick 5 to pursue), and intro requests kept for the QBR.

CREATE TABLE "ChurnedAccount" (
  "id" TEXT NOT NULL,
  "orgId" TEXT NOT NULL,
  "domain" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "arrMinor" BIGINT,
  "churnedAt" TIMESTAMP(3) NOT NULL,
  CONSTRAINT "ChurnedAccount_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "ChurnedAccount_orgId_domain_key" ON "ChurnedAccount"("orgId", "domain");
CREATE INDEX "ChurnedAccount_churnedAt_idx" ON "ChurnedAccount"("churnedAt");
ALTER TABLE "ChurnedAccount" ADD CONSTRAINT "ChurnedAccount_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "OverlapAlert" (
  "id" TEXT NOT NULL,
  "partnerOrgId" TEXT NOT NULL,
  "pairingId" TEXT NOT NULL,
  "importedOrgId" TEXT NOT NULL,
  "importedBy" TEXT NOT NULL,
  "domains" TEXT[],
  "counts" JSONB NOT NULL,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "OverlapAlert_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "OverlapAlert_pairingId_createdAt_idx" ON "OverlapAlert"("pairingId", "createdAt");

CREATE TABLE "IntroRequest" (
  "id" TEXT NOT NULL,
  "partnerOrgId" TEXT NOT NULL,
  "domain" TEXT NOT NULL,
  "accountName" TEXT NOT NULL,
  "requestedBy" TEXT NOT NULL,
  "requesterOrgId" TEXT,
  "source" TEXT NOT NULL,
  "askId" TEXT,
  "key" TEXT NOT NULL,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "IntroRequest_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "IntroRequest_key_key" ON "IntroRequest"("key");
CREATE INDEX "IntroRequest_partnerOrgId_createdAt_idx" ON "IntroRequest"("partnerOrgId", "createdAt");
