-- V001: the append-only ledger, its checkpoints and the erasable key store.
-- Applied by LedgerMigrator inside one transaction. {{writer}}, {{reader}} and {{key_eraser}} are
-- replaced with quoted role identifiers, so the same file serves the ledger database and the
-- portal's access-log database.

CREATE SCHEMA IF NOT EXISTS ledger;
REVOKE ALL ON SCHEMA ledger FROM PUBLIC;

CREATE TABLE ledger.events (
  seq bigint PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE,
  stream_type text NOT NULL,
  stream_id text NOT NULL,
  stream_seq bigint NOT NULL,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  client_address text NULL,
  schema_version int NOT NULL,
  payload text NOT NULL,
  supersedes uuid NULL,
  lineage_inputs uuid[] NULL,
  rule_id text NULL,
  rule_version text NULL,
  idempotency_key text NULL UNIQUE,
  prev_hash bytea NOT NULL,
  stream_prev_hash bytea NOT NULL,
  hash bytea NOT NULL,
  UNIQUE (stream_type, stream_id, stream_seq),
  CONSTRAINT events_seq_positive CHECK (seq >= 1),
  CONSTRAINT events_stream_seq_positive CHECK (stream_seq >= 1),
  CONSTRAINT events_schema_version_positive CHECK (schema_version >= 1),
  CONSTRAINT events_stream_id_not_empty CHECK (stream_type <> '' AND stream_id <> ''),
  CONSTRAINT events_lineage_complete CHECK (
    (lineage_inputs IS NULL) = (rule_id IS NULL) AND (rule_id IS NULL) = (rule_version IS NULL)),
  CONSTRAINT events_hash_sizes CHECK (
    octet_length(prev_hash) = 32 AND octet_length(stream_prev_hash) = 32 AND octet_length(hash) = 32)
);

COMMENT ON TABLE ledger.events IS
  'Append-only, hash-chained audit events (docs/ledger-format.md). payload is canonical JSON text, stored verbatim.';

-- Timeline and investigation access paths. (stream_type, stream_id, stream_seq) is covered by the
-- unique constraint; the others end in seq so results come back in ledger order.
CREATE INDEX events_actor_idx ON ledger.events (actor, seq);
CREATE INDEX events_action_idx ON ledger.events (action, seq);
CREATE INDEX events_occurred_at_idx ON ledger.events (occurred_at);
CREATE INDEX events_recorded_at_idx ON ledger.events (recorded_at);
CREATE INDEX events_supersedes_idx ON ledger.events (supersedes) WHERE supersedes IS NOT NULL;
CREATE INDEX events_lineage_inputs_idx ON ledger.events USING gin (lineage_inputs) WHERE lineage_inputs IS NOT NULL;

CREATE TABLE ledger.checkpoints (
  size bigint PRIMARY KEY,
  origin text NOT NULL,
  root_hash bytea NOT NULL,
  checkpoint_time timestamptz NOT NULL,
  text text NOT NULL,
  signature bytea NOT NULL,
  key_id text NOT NULL,
  CONSTRAINT checkpoints_size_positive CHECK (size >= 1),
  CONSTRAINT checkpoints_root_size CHECK (octet_length(root_hash) = 32)
);

COMMENT ON TABLE ledger.checkpoints IS
  'Signed tree heads (docs/ledger-format.md §5); text is the exact signed checkpoint text.';

-- Append-only enforcement for everyone, superusers included. Privileges already keep the roles
-- out; these triggers catch the owner and superusers too. Tampering needs an explicit
-- ALTER TABLE ... DISABLE TRIGGER ALL, which is itself visible in the server log.
CREATE FUNCTION ledger.reject_modification() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%.% is append-only: % is not allowed', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'restrict_violation',
          HINT = 'Corrections are new events that supersede earlier ones.';
END;
$$;

CREATE TRIGGER events_append_only_stmt
  BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger.events
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.reject_modification();
CREATE TRIGGER events_append_only_row
  BEFORE UPDATE OR DELETE ON ledger.events
  FOR EACH ROW EXECUTE FUNCTION ledger.reject_modification();
CREATE TRIGGER checkpoints_append_only_stmt
  BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger.checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.reject_modification();
CREATE TRIGGER checkpoints_append_only_row
  BEFORE UPDATE OR DELETE ON ledger.checkpoints
  FOR EACH ROW EXECUTE FUNCTION ledger.reject_modification();

-- Key store: per-subject AES keys, outside the hashed ledger. Deleting a key is crypto-shredding.
CREATE SCHEMA IF NOT EXISTS keystore;
REVOKE ALL ON SCHEMA keystore FROM PUBLIC;

CREATE TABLE keystore.subject_keys (
  subject_id text PRIMARY KEY,
  key bytea NOT NULL,
  created_at timestamptz NOT NULL,
  CONSTRAINT subject_keys_key_size CHECK (octet_length(key) = 32)
);

CREATE TABLE keystore.erasures (
  subject_id text PRIMARY KEY,
  erased_at timestamptz NOT NULL,
  erased_by text NOT NULL,
  reason text NOT NULL
);

-- A key is never changed (only created or destroyed); an erasure record is permanent.
CREATE TRIGGER subject_keys_no_update_stmt
  BEFORE UPDATE OR TRUNCATE ON keystore.subject_keys
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.reject_modification();
CREATE TRIGGER erasures_append_only_stmt
  BEFORE UPDATE OR DELETE OR TRUNCATE ON keystore.erasures
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.reject_modification();
CREATE TRIGGER erasures_append_only_row
  BEFORE UPDATE OR DELETE ON keystore.erasures
  FOR EACH ROW EXECUTE FUNCTION ledger.reject_modification();

-- An erased subject gets no new key: new personal data for them would be readable again.
CREATE FUNCTION keystore.reject_key_for_erased_subject() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  erased timestamptz;
BEGIN
  SELECT erased_at INTO erased FROM keystore.erasures WHERE subject_id = NEW.subject_id;
  IF FOUND THEN
    RAISE EXCEPTION 'subject % was erased at %: no new key is issued', NEW.subject_id, erased
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER subject_keys_not_erased
  BEFORE INSERT ON keystore.subject_keys
  FOR EACH ROW EXECUTE FUNCTION keystore.reject_key_for_erased_subject();

-- Privileges. Nobody is granted UPDATE, DELETE or TRUNCATE on the ledger.
REVOKE ALL ON ALL TABLES IN SCHEMA ledger FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA keystore FROM PUBLIC;
REVOKE ALL ON FUNCTION ledger.reject_modification() FROM PUBLIC;
REVOKE ALL ON FUNCTION keystore.reject_key_for_erased_subject() FROM PUBLIC;

GRANT USAGE ON SCHEMA ledger TO {{writer}}, {{reader}};
GRANT SELECT, INSERT ON ledger.events, ledger.checkpoints TO {{writer}};
GRANT SELECT ON ledger.events, ledger.checkpoints TO {{reader}};

GRANT USAGE ON SCHEMA keystore TO {{writer}}, {{reader}}, {{key_eraser}};
GRANT SELECT, INSERT ON keystore.subject_keys TO {{writer}};
GRANT SELECT ON keystore.subject_keys TO {{reader}};
GRANT SELECT, DELETE ON keystore.subject_keys TO {{key_eraser}};
GRANT SELECT ON keystore.erasures TO {{writer}}, {{reader}};
GRANT SELECT, INSERT ON keystore.erasures TO {{key_eraser}};
