using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.StreamHeads;

namespace AuditPortal.Verification.Verifying;

/// <summary>What a <see cref="LedgerVerifier"/> checks rows against.</summary>
public sealed record LedgerVerifierOptions
{
    /// <summary>The first seq the run expects (the start of the range being verified).</summary>
    public long FirstSeq { get; init; } = 1;

    /// <summary>
    /// Stored hash of the row <c>FirstSeq − 1</c>; the first row's prev_hash must equal it. Implicitly
    /// 64 zero hex digits when <see cref="FirstSeq"/> is 1. When null for a later start, the first
    /// row's global link is not checked.
    /// </summary>
    public byte[]? PredecessorHash { get; init; }

    /// <summary>Checkpoints from the checkpoint table; each root is compared when the run reaches its size.</summary>
    public IReadOnlyList<SignedCheckpoint> Checkpoints { get; init; } = [];

    /// <summary>Key the checkpoint and witness signatures must verify with; signatures are not checked when null.</summary>
    public CheckpointPublicKey? PublicKey { get; init; }

    /// <summary>The 32-byte Ed25519 checkpoint key; when set, the Ed25519 signature of every format 2 checkpoint's
    /// signed note is checked too (docs/ledger-format.md §5.2).</summary>
    public byte[]? Ed25519PublicKey { get; init; }

    /// <summary>Witness entries (docs/ledger-format.md §6); null when no witness is configured (then table/witness membership is not compared).</summary>
    public IReadOnlyList<WitnessEntry>? Witness { get; init; }

    /// <summary><see cref="VerificationMode.Ledger"/> (rows in global order) or <see cref="VerificationMode.SingleStream"/>.</summary>
    public VerificationMode Mode { get; init; } = VerificationMode.Ledger;

    /// <summary>In single-stream mode: the stream being verified. Rows of another stream are a finding.</summary>
    public StreamKey? Stream { get; init; }

    /// <summary>
    /// In single-stream mode: called once with the stream's head event and its recomputed leaf hash
    /// to check that the head is included in the latest checkpoint (an inclusion proof); returns a
    /// finding (<see cref="FindingKind.StreamHeadNotIncluded"/>) or null.
    /// </summary>
    public Func<LedgerEvent, byte[], Finding?>? StreamHeadInclusion { get; init; }

    /// <summary>
    /// For a run or a parallel range that starts after seq 1: the head of every stream among the rows before the given seq,
    /// as stored (stream, stream_seq, stored hash); null when they cannot be read. With them the run checks the stream-head
    /// commitment of every checkpoint it reaches (docs/verification.md, "What a partial run proves"); without them it
    /// cannot (it does not know the heads before its first row).
    /// </summary>
    public Func<long, CancellationToken, Task<IReadOnlyList<StreamHeadLeaf>?>>? StreamHeadsBefore { get; init; }

    /// <summary>Findings kept in the result; further ones are only counted (<see cref="VerificationResult.TotalFindings"/>).</summary>
    public int MaxFindings { get; init; } = 10_000;

    /// <summary>
    /// Called with each finding the moment it is found (before the run completes), including those
    /// beyond <see cref="MaxFindings"/> and those of the merge of a parallel run. In a parallel run it is
    /// called from several threads at once, so it must be thread-safe; it runs on the verifier's hot
    /// path, so it should only hand the finding on (e.g. to a channel).
    /// </summary>
    public Action<Finding>? OnFinding { get; init; }

    /// <summary>Minimum time between two progress reports.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Nice value (0–19) of the threads that read and hash the rows; 0 keeps normal priority (the CLI).
    /// The portal runs verifications at <see cref="ThreadCpuPriority.Lowest"/> so that its pages come first
    /// and the run takes the CPU they leave idle (docs/verification.md).
    /// </summary>
    public int ThreadNice { get; init; }
}

public enum VerificationMode
{
    /// <summary>Rows of the whole ledger (or a seq range of it), in global seq order.</summary>
    Ledger,

    /// <summary>One stream's events in stream_seq order: stream chain, stream seq from 1, hashes.</summary>
    SingleStream,
}
