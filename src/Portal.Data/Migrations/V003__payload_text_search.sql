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
-- The text is stored once per event, in the generated column search_text (computed when the row is written,
-- never by a caller): a search then tests a stored string instead of parsing the payload again — the page's
-- capped match count reads up to 10,000 matching rows. It is derived from the payload, so it is no part of the
-- ledger format or of any hash; adding it rewrites the table once (minutes at 10M events, under ledger init's lock).
--
-- pg_trgm comes with PostgreSQL (Debian's postgresql-15 package ships the contrib modules) and is a trusted
-- extension. The GIN trigram index serves `search_text ILIKE '%…%'`. The standby gets the column and the index
-- by replication. LedgerBulkLoad.SecondaryIndexes lists the index, so `ledger seed` builds it once at the end.
-- The same file also migrates the portal's access-log database, whose entries then have the same search text.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION ledger.payload_text(payload text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN (SELECT string_agg(v #>> '{}', E'\x1f')
          FROM jsonb_path_query(payload::jsonb,
                 'lax $.** ? (@.type() == "object" && !exists(@.enc)).* ? (@.type() == "string")') AS v);

COMMENT ON FUNCTION ledger.payload_text(text) IS
  'Searchable text of a payload: its string values outside personal-data envelopes, joined with U+001F (V003).';

GRANT EXECUTE ON FUNCTION ledger.payload_text(text) TO {{reader}};

ALTER TABLE ledger.events ADD COLUMN search_text text GENERATED ALWAYS AS (ledger.payload_text(payload)) STORED;

COMMENT ON COLUMN ledger.events.search_text IS
  'ledger.payload_text(payload): what text search (q=) matches; derived, not hashed (V003).';

CREATE INDEX events_search_text_idx ON ledger.events USING gin (search_text gin_trgm_ops);
