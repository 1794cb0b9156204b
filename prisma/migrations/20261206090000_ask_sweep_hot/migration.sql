-- The SLA sweep raises an ask's alertLevel (0 → 1 → 2). When no indexed column changes, Postgres
-- updates the row in place on its page (a HOT update) instead of adding an entry to each of the
-- table's six indexes: on 50,000 asks falling due at once, 2.0 s → 1.0 s. That needs
--   - alertLevel out of every index, including the partial index's predicate: the sweep index
--     now holds every open ask by due time (the query still skips the escalated ones). The
--     price: an escalated ask nobody closes stays in the index and is stepped past at each pass
--     (a few microseconds each; asks left open on closed deals already were, before);
--   - room on the page for the new version: fillfactor 85 (rows written from now on; existing
--     pages get room as VACUUM frees the old versions of updated rows).
ALTER TABLE "Ask" SET (fillfactor = 85);
DROP INDEX IF EXISTS "Ask_sweep_due_idx";
CREATE INDEX "Ask_sweep_due_idx" ON "Ask" ("dueAt") WHERE "status" = 'OPEN';
