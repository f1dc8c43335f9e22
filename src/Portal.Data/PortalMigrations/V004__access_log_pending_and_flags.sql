-- The access-log review's own state in the portal database (docs/access-log-review.md).
--
-- 1. Pending markers: the seq of every request that has no outcome yet, so the browser's "outcome=pending" filter
--    reads the few pending requests instead of probing every request's outcome (an append-only log cannot index
--    "no outcome yet"). Kept by a trigger on the access log, in the writer's own transaction: a request inserts its
--    marker, its outcome removes it. A marker is a hint, never the truth: the reader re-checks every marked request
--    against the outcome join it uses everywhere, so a stale marker (an outcome that did not remove it, a seq reused
--    after a test emptied the log) can never show a request that has an outcome. Only a missing marker could hide a
--    pending request, which is why the trigger removes a marker only for an outcome the reader would join (same
--    stream, the request's idempotency key + '/outcome', lineage naming the request) and why this migration marks
--    the requests already logged without one, in the transaction that creates the trigger (which locks out writers).

CREATE TABLE portal.access_log_pending (
  seq bigint PRIMARY KEY);            -- a query.requested event of the access log (ledger.events.seq)

CREATE FUNCTION portal.track_access_log_pending() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NEW.action = 'query.requested' THEN
    INSERT INTO portal.access_log_pending (seq) VALUES (NEW.seq) ON CONFLICT DO NOTHING;
  ELSIF NEW.action IN ('query.completed', 'query.failed', 'query.refused') AND NEW.lineage_inputs IS NOT NULL THEN
    DELETE FROM portal.access_log_pending p
    USING ledger.events q
    WHERE q.event_id = NEW.lineage_inputs[1] AND p.seq = q.seq
      AND q.action = 'query.requested' AND q.stream_type = NEW.stream_type AND q.stream_id = NEW.stream_id
      AND NEW.idempotency_key = q.idempotency_key || '/outcome';
  END IF;
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION portal.track_access_log_pending() FROM PUBLIC;

CREATE TRIGGER access_log_pending_track
  AFTER INSERT ON ledger.events
  FOR EACH ROW WHEN (NEW.stream_type = 'user') EXECUTE FUNCTION portal.track_access_log_pending();

-- The requests logged before this migration that have no outcome (the reader's join, AccessLogReader.FromItems).
INSERT INTO portal.access_log_pending (seq)
SELECT r.seq FROM ledger.events r
WHERE r.stream_type = 'user' AND r.action = 'query.requested'
  AND NOT EXISTS (
    SELECT 1 FROM ledger.events c
    WHERE c.idempotency_key = r.idempotency_key || '/outcome'
      AND c.lineage_inputs @> ARRAY[r.event_id] AND c.stream_type = r.stream_type AND c.stream_id = r.stream_id
      AND c.action IN ('query.completed', 'query.failed', 'query.refused'));

-- Readers (the standby) read the markers; only the trigger writes them (the writer role has no privilege on them).
GRANT SELECT ON portal.access_log_pending TO {{reader}}, {{writer}};

-- 2. Anomaly flags (docs/access-log-review.md, "Anomaly flags"), persisted by the anomaly monitor: a restart resumes
--    from the watermark instead of evaluating the log again.
--    anomaly_flags: every flag raised, once (its key: rule, version, user, first entry; acknowledgements name it).
--    Append-only like the run registry. id orders the flags page (newest first) and is its keyset cursor.
CREATE TABLE portal.anomaly_flags (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  flag_key      text NOT NULL UNIQUE,
  rule_id       text NOT NULL,
  rule_version  integer NOT NULL,
  subject_id    text NOT NULL,
  flagged_at    timestamptz NOT NULL,   -- the request time of the entry that crossed the threshold
  explanation   text NOT NULL,
  entry_seqs    bigint[] NOT NULL CHECK (cardinality(entry_seqs) >= 1),
  raised_at     timestamptz NOT NULL);  -- when the monitor raised it
CREATE TRIGGER anomaly_flags_append_only BEFORE UPDATE OR DELETE ON portal.anomaly_flags
  FOR EACH ROW EXECUTE FUNCTION portal.reject_change();
CREATE TRIGGER anomaly_flags_no_truncate BEFORE TRUNCATE ON portal.anomaly_flags
  FOR EACH STATEMENT EXECUTE FUNCTION portal.reject_change();

--    anomaly_watermark: the monitor's resume point per rule configuration (rules_key: AnomalyEngine.ConfigurationKey, a
--    hash of the rules' ids, versions and thresholds): the last access-log seq evaluated and the rules' state after it
--    (AnomalyEngine.SaveState: per user a window or a day's counts). A state is only valid for the configuration that
--    built it, so a changed threshold starts a new row (BaselineDays back; flags raised again are the same keys).
--    Derived data, replaced as the monitor advances, never backwards (several portal instances may each run a monitor).
CREATE TABLE portal.anomaly_watermark (
  rules_key     text PRIMARY KEY,
  evaluated_seq bigint NOT NULL,
  evaluated_at  timestamptz NOT NULL,
  state         jsonb NOT NULL);

GRANT SELECT, INSERT ON portal.anomaly_flags TO {{writer}};
GRANT SELECT, INSERT, UPDATE ON portal.anomaly_watermark TO {{writer}};
GRANT SELECT ON portal.anomaly_flags, portal.anomaly_watermark TO {{reader}};
