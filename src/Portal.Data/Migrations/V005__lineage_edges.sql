-- V005: forward lineage (docs/lineage.md). One row per lineage input of every derived event: "which events
-- used this one", keyset-paged by the output's seq, is then one B-tree range instead of a GIN bitmap over
-- every output that names the input (which has no order to page by).
--
-- It is derived from ledger.events.lineage_inputs and is no part of the ledger format or of any hash: the
-- verifier never reads it (it checks lineage from the events themselves). It is append-only like the
-- ledger (the same triggers): the appender writes an event's edges in the transaction that writes the
-- event (LedgerAppender.CopyRowsAsync, both the normal and the bulk path), so a committed event always has
-- them. This migration builds them for the events already in the ledger (one scan; ~1 s per million events).
-- The standby gets the table by replication. The same file also migrates the access-log database, whose
-- outcome entries name their request as their lineage input.

CREATE TABLE ledger.lineage_edges (
  input_id uuid NOT NULL,
  output_seq bigint NOT NULL,
  input_ord int NOT NULL,
  output_id uuid NOT NULL,
  -- output_id is included so the transitive walk (an output's own outputs) never visits ledger.events.
  PRIMARY KEY (input_id, output_seq, input_ord) INCLUDE (output_id),
  CONSTRAINT lineage_edges_positive CHECK (output_seq >= 1 AND input_ord >= 1)
);

COMMENT ON TABLE ledger.lineage_edges IS
  'Forward lineage (V005): input_id is lineage_inputs[input_ord] of the event with seq output_seq and event_id output_id. Derived, not hashed.';

CREATE TRIGGER lineage_edges_append_only_stmt
  BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger.lineage_edges
  FOR EACH STATEMENT EXECUTE FUNCTION ledger.reject_modification();
CREATE TRIGGER lineage_edges_append_only_row
  BEFORE UPDATE OR DELETE ON ledger.lineage_edges
  FOR EACH ROW EXECUTE FUNCTION ledger.reject_modification();

INSERT INTO ledger.lineage_edges (input_id, output_seq, input_ord, output_id)
SELECT i.input, e.seq, i.ord, e.event_id
FROM ledger.events e
CROSS JOIN LATERAL unnest(e.lineage_inputs) WITH ORDINALITY AS i(input, ord)
WHERE e.lineage_inputs IS NOT NULL;

REVOKE ALL ON ledger.lineage_edges FROM PUBLIC;
GRANT SELECT, INSERT ON ledger.lineage_edges TO {{writer}};
GRANT SELECT ON ledger.lineage_edges TO {{reader}};
