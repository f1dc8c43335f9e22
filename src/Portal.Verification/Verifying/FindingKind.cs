namespace AuditPortal.Verification.Verifying;

/// <summary>
/// What a verifier found. The numeric order is the order findings of one sequence number are
/// listed in (the order in which the checks run on a row).
/// </summary>
public enum FindingKind
{
    /// <summary>The row's stored hash is not the leaf hash of its fields: a field was modified.</summary>
    HashMismatch,

    /// <summary>A global sequence number is missing (rows deleted).</summary>
    GlobalSequenceGap,

    /// <summary>A sequence goes backwards: global seq not increasing, or a stream_seq lower than the stream's previous one.</summary>
    Reordered,

    /// <summary>The same seq twice, the same (stream, stream_seq) twice, or the same event_id twice.</summary>
    Duplicate,

    /// <summary>prev_hash is not the stored hash of the row before.</summary>
    GlobalChainBroken,

    /// <summary>A stream_seq is missing in a stream (or the stream does not start at 1).</summary>
    StreamSequenceGap,

    /// <summary>stream_prev_hash is not the stored hash of the stream's previous event.</summary>
    StreamChainBroken,

    /// <summary>A checkpoint (from the table or the witness) does not carry a valid signature by the checkpoint key.</summary>
    CheckpointSignatureInvalid,

    /// <summary>The checkpoint table has a checkpoint the witness lacks.</summary>
    CheckpointMissingFromWitness,

    /// <summary>The witness has a checkpoint the checkpoint table lacks (or a witness file is unreadable).</summary>
    WitnessNotInLedger,

    /// <summary>The checkpoint table's root at a size is not the tree root recomputed from the rows.</summary>
    CheckpointRootMismatch,

    /// <summary>The witness's root at a size is not the ledger's root: history was rewritten (e.g. truncated and reforged).</summary>
    WitnessMismatch,

    /// <summary>A checkpoint's (table or witness) stream-head commitment is not the stream-head tree of the ledger's
    /// first size rows: a stream's head was hidden, moved or forged (docs/ledger-format.md §4.1).</summary>
    StreamHeadsMismatch,

    /// <summary>The ledger holds fewer events than a checkpoint or witness commits to.</summary>
    HeadTruncated,

    /// <summary>The head of a stream is not included in the latest checkpoint.</summary>
    StreamHeadNotIncluded,

    /// <summary>A supersedes reference names no event.</summary>
    DanglingSupersedes,

    /// <summary>A lineage input names no event.</summary>
    DanglingLineageInput,

    /// <summary>A lineage input names an event recorded after its output (a higher seq): an output cannot use what did not exist yet.</summary>
    LineageInputAfterOutput,

    /// <summary>A lineage input was itself derived by a rule version the verifying code does not have, so it cannot be replayed.</summary>
    LineageInputUnknownRule,
}
