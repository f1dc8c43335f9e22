-- Indexes for the admins' access-log browser (docs/access-log-review.md): each filter that can be
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
