-- A pairing's own 90-day targets (QBR "next quarter's targets"; null = the defaults).
ALTER TABLE "Pairing"
  ADD COLUMN "targetRegistrations" INTEGER,
  ADD COLUMN "targetActiveDeals" INTEGER;
