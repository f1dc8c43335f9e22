-- V006: the corrections in seq order (docs/lineage.md, "Stale outputs"). The ledger-wide stale-outputs list walks the
-- corrections (events with supersedes) backwards from the head and probes each one's superseded event in
-- ledger.lineage_edges. Without this index that walk read every event back to the 50th stale output: on the 10M demo
-- ledger, whose stale outputs are sparse, 4.4 million rows (20 s) for the first page. With it the walk reads only the
-- corrections, from the index (supersedes is included): 77,611 entries and as many edge probes, 0.44–0.65 s on a
-- loaded host. Non-unique: LedgerBulkLoad.SecondaryIndexes lists it, so `ledger seed` builds it once at the end.
-- On an existing ledger: one scan, about 15 s at 10M events.
CREATE INDEX IF NOT EXISTS events_corrections_idx ON ledger.events (seq) INCLUDE (supersedes) WHERE supersedes IS NOT NULL;
