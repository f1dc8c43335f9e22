-- EXPLAIN (ANALYZE, BUFFERS) of every query behind the issue-4 pages, as the portal sends them
-- (src/Portal.Data/Timeline/*.cs, src/Portal.Data/Projections/AsOfReplay.cs). Each plan should touch
-- O(page) or O(stream) rows — index scans with a LIMIT — never a scan of the whole ledger.
--
--   psql "$AUDITPORTAL_REPLICA_URL" -v type=account -v id=acc-000001 -v actor=svc:kyc -v prefix=acc-0001 \
--        -f benchmarks/portal-load/explain.sql
\set ON_ERROR_STOP on
\pset pager off

\echo '== timeline: head (unfiltered count = head stream_seq)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT coalesce(max(stream_seq), 0) FROM ledger.events WHERE stream_type = :'type' AND stream_id = :'id';

\echo '== timeline: first page, default order (stream_seq ASC), 50 + 1 rows'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT e.seq, e.stream_seq, e.event_id, e.occurred_at, e.recorded_at, e.actor, e.action, e.client_address, e.schema_version,
       e.payload, e.supersedes, e.lineage_inputs, e.rule_id, e.rule_version,
       ARRAY(SELECT s.event_id FROM ledger.events s WHERE s.supersedes = e.event_id ORDER BY s.seq) AS superseded_by
FROM ledger.events e WHERE e.stream_type = :'type' AND e.stream_id = :'id'
ORDER BY e.stream_seq ASC LIMIT 51;

\echo '== timeline: first page, newest first (stream_seq DESC)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT e.seq, e.stream_seq, e.payload,
       ARRAY(SELECT s.event_id FROM ledger.events s WHERE s.supersedes = e.event_id ORDER BY s.seq) AS superseded_by
FROM ledger.events e WHERE e.stream_type = :'type' AND e.stream_id = :'id'
ORDER BY e.stream_seq DESC LIMIT 51;

\echo '== timeline: first page by business time (order=business)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT e.seq, e.stream_seq, e.payload
FROM ledger.events e WHERE e.stream_type = :'type' AND e.stream_id = :'id'
ORDER BY e.occurred_at ASC, e.stream_seq ASC LIMIT 51;

\echo '== timeline: first page by system time, newest first (order=system&dir=desc)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT e.seq, e.stream_seq, e.payload
FROM ledger.events e WHERE e.stream_type = :'type' AND e.stream_id = :'id'
ORDER BY e.recorded_at DESC, e.stream_seq DESC LIMIT 51;

\echo '== timeline: proof badge, latest checkpoint'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT coalesce(max(size), 0) FROM ledger.checkpoints;

\echo '== as-of: the whole stream, in stream order (AsOfReplay)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT seq, stream_seq, event_id, occurred_at, recorded_at, actor, action, payload, supersedes
FROM ledger.events WHERE stream_type = :'type' AND stream_id = :'id' ORDER BY stream_seq;

\echo '== search by id: capped count (EntitySearch.FindStreamsAsync)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT count(*) FROM (SELECT 1 FROM ledger.events e WHERE e.stream_seq = 1 AND e.stream_type = :'type' AND e.stream_id = :'id' LIMIT 10001) m;

\echo '== search by id: the page'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT e.stream_type, e.stream_id, e.occurred_at, e.recorded_at, h.seq, h.stream_seq, h.recorded_at, h.action
FROM ledger.events e
CROSS JOIN LATERAL (
  SELECT x.seq, x.stream_seq, x.recorded_at, x.action FROM ledger.events x
  WHERE x.stream_type = e.stream_type AND x.stream_id = e.stream_id
  ORDER BY x.stream_seq DESC LIMIT 1) h
WHERE e.stream_seq = 1 AND e.stream_type = :'type' AND e.stream_id = :'id'
ORDER BY e.stream_type, e.stream_id LIMIT 51;

\echo '== entity list by type only: capped count'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT count(*) FROM (SELECT 1 FROM ledger.events e WHERE e.stream_seq = 1 AND e.stream_type = :'type' LIMIT 10001) m;

\echo '== entity list by type only: the page'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT e.stream_type, e.stream_id, h.seq, h.stream_seq
FROM ledger.events e
CROSS JOIN LATERAL (
  SELECT x.seq, x.stream_seq FROM ledger.events x
  WHERE x.stream_type = e.stream_type AND x.stream_id = e.stream_id
  ORDER BY x.stream_seq DESC LIMIT 1) h
WHERE e.stream_seq = 1 AND e.stream_type = :'type'
ORDER BY e.stream_type, e.stream_id LIMIT 51;

\echo '== search by id prefix (match=prefix): capped count'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT count(*) FROM (SELECT 1 FROM ledger.events e WHERE e.stream_seq = 1 AND e.stream_type = :'type' AND starts_with(e.stream_id, :'prefix') LIMIT 10001) m;

\echo '== search by actor: capped count (EntitySearch.FindEventsAsync)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT count(*) FROM (SELECT 1 FROM ledger.events e WHERE e.actor = :'actor' LIMIT 10001) m;

\echo '== search by actor: the page, newest first'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT e.seq, e.event_id, e.stream_type, e.stream_id, e.stream_seq, e.occurred_at, e.recorded_at, e.actor, e.action, e.payload, e.supersedes
FROM ledger.events e WHERE e.actor = :'actor'
ORDER BY e.seq DESC LIMIT 51;
