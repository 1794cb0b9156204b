-- Weekly check-ins (docs/digests.md "Check-ins"): the program's settings, one round per pairing
-- and digest week, who was asked, and their answers.

ALTER TABLE "Program"
  ADD COLUMN "checkInQuestions" JSONB,
  ADD COLUMN "checkInAudience" TEXT NOT NULL DEFAULT 'ALL',
  ADD COLUMN "checkInHour" INTEGER NOT NULL DEFAULT 14;

CREATE TABLE "CheckInRound" (
  "id" TEXT NOT NULL,
  "pairingId" TEXT NOT NULL,
  "week" TEXT NOT NULL,
  "digestAt" TIMESTAMP(3) NOT NULL,
  "questions" JSONB NOT NULL,
  "promptedAt" TIMESTAMP(3) NOT NULL,
  "remindedAt" TIMESTAMP(3),
  "closedAt" TIMESTAMP(3),
  CONSTRAINT "CheckInRound_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "CheckInRound_pairingId_week_key" ON "CheckInRound"("pairingId", "week");

CREATE TABLE "CheckInInvite" (
  "id" TEXT NOT NULL,
  "roundId" TEXT NOT NULL,
  "userId" TEXT NOT NULL,
  "orgId" TEXT NOT NULL,
  CONSTRAINT "CheckInInvite_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "CheckInInvite_roundId_userId_key" ON "CheckInInvite"("roundId", "userId");
ALTER TABLE "CheckInInvite" ADD CONSTRAINT "CheckInInvite_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "CheckInRound"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "CheckInAnswer" (
  "id" TEXT NOT NULL,
  "roundId" TEXT NOT NULL,
  "userId" TEXT NOT NULL,
  "orgId" TEXT,
  "dealId" TEXT,
  "moved" TEXT NOT NULL DEFAULT '',
  "blocked" TEXT NOT NULL DEFAULT '',
  "blockerUserId" TEXT,
  "introAccount" TEXT NOT NULL DEFAULT '',
  "blockerAskId" TEXT,
  "introAskId" TEXT,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updatedAt" TIMESTAMP(3) NOT NULL,
  CONSTRAINT "CheckInAnswer_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "CheckInAnswer_roundId_userId_key" ON "CheckInAnswer"("roundId", "userId");
ALTER TABLE "CheckInAnswer" ADD CONSTRAINT "CheckInAnswer_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "CheckInRound"("id") ON DELETE CASCADE ON UPDATE CASCADE;
