-- The SLA sweep reads open asks that are due and not yet escalated. A partial index keeps the
-- cost of a sweep proportional to those asks, not to every open ask. Prisma's schema language
-- cannot express partial indexes, so this one lives only here (see the note on model Ask).
CREATE INDEX IF NOT EXISTS "Ask_sweep_due_idx" ON "Ask" ("dueAt") WHERE "status" = 'OPEN' AND "alertLevel" < 2;
