using System.Globalization;
using System.Text;
using AuditPortal.Data.Checkpoints;
using AuditPortal.Data.Reading;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Evidence;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;
using AuditPortal.Verification.StreamHeads;
using Npgsql;

namespace AuditPortal.Data.Proofs;

/// <summary>
/// Builds the documents of docs/ledger-format.md §8 from the ledger: inclusion and consistency proofs
/// and stream evidence bundles, anchored in signed checkpoints. The CLI and the portal both use it.
/// </summary>
/// <remarks>
/// With <paramref name="tiles"/> (docs/proof-cache.md), a proof of a size that has a checkpoint is built from the
/// subtree-hash cache and checked against that checkpoint's root, falling back to streaming the ledger when it
/// fails; without a checkpoint to check against, and without a cache, proofs are streamed from the ledger
/// (O(n) time, O(log n) memory).
/// </remarks>
public sealed class ProofService(NpgsqlDataSource dataSource, CheckpointPublicKey publicKey, TimeProvider time, TiledProofSource? tiles = null)
{
    private readonly LeafHashReader leaves = new(dataSource);

    /// <summary>
    /// Refuse (<see cref="KeyNotFoundException"/>) a proof for a tree size that no signed checkpoint has, before
    /// reading anything: <c>auditportal evidence verify</c> rejects a root no checkpoint signs, so such a document
    /// could never pass, and without a checkpoint the proof would be streamed from the whole ledger. The portal
    /// sets it; the CLI's <c>proof</c> commands may prove any size.
    /// </summary>
    public bool RequireSignedCheckpoint { get; init; }

    private readonly LedgerRowReader rows = new(dataSource);

    /// <summary>Inclusion proof of <paramref name="seq"/> in the tree of <paramref name="size"/> (default: the latest checkpoint).</summary>
    public async Task<InclusionProofDocument> InclusionAsync(long seq, long? size, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seq, 1);
        var checkpoints = await new CheckpointStore(dataSource).ReadAllAsync(ct).ConfigureAwait(false);
        var treeSize = size ?? Latest(checkpoints)?.Checkpoint.Size
            ?? throw new InvalidOperationException("the ledger has no checkpoint yet: pass --size or run 'auditportal ledger checkpoint'");
        if (seq > treeSize)
            throw new ArgumentException($"seq {seq} is beyond tree size {treeSize}{(size is null ? " (the latest checkpoint)" : "")}");

