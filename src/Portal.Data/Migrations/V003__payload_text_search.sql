-- V003: an index for payload text search (EntitySearch, q=), so it no longer parses every payload it reaches
-- (~3 s per search on the 200,000-event demo ledger; docs/timeline.md, "Text search").
--
-- ledger.payload_text(payload) is the text a caller may search: the string values of every object of the
-- payload that is not a personal-data envelope (no "enc" member), and the strings of arrays that are such a
-- member's value — exactly the strings the jsonpath below selects. Envelopes are never selected, so neither
-- their base64 nor their subject ids are indexed, and the clear personal values are not in the ledger at all
-- (docs/ledger-format.md §7). The strings are joined with U+001F, a control character a search text may not
-- contain (LedgerName.IsPlainText), so a substring match of the joined text is a match inside one value.
--
-- pg_trgm comes with PostgreSQL (Debian's postgresql-15 package ships the contrib modules) and is a trusted
-- extension. The GIN trigram index serves `ledger.payload_text(payload) ILIKE '%…%'`. The standby gets the
-- function and the index by replication. LedgerBulkLoad.SecondaryIndexes lists the index, so `ledger seed`
-- builds it once at the end. The same file also migrates the portal's access-log database, whose entries
-- then have the same search path.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION ledger.payload_text(payload text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN (SELECT string_agg(v #>> '{}', E'\x1f')
          FROM jsonb_path_query(payload::jsonb,
                 'lax $.** ? (@.type() == "object" && !exists(@.enc)).* ? (@.type() == "string")') AS v);

COMMENT ON FUNCTION ledger.payload_text(text) IS
  'Searchable text of a payload: its string values outside personal-data envelopes, joined with U+001F (V003).';

GRANT EXECUTE ON FUNCTION ledger.payload_text(text) TO {{reader}};

CREATE INDEX events_payload_text_idx ON ledger.events USING gin (ledger.payload_text(payload) gin_trgm_ops);
