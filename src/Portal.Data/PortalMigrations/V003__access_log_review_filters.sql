-- The access-log browser's slow filters (docs/access-log-review.md, "Indexes"), portal database.
--
-- Role: one partial index per portal role over the requests, in seq order, so "newest first, this role" is one
-- backward index scan that stops after a page. The predicate is exactly the one AccessLogReader writes for these
-- three roles (a literal, so the planner can match it); any other role is filtered on the way, as before.
CREATE INDEX IF NOT EXISTS accesslog_role_admin_idx ON ledger.events (seq)
  WHERE stream_type = 'user' AND action = 'query.requested' AND (payload::jsonb -> 'roles') @> '["admin"]'::jsonb;
CREATE INDEX IF NOT EXISTS accesslog_role_auditor_idx ON ledger.events (seq)
  WHERE stream_type = 'user' AND action = 'query.requested' AND (payload::jsonb -> 'roles') @> '["auditor"]'::jsonb;
CREATE INDEX IF NOT EXISTS accesslog_role_investigator_idx ON ledger.events (seq)
  WHERE stream_type = 'user' AND action = 'query.requested' AND (payload::jsonb -> 'roles') @> '["investigator"]'::jsonb;

-- The time window: the requests by request time with their seq, so the reader can find a small window's exact seq
-- bounds with an index-only range scan before it walks the requests newest first (a far-back window no longer
-- walks every request after it).
CREATE INDEX IF NOT EXISTS accesslog_requested_at_idx ON ledger.events (occurred_at, seq)
  WHERE stream_type = 'user' AND action = 'query.requested';
