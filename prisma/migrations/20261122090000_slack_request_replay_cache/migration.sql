-- CreateTable
CREATE TABLE "SlackRequestSeen" (
    "signature" TEXT NOT NULL,
    "timestamp" TIMESTAMP(3) NOT NULL,
    "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SlackRequestSeen_pkey" PRIMARY KEY ("signature")
);

-- CreateIndex
CREATE INDEX "SlackRequestSeen_timestamp_idx" ON "SlackRequestSeen"("timestamp");