        var signed = await SignedAsync(checkpoints, treeSize, ct).ConfigureAwait(false);
        var ev = await SingleAsync(seq, ct).ConfigureAwait(false);
        var leafHash = MerkleHasher.HashLeaf(EventRecord.CanonicalBytes(ev));
        var proof = tiles is not null && signed is not null
            ? await tiles.VerifiedInclusionProofAsync(dataSource, seq - 1, treeSize, leafHash, signed.Checkpoint.RootHash, ct).ConfigureAwait(false)
            : await ProofBuilder.BuildAsync(ProofPlan.Inclusion(seq - 1, treeSize), leaves.ReadAsync(treeSize, ct), ct).ConfigureAwait(false);
        var root = MerkleProofVerifier.RootFromInclusionProof(seq - 1, treeSize, leafHash, proof);
        root.ThrowIfInvalid();
        return new InclusionProofDocument
        {
            Format = InclusionProofDocument.FormatName,
            Seq = seq,
            LeafIndex = seq - 1,
            TreeSize = treeSize,
            Canonical = Encoding.UTF8.GetString(EventRecord.CanonicalBytes(ev)),
            LeafHash = HashHex.ToHex(leafHash),
            Proof = proof.Select(h => HashHex.ToHex(h)).ToArray(),
            RootHash = HashHex.ToHex(root.CalculatedRoot!),
            Checkpoint = signed is null ? null : ToEvidence(signed),
            PublicKeyPem = publicKey.ToPem(),
            KeyId = publicKey.KeyId,
        };
    }

    /// <summary>Consistency proof between tree sizes <paramref name="size1"/> ≤ <paramref name="size2"/>.</summary>
    public async Task<ConsistencyProofDocument> ConsistencyAsync(long size1, long size2, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size1);
        if (size1 > size2)
            throw new ArgumentException($"--from ({size1}) must not be larger than --to ({size2})");
        var checkpoints = await new CheckpointStore(dataSource).ReadAllAsync(ct).ConfigureAwait(false);
        var signed1 = await SignedAsync(checkpoints, size1, ct).ConfigureAwait(false);
        var signed2 = await SignedAsync(checkpoints, size2, ct).ConfigureAwait(false);
        var (proof, root1, root2) = tiles is not null && signed2 is not null && (signed1 is not null || size1 == 0)
            ? await tiles.VerifiedConsistencyProofAsync(dataSource, size1, size2,
                signed1?.Checkpoint.RootHash ?? MerkleHasher.EmptyRoot.ToArray(), signed2.Checkpoint.RootHash, ct).ConfigureAwait(false)
            : await TiledProofSource.StreamedConsistencyAsync(dataSource, size1, size2, ct).ConfigureAwait(false);
        return new ConsistencyProofDocument
        {
            Format = ConsistencyProofDocument.FormatName,
            Size1 = size1,
            Size2 = size2,
            Root1 = HashHex.ToHex(root1),
            Root2 = HashHex.ToHex(root2),
            Proof = proof.Select(h => HashHex.ToHex(h)).ToArray(),
            Checkpoint1 = signed1 is null ? null : ToEvidence(signed1),
            Checkpoint2 = signed2 is null ? null : ToEvidence(signed2),
            PublicKeyPem = publicKey.ToPem(),
            KeyId = publicKey.KeyId,
        };
    }

    /// <summary>
    /// The signed checkpoint of <paramref name="size"/>, if any. Under <see cref="RequireSignedCheckpoint"/> none is an
    /// error, saying first whether the ledger is even that large (the message the leaf reader would give).
    /// </summary>
    private async Task<SignedCheckpoint?> SignedAsync(IReadOnlyList<SignedCheckpoint> checkpoints, long size, CancellationToken ct)
    {
        var signed = checkpoints.FirstOrDefault(c => c.Checkpoint.Size == size);
        if (signed is not null || !RequireSignedCheckpoint)
            return signed;
        var head = await rows.HeadSeqAsync(ct).ConfigureAwait(false);
        if (size > head)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"the ledger holds {head} events, fewer than the tree size {size}"));
        throw new KeyNotFoundException(string.Create(CultureInfo.InvariantCulture,
            $"there is no signed checkpoint of size {size}: proofs are given against the signed checkpoint sizes only"));
    }

    /// <summary>The 32-byte Ed25519 checkpoint key, if known: its vkey goes into bundles next to the ECDSA one.</summary>
    public byte[]? Ed25519PublicKey { get; init; }

    /// <summary>
    /// A format 2 evidence bundle of one stream (docs/ledger-format.md §8.7): every event of it up to the latest
    /// checkpoint, each with its inclusion proof, and the proof of the stream's head in the checkpoint's stream-head
    /// tree — or, for a stream without events at that size, the proof that it has none. Events appended after that
    /// checkpoint are left out.
    /// </summary>
    /// <param name="window">Only the events that occurred in this window (a bundle that is not complete, §8.1); null for all.</param>
    /// <exception cref="InvalidOperationException">No checkpoint yet, or the latest is format 1.</exception>
    /// <exception cref="InvalidDataException">The ledger does not match the checkpoint's stream-head commitment.</exception>
    public async Task<EvidenceBundleV2> StreamBundleAsync(StreamKey stream, string? exportedBy, CancellationToken ct = default, StreamWindow? window = null)
    {
        var signed = await LatestFormat2Async(ct).ConfigureAwait(false);
        var size = signed.Checkpoint.Size;
        var events = new List<LedgerEvent>();
        await foreach (var e in rows.ReadStreamAsync(stream, ct).ConfigureAwait(false))
        {
            if (e.Seq <= size && (window is null || window.Contains(e.OccurredAt)))
                events.Add(e);
        }
        var proofs = await ProofsAsync(events, signed, ct).ConfigureAwait(false);
        var heads = await HeadsAsync(signed, ct).ConfigureAwait(false);
        return Bundle(stream, window is null, events, proofs, signed, heads, exportedBy, ExportedAt());
    }

    /// <summary>Most events an evidence set holds (docs/evidence-pdf.md): a larger selection is refused before anything is proved.</summary>
    public const int MaxSetEvents = 10_000;

    /// <summary>
    /// An evidence set (docs/ledger-format.md §8.8): the selected events up to the latest checkpoint — a case's starred
    /// events, or an output with its lineage closure — as one bundle per stream (streams in ordinal order, each bundle
    /// <c>"complete": false</c> holding exactly the selected events of its stream), all proved against that one checkpoint.
    /// </summary>
    /// <exception cref="InvalidOperationException">No checkpoint yet, the latest is format 1, nothing selected, or more than <see cref="MaxSetEvents"/>.</exception>
    /// <exception cref="InvalidDataException">The ledger does not match the checkpoint's stream-head commitment.</exception>
    public async Task<EvidenceSet> EventSetAsync(EventSelection selection, string? exportedBy, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var signed = await LatestFormat2Async(ct).ConfigureAwait(false);
        IReadOnlyList<long> seqs;
        await using (var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false))
            seqs = await selection.SeqsAsync(connection, null, signed.Checkpoint.Size, ct).ConfigureAwait(false);
        if (seqs.Count == 0)
            throw new InvalidOperationException($"{selection} holds no event up to the latest signed checkpoint (size {signed.Checkpoint.Size})");
        var events = new List<LedgerEvent>(seqs.Count);
        await foreach (var e in rows.ReadSeqsAsync(seqs, ct).ConfigureAwait(false))
            events.Add(e);
        var proofs = await ProofsAsync(events, signed, ct).ConfigureAwait(false);
        var heads = await HeadsAsync(signed, ct).ConfigureAwait(false);
        var exportedAt = ExportedAt();
        var byStream = events.Select((e, i) => (Event: e, Proof: proofs[i]))
            .GroupBy(x => new StreamKey(x.Event.StreamType, x.Event.StreamId))
            .OrderBy(g => g.Key.Type, StringComparer.Ordinal).ThenBy(g => g.Key.Id, StringComparer.Ordinal);
        return new EvidenceSet
        {
            Format = EvidenceSet.FormatName,
            ExportedAt = exportedAt,
            ExportedBy = exportedBy,
            Scope = selection.Scope,
            Bundles = byStream.Select(g => Bundle(g.Key, complete: false, [.. g.Select(x => x.Event)], [.. g.Select(x => x.Proof)], signed, heads, exportedBy, exportedAt)).ToArray(),
        };
    }

    /// <summary>The latest signed checkpoint, which must be format 2 (it commits to the stream heads a bundle proves).</summary>
    private async Task<SignedCheckpoint> LatestFormat2Async(CancellationToken ct)
    {
        var checkpoints = await new CheckpointStore(dataSource).ReadAllAsync(ct).ConfigureAwait(false);
        var signed = Latest(checkpoints)
            ?? throw new InvalidOperationException("the ledger has no checkpoint yet: run 'auditportal ledger checkpoint'");
        if (signed.Checkpoint.StreamHeads is null || signed.Note is null)
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"the latest checkpoint (size {signed.Checkpoint.Size}) is format 1, without stream heads: run 'auditportal ledger checkpoint' to sign a format 2 one"));
        return signed;
    }

    // Every event's proof from one subtree-hash cache of the checkpoint's tree: built by streaming the leaf
    // hashes once (memory O(n / 2^height) instead of O(n)), then ≤ 2 tiles of leaf hashes read per event.
    private async Task<IReadOnlyList<IReadOnlyList<byte[]>>> ProofsAsync(List<LedgerEvent> events, SignedCheckpoint signed, CancellationToken ct) =>
        events.Count == 0 ? [] : await (tiles ?? new TiledProofSource()).VerifiedInclusionProofsAsync(dataSource,
            events.Select(e => (e.Seq - 1, EventRecord.LeafHash(e))).ToList(), signed.Checkpoint.Size, signed.Checkpoint.RootHash, ct).ConfigureAwait(false);

    /// <summary>The prover of stream heads in the checkpoint's stream-head tree, its leaves checked against what the checkpoint signs.</summary>
    private async Task<Func<StreamKey, EvidenceStreamHead>> HeadsAsync(SignedCheckpoint signed, CancellationToken ct)
    {
        var size = signed.Checkpoint.Size;
        var heads = await StreamHeadRows.TreeAtAsync(dataSource, size, ct).ConfigureAwait(false);
        if (heads.Commit() is var actual && !actual.Matches(signed.Checkpoint.StreamHeads!))
            throw new InvalidDataException($"the ledger's stream heads at size {size} ({actual}) are not those its checkpoint signs ({signed.Checkpoint.StreamHeads}): run 'auditportal ledger verify'");
        return StreamHeadProofs.Prover(heads.Leaves());
    }

    private string ExportedAt() => LedgerTime.ToText(LedgerTime.Truncate(time.GetUtcNow().UtcDateTime));

    private EvidenceBundleV2 Bundle(StreamKey stream, bool complete, IReadOnlyList<LedgerEvent> events, IReadOnlyList<IReadOnlyList<byte[]>> proofs,
        SignedCheckpoint signed, Func<StreamKey, EvidenceStreamHead> heads, string? exportedBy, string exportedAt)
    {
        string[] vkeys = Ed25519PublicKey is { } ed25519
            ? [publicKey.NoteKey(signed.Checkpoint.Origin).ToString(), NoteVerifierKey.ForEd25519(signed.Checkpoint.Origin, ed25519).ToString()]
            : [publicKey.NoteKey(signed.Checkpoint.Origin).ToString()];
        return new EvidenceBundleV2
        {
            Format = EvidenceBundleV2.FormatName,
            ExportedAt = exportedAt,
            ExportedBy = exportedBy,
            Stream = new EvidenceStream { Type = stream.Type, Id = stream.Id, Complete = complete },
            Events = events.Select((e, i) => new EvidenceEvent
            {
                Seq = e.Seq,
                LeafIndex = e.Seq - 1,
                Canonical = Encoding.UTF8.GetString(EventRecord.CanonicalBytes(e)),
                LeafHash = HashHex.ToHex(EventRecord.LeafHash(e)),
                InclusionProof = proofs[i].Select(h => HashHex.ToHex(h)).ToArray(),
            }).ToArray(),
            Checkpoint = new EvidenceNote { Note = signed.Note! },
            PublicKeyPem = publicKey.ToPem(),
            KeyId = publicKey.KeyId,
            Vkeys = vkeys,
            StreamHead = heads(stream),
        };
    }

    private async Task<LedgerEvent> SingleAsync(long seq, CancellationToken ct)
    {
        await foreach (var e in rows.ReadRangeAsync(seq, seq, ct).ConfigureAwait(false))
            return e;
        throw new KeyNotFoundException(string.Create(CultureInfo.InvariantCulture, $"no event at seq {seq}"));
    }

    private static SignedCheckpoint? Latest(IReadOnlyList<SignedCheckpoint> checkpoints) =>
        checkpoints.Count == 0 ? null : checkpoints.MaxBy(c => c.Checkpoint.Size);

    private static EvidenceCheckpoint ToEvidence(SignedCheckpoint signed) => new()
    {
        Text = signed.Checkpoint.ToText(),
        Signature = signed.SignatureBase64,
    };
}
