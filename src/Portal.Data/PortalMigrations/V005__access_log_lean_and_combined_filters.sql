-- The access log at 10M entries (docs/access-log-review.md, "Indexes"; docs/performance.md), portal database.
--
-- 1. The access log does not carry the ledger's text search. Its ledger.events comes from the ledger's migrations, so it
--    got V003's generated column search_text (every appended row parses its payload to compute it) and the GIN trigram
--    index over it, the largest index to maintain. Nothing reads them here: text search (q=, EntitySearch) runs on the
--    ledger database only, and the access-log reader, the export, the anomaly monitor and the verifier never name the
--    column (the verifier hashes the record's own columns). Dropping a column is a catalog change (no rewrite); rows
--    appended afterwards store nothing for it. The ledger database keeps both: this migration never runs there.
--    A later LEDGER migration that names search_text must therefore not assume it on the access log
--    (LedgerBulkLoad.RestoreAsync already skips the trigram index where the column is absent).
ALTER TABLE ledger.events DROP COLUMN IF EXISTS search_text; -- drops events_search_text_idx with it

-- 2. A user's failed and refused queries: the outcome events of one user by action, newest first, so the floor of a
--    rare outcome combined with a user (AccessLogReader.OutcomeFloorAsync) walks that user's failures or refusals, never
--    more than the user's requests (before: every one of the user's requests walked, each outcome probed). Small: only
--    the rare outcomes are in it.
CREATE INDEX IF NOT EXISTS accesslog_user_rare_outcome_idx ON ledger.events (stream_id, action, seq)
  WHERE stream_type = 'user' AND action IN ('query.failed', 'query.refused');

-- 3. A case's requests by request time: a case + time window page (with or without a role, which is checked on the row)
--    reads the case's requests inside the window by one range scan and keeps the newest, instead of walking the case's
--    requests newest first from the log's head past all those newer than the window (a window far back or holding too
--    many requests for AccessLogReader.WindowBoundsAsync). The expression is exactly the case filter's (V002's
--    accesslog_case_idx); seq ends the key so the page's seqs come from the index.
CREATE INDEX IF NOT EXISTS accesslog_case_requested_at_idx ON ledger.events (((payload::jsonb ->> 'case')), occurred_at, seq)
  WHERE stream_type = 'user' AND action = 'query.requested' AND (payload::jsonb ->> 'case') IS NOT NULL;
