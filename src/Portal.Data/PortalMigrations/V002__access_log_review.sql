-- The admins' access-log review (docs/access-log-review.md). First, indexes for the browser: each filter that can be
-- selective gets a partial index over the requests, ending in seq, so "newest first, this value"
-- is one backward index scan that stops after a page (keyset paging on seq). The expressions are
-- exactly those AccessLogReader's filter writes; change both together.
-- User (stream_id) uses the stream index, outcome the (action, seq) index, the time window
-- the occurred_at index; role is not selective (three values) and is filtered on the way.
-- Applied to the portal database, whose ledger.events is the access log.

CREATE INDEX IF NOT EXISTS accesslog_kind_idx ON ledger.events (((payload::jsonb ->> 'kind')), seq)
  WHERE stream_type = 'user' AND action = 'query.requested';

CREATE INDEX IF NOT EXISTS accesslog_case_idx ON ledger.events (((payload::jsonb ->> 'case')), seq)
  WHERE stream_type = 'user' AND action = 'query.requested' AND (payload::jsonb ->> 'case') IS NOT NULL;

CREATE INDEX IF NOT EXISTS accesslog_client_idx ON ledger.events (client_address, seq)
  WHERE stream_type = 'user' AND action = 'query.requested';

-- The run registry also holds verification runs of the access log itself (scope 'accesslog', the whole access
-- log; docs/access-log-review.md). The ledger's last full pass, verified heads and open findings are of scope
-- 'whole' and of ledger runs only, so the two logs' results never mix.
ALTER TABLE portal.verification_runs DROP CONSTRAINT verification_runs_scope_check;
ALTER TABLE portal.verification_runs ADD CONSTRAINT verification_runs_scope_check
  CHECK (scope IN ('whole', 'range', 'stream', 'accesslog'));
