-- Access paths of the timeline pages that stay O(page) or O(stream) on a 10M-event ledger
-- (docs/timeline.md, "Indexes for a large ledger"; plans checked with benchmarks/portal-load/explain.sql).
-- All non-unique: LedgerBulkLoad.SecondaryIndexes lists them, so `ledger seed` builds them once at the end.
-- On an existing ledger this migration builds them in one transaction, which blocks appends meanwhile
-- (about a minute at 10M events).

-- Timeline ordered by business or system time (order=business|system, either direction, keyset on
-- (key, stream_seq)). Without them the page either sorts the whole stream or walks the global
-- occurred_at / recorded_at index until 51 rows of this stream turn up — O(ledger) for a small stream.
CREATE INDEX events_stream_occurred_idx ON ledger.events (stream_type, stream_id, occurred_at, stream_seq);
CREATE INDEX events_stream_recorded_idx ON ledger.events (stream_type, stream_id, recorded_at, stream_seq);

-- Entity search (EntitySearch.FindStreamsAsync finds each stream through its first event): one row per
-- stream instead of every event of every stream. The first serves listing by type, ordered by
-- (stream_type, stream_id) in the database collation, and the capped count; the second serves
-- starts_with(stream_id, …) prefix search under any collation (text_pattern_ops compares bytes).
CREATE INDEX events_stream_first_idx ON ledger.events (stream_type, stream_id) WHERE stream_seq = 1;
CREATE INDEX events_stream_first_prefix_idx ON ledger.events (stream_type, stream_id text_pattern_ops) WHERE stream_seq = 1;
