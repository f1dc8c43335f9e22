using AuditPortal.Data.Checkpoints;
using AuditPortal.Data.Proofs;
using AuditPortal.Data.Reading;
using AuditPortal.Data.Requests;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;
using AuditPortal.Verification.Verifying;
using Npgsql;

namespace AuditPortal.Data.Timeline;

/// <summary>The badge of a timeline, worst first.</summary>
public enum StreamProofStatus
{
    /// <summary>A finding: chain, sequence, hash, checkpoint signature or inclusion.</summary>
    Failed,

    /// <summary>The stream has no events.</summary>
    EmptyStream,

    /// <summary>Chain and sequence are intact, but there is no signed checkpoint yet (or none covers the stream's first event).</summary>
    NotCheckpointed,

    /// <summary>Intact and included up to the latest checkpoint; events appended since are verified by chain only.</summary>
    VerifiedPendingCheckpoint,

    /// <summary>Intact, and the stream's head is included in the latest signed checkpoint.</summary>
    Verified,
}

/// <summary>
/// What a timeline badge shows and what its details page lists.
/// </summary>
/// <param name="IncludedSeq">The event whose inclusion was proven: the stream's last event with seq ≤ the checkpoint size (its head when the checkpoint covers it).</param>
/// <param name="InclusionProof">RFC 9162 audit path of <paramref name="IncludedSeq"/> in the checkpoint's tree, hex, leaf upward.</param>
/// <param name="EventsAfterCheckpoint">Events of the stream appended after the checkpoint (chain-verified only).</param>
/// <param name="Findings">Every finding, each carrying the seq (and stream_seq) it concerns; checkpoint findings carry the checkpoint size.</param>
public sealed record StreamProof(
    StreamKey Stream,
    StreamProofStatus Status,
    long EventsVerified,
    long HeadSeq,
    long HeadStreamSeq,
    SignedCheckpoint? Checkpoint,
    bool? CheckpointSignatureValid,
    long? IncludedSeq,
    long? IncludedStreamSeq,
    IReadOnlyList<string> InclusionProof,
    long EventsAfterCheckpoint,
    IReadOnlyList<Finding> Findings)
{
    /// <summary>Findings by the seq they concern, for showing them in place on the timeline.</summary>
    public ILookup<long, Finding> FindingsBySeq => Findings.Where(f => f.Seq is not null).ToLookup(f => f.Seq!.Value);
}

