-- The portal database's own tables (not the ledger's): the registry of verification runs.
-- Applied by PortalMigrator after the access-log migrations; {{writer}} is the portal's
-- connection role on the portal database (accesslog_writer), {{reader}} its read-only role.
-- Every table is append-only: a run's state is its terminal status event; a portal that stops
-- gracefully writes 'interrupted', and a run without a terminal event whose heartbeat stopped
-- (the process died) is shown as interrupted too.

CREATE SCHEMA IF NOT EXISTS portal;

CREATE TABLE portal.verification_runs (
  id            uuid PRIMARY KEY,
  scope         text NOT NULL CHECK (scope IN ('whole', 'range', 'stream')),
  range_from    bigint,
  range_to      bigint,
  stream_type   text,
  stream_id     text,
  started_by    text NOT NULL,          -- OIDC subject, or system:<service>
  started_by_name text NOT NULL,
  started_at    timestamptz NOT NULL,
  instance      text NOT NULL,          -- the portal process running it
  access_log_seq bigint,                -- the access-log entry of the start
  CHECK (scope <> 'range' OR (range_from IS NOT NULL AND range_to IS NOT NULL AND range_from <= range_to)),
  CHECK (scope <> 'stream' OR (stream_type IS NOT NULL AND stream_id IS NOT NULL)));
CREATE INDEX verification_runs_started ON portal.verification_runs (started_at DESC);

CREATE TABLE portal.verification_run_findings (
  run_id      uuid NOT NULL REFERENCES portal.verification_runs (id),
  ordinal     integer NOT NULL,         -- 1, 2, … in the order found
  kind        text NOT NULL,
  seq         bigint,
  stream_type text,
  stream_id   text,
  stream_seq  bigint,
  expected    text NOT NULL,
  actual      text NOT NULL,
  message     text NOT NULL,
  found_at    timestamptz NOT NULL,
  PRIMARY KEY (run_id, ordinal));

CREATE TABLE portal.verification_run_events (
  run_id          uuid NOT NULL REFERENCES portal.verification_runs (id),
  status          text NOT NULL CHECK (status IN ('started', 'completed', 'cancelled', 'failed', 'interrupted')),
  at              timestamptz NOT NULL,
  rows_done       bigint,
  rows_per_second double precision,
  head_seq        bigint,
  head_hash       text,
  root            text,
  total_findings  bigint,
  actor           text,                 -- who cancelled
  error           text,
  PRIMARY KEY (run_id, status));
-- At most one terminal event per run.
CREATE UNIQUE INDEX verification_run_events_terminal ON portal.verification_run_events (run_id) WHERE status <> 'started';

CREATE TABLE portal.verification_run_heartbeats (
  run_id          uuid NOT NULL REFERENCES portal.verification_runs (id),
  at              timestamptz NOT NULL,
  rows_done       bigint NOT NULL,
  current_seq     bigint NOT NULL,
  rows_per_second double precision NOT NULL,
  findings        bigint NOT NULL);
CREATE INDEX verification_run_heartbeats_run ON portal.verification_run_heartbeats (run_id, at DESC);

-- The continuous verifier's verified head: one row per pass that advanced it.
CREATE TABLE portal.verified_heads (
  at          timestamptz NOT NULL,
  head_seq    bigint NOT NULL,
  head_hash   text NOT NULL,
  run_id      uuid REFERENCES portal.verification_runs (id), -- the run that verified it (a full pass, or an incremental one with findings)
  findings    bigint NOT NULL);
CREATE INDEX verified_heads_at ON portal.verified_heads (at DESC);

CREATE FUNCTION portal.reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'portal.% is append-only: % rejected', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

DO $do$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['verification_runs', 'verification_run_findings', 'verification_run_events',
                           'verification_run_heartbeats', 'verified_heads'] LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON portal.%I FOR EACH ROW EXECUTE FUNCTION portal.reject_change()', t || '_append_only', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON portal.%I FOR EACH STATEMENT EXECUTE FUNCTION portal.reject_change()', t || '_no_truncate', t);
  END LOOP;
END $do$;

GRANT USAGE ON SCHEMA portal TO {{writer}}, {{reader}};
GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA portal TO {{writer}};
GRANT SELECT ON ALL TABLES IN SCHEMA portal TO {{reader}};
REVOKE ALL ON portal.schema_migrations FROM {{writer}}, {{reader}};
