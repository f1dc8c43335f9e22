-- V004: format 2 checkpoints (docs/ledger-format.md §4.1, §5). A checkpoint row of format 2 also holds
-- the stream-head commitment it signs and its C2SP signed note (with the Ed25519 signature); rows of
-- format 1 keep these NULL. Existing rows stay as they were signed.
ALTER TABLE ledger.checkpoints
  ADD COLUMN stream_heads_count bigint NULL,
  ADD COLUMN stream_heads_root bytea NULL,
  ADD COLUMN note text NULL,
  -- The Merkle frontier at size (the compact range's node hashes, largest subtree first): a new process
  -- continues the tree from the last checkpoint instead of rereading the ledger (`ledger checkpoint`).
  -- Not trusted: it is used only when it reproduces the row's signed root.
  ADD COLUMN frontier bytea NULL,
  ADD CONSTRAINT checkpoints_stream_heads_v2 CHECK (
    (stream_heads_count IS NULL) = (stream_heads_root IS NULL)
    AND (stream_heads_root IS NULL) = (note IS NULL)
    AND (stream_heads_count IS NULL OR stream_heads_count >= 0)
    AND (stream_heads_root IS NULL OR octet_length(stream_heads_root) = 32));