/// <summary>
/// Per-entity proof: the stream's chain and sequence verified from its first event with the
/// existing <see cref="LedgerVerifier"/> in single-stream mode, and the inclusion of the stream's
/// latest checkpointed event (its head, unless events arrived since) in the latest signed
/// checkpoint, with an RFC 9162 proof.
/// </summary>
/// <remarks>
/// Unlike the other queries this one reads with its own connections from
/// <paramref name="dataSource"/> (the replica's, read-only): it reuses the row reader's binary COPY
/// and the leaf-hash stream, which each need a connection of their own. With <paramref name="tiles"/>
/// the proof comes from the subtree-hash cache (≤ 2 tiles of leaf hashes read; docs/proof-cache.md) and
/// is checked against the checkpoint's root with the leaf hash recomputed from the event, falling back
/// to the streamed build; without it, <see cref="ProofBuilder"/> streams 40 bytes per ledger row up to
/// the checkpoint size (about 400 MB at 10M rows).
/// </remarks>
public sealed class StreamProofQuery(NpgsqlDataSource dataSource, CheckpointPublicKey? publicKey, TimeProvider? time = null,
    TiledProofSource? tiles = null)
{
    /// <summary>
    /// Only events with <c>seq</c> ≤ this are verified (the ledger as it stood: the gateway's snapshot, or a logged query's
    /// <c>ledger_size</c> when it is re-run, docs/access-log-review.md); null: every event of the stream.
    /// </summary>
    public long? LedgerSize { get; init; }

    /// <summary>
    /// The proof is against the latest checkpoint of size ≤ this (the snapshot's latest, or a logged query's
    /// <c>checkpoint_size</c>): this query reads with connections of its own, which may already see a newer one. Null: the latest.
    /// </summary>
    public long? CheckpointSize { get; init; }

    public async Task<StreamProof> GetAsync(StreamKey stream, CancellationToken ct = default)
    {
        if (stream.Type is null || stream.Id is null)
            throw new QueryValidationException("stream", "stream: type and id are required");
        LedgerName.Check("streamType", stream.Type);
        LedgerName.Check("streamId", stream.Id);

        var checkpoints = (await new CheckpointStore(dataSource).ReadRowsAsync(CheckpointSize, ct).ConfigureAwait(false)).Select(r => r.Signed).ToList();
        var latest = checkpoints.Count == 0 ? null : checkpoints.MaxBy(c => c.Checkpoint.Size);
        var size = latest?.Checkpoint.Size ?? 0;
        var findings = new List<Finding>();
        bool? signatureValid = null;
        if (latest is not null && publicKey is not null)
        {
            signatureValid = publicKey.Verifies(latest);
            if (signatureValid == false)
                findings.Add(new Finding(FindingKind.CheckpointSignatureInvalid, size, null, null, $"signature by key {publicKey.KeyId}",
                    "signature does not verify", $"the latest checkpoint (size {size}) is not signed by the checkpoint key"));
        }

        LedgerEvent? anchor = null;
        LedgerEvent? head = null;
        async IAsyncEnumerable<LedgerEvent> Observe()
        {
            await foreach (var e in new LedgerRowReader(dataSource).ReadStreamAsync(stream, ct).ConfigureAwait(false))
            {
                if (e.Seq > LedgerSize)
                    continue; // appended after the snapshot (the stream is read whole; its later events are few)
                head = e;
                if (e.Seq <= size)
                    anchor = e;
                yield return e;
            }
        }
        var options = new LedgerVerifierOptions
        {
            Mode = VerificationMode.SingleStream,
            Stream = stream,
            TimeProvider = time ?? TimeProvider.System,
        };
        var result = await LedgerVerifier.VerifyAsync(Observe(), options, null, ct).ConfigureAwait(false);
        findings.AddRange(result.Findings);

        IReadOnlyList<string> proofHex = [];
        if (latest is not null && anchor is not null)
        {
            var index = anchor.Seq - 1;
            var leafHash = EventRecord.LeafHash(anchor);
            try
            {
                var proof = tiles is not null
                    ? await tiles.VerifiedInclusionProofAsync(dataSource, index, size, leafHash, latest.Checkpoint.RootHash, ct).ConfigureAwait(false)
                    : await ProofBuilder.BuildAsync(ProofPlan.Inclusion(index, size), new LeafHashReader(dataSource).ReadAsync(size, ct), ct)
                        .ConfigureAwait(false);
                var check = MerkleProofVerifier.VerifyInclusion(index, size, leafHash, proof, latest.Checkpoint.RootHash);
                if (check.IsValid)
                    proofHex = proof.Select(h => HashHex.ToHex(h)).ToList();
                else
                    findings.Add(Inclusion(anchor, size, HashHex.ToHex(latest.Checkpoint.RootHash),
                        check.CalculatedRoot is { } root ? HashHex.ToHex(root) : check.Failure.ToString(), check.Message));
            }
            catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException)
            {
                findings.Add(Inclusion(anchor, size, HashHex.ToHex(latest.Checkpoint.RootHash), "no proof", ex.Message));
            }
        }

        var ordered = Finding.InReportOrder(findings);
        var status = ordered.Count > 0 || result.TotalFindings > result.Findings.Count ? StreamProofStatus.Failed
            : head is null ? StreamProofStatus.EmptyStream
            : latest is null || anchor is null ? StreamProofStatus.NotCheckpointed
            : anchor.Seq == head.Seq ? StreamProofStatus.Verified
            : StreamProofStatus.VerifiedPendingCheckpoint;
        return new StreamProof(stream, status, result.Rows, head?.Seq ?? 0, head?.StreamSeq ?? 0, latest, signatureValid,
            anchor?.Seq, anchor?.StreamSeq, proofHex, head is null || anchor is null ? result.Rows : head.StreamSeq - anchor.StreamSeq, ordered);
    }

    private static Finding Inclusion(LedgerEvent e, long size, string expected, string actual, string message) =>
        new(FindingKind.StreamHeadNotIncluded, e.Seq, e.Stream, e.StreamSeq, expected, actual,
            $"stream event {e.StreamSeq} (seq {e.Seq}) is not included in the checkpoint of size {size}: {message}");
}
