using System.Globalization;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;
using Npgsql;

namespace AuditPortal.Data.Proofs;

/// <summary>
/// RFC 9162 proofs from a <see cref="SubtreeHashCache"/> of the ledger (docs/proof-cache.md): the cache is
/// built once from the streamed leaf hashes and extended as the ledger grows; a proof then reads only
/// the leaf hashes of the at most two tiles it touches (a seq-range scan on the primary key).
/// One instance per ledger, shared (a singleton in the portal); thread-safe.
/// </summary>
/// <remarks>
/// Nothing from the cache is trusted: <see cref="VerifiedInclusionProofAsync"/> and
/// <see cref="VerifiedConsistencyProofAsync"/> check the proof against a root the caller trusts (a
/// signed checkpoint) and, if it fails, rebuild it by streaming the ledger; when the streamed proof then
/// verifies, the cache was wrong (stale or poisoned): that is reported through
/// <see cref="MismatchReported"/> and the cache is dropped, to be rebuilt from the ledger.
/// </remarks>
public sealed class TiledProofSource
{
    /// <summary>Tiles of 2^8 = 256 leaves: ≈ 2.5 MB of cache per 10M events, ≤ 512 leaf hashes read per proof.</summary>
    public const int DefaultHeight = 8;

    private readonly SemaphoreSlim extending = new(1, 1);
    private SubtreeHashCache cache;
    private long leavesRead;
    private long mismatches;
    private string? lastMismatch;

    public TiledProofSource(int height = DefaultHeight) => cache = SubtreeHashCache.Empty(height);

    /// <summary>The current snapshot (immutable; replaced as the ledger grows).</summary>
    public SubtreeHashCache Cache => Volatile.Read(ref cache);

    /// <summary>Leaf hashes read from the ledger so far, for building the cache and for proofs (bytes streamed ≈ 50 × this).</summary>
    public long LeavesRead => Interlocked.Read(ref leavesRead);

    /// <summary>How many times a cached proof failed where the streamed one verified.</summary>
    public long Mismatches => Interlocked.Read(ref mismatches);

    /// <summary>The last mismatch, as reported.</summary>
    public string? LastMismatch => Volatile.Read(ref lastMismatch);

    /// <summary>Called with a description of each mismatch (the portal logs it as a warning).</summary>
    public Action<string>? MismatchReported { get; set; }

    /// <summary>Inclusion proof of leaf <paramref name="index"/> in the tree of <paramref name="size"/>, from the cache (unverified).</summary>
    public async Task<IReadOnlyList<byte[]>> InclusionProofAsync(NpgsqlDataSource dataSource, long index, long size, CancellationToken ct = default)
    {
        var plan = ProofPlan.Inclusion(index, size);
        var snapshot = await CoverAsync(dataSource, size, ct).ConfigureAwait(false);
        var leaves = await ReadLeavesAsync(dataSource, TiledProofBuilder.LeavesNeeded(plan, snapshot), ct).ConfigureAwait(false);
        return TiledProofBuilder.Build(plan, snapshot, leaves);
    }

    /// <summary>Consistency proof between <paramref name="size1"/> ≤ <paramref name="size2"/> and both roots, from the cache (unverified).</summary>
    public async Task<(IReadOnlyList<byte[]> Proof, byte[] Root1, byte[] Root2)> ConsistencyProofAsync(NpgsqlDataSource dataSource,
        long size1, long size2, CancellationToken ct = default)
    {
        var plan = ProofPlan.Consistency(size1, size2);
        var snapshot = await CoverAsync(dataSource, size2, ct).ConfigureAwait(false);
        var roots = new List<LeafRange>();
        if (size1 > 0)
            roots.Add(new LeafRange(0, size1));
        if (size2 > 0)
            roots.Add(new LeafRange(0, size2));
        var leaves = await ReadLeavesAsync(dataSource, TiledProofBuilder.LeavesNeeded(plan.Ranges.Concat(roots), snapshot), ct).ConfigureAwait(false);
        return (TiledProofBuilder.Build(plan, snapshot, leaves),
            TiledProofBuilder.RootHash(size1, snapshot, leaves), TiledProofBuilder.RootHash(size2, snapshot, leaves));
    }

    /// <summary>
    /// An inclusion proof that verifies against <paramref name="trustedRoot"/> for <paramref name="leafHash"/>, if the
    /// ledger has one: the cached proof when it verifies, otherwise the proof streamed from the ledger (reporting the
    /// cache as wrong when that one verifies). The caller verifies the result again and reports a ledger finding if
    /// it still fails.
    /// </summary>
    public async Task<IReadOnlyList<byte[]>> VerifiedInclusionProofAsync(NpgsqlDataSource dataSource, long index, long size,
        byte[] leafHash, byte[] trustedRoot, CancellationToken ct = default)
    {
        string failure;
        try
        {
            var cached = await InclusionProofAsync(dataSource, index, size, ct).ConfigureAwait(false);
            var check = MerkleProofVerifier.VerifyInclusion(index, size, leafHash, cached, trustedRoot);
            if (check.IsValid)
                return cached;
            failure = check.ToString();
        }
        catch (InvalidDataException ex)
        {
            failure = ex.Message;
        }

        var streamed = await ProofBuilder.BuildAsync(ProofPlan.Inclusion(index, size), new LeafHashReader(dataSource).ReadAsync(size, ct), ct)
            .ConfigureAwait(false);
        if (MerkleProofVerifier.VerifyInclusion(index, size, leafHash, streamed, trustedRoot).IsValid)
            ReportMismatch(string.Create(CultureInfo.InvariantCulture,
                $"the proof cache gave a wrong inclusion proof of leaf {index} in the tree of {size} ({failure}); the proof streamed from the ledger verifies"));
        return streamed;
    }

    /// <summary>
    /// Inclusion proofs of many leaves of one tree (an evidence bundle), each as <see cref="VerifiedInclusionProofAsync"/>
    /// returns it, reading the leaf hashes of a batch of <see cref="BatchSize"/> proofs in one query; memory is bounded by
    /// the batch (≤ 2 tiles per proof), not by the ledger.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<byte[]>>> VerifiedInclusionProofsAsync(NpgsqlDataSource dataSource,
        IReadOnlyList<(long Index, byte[] LeafHash)> leaves, long size, byte[] trustedRoot, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        var proofs = new List<IReadOnlyList<byte[]>>(leaves.Count);
        foreach (var batch in leaves.Chunk(BatchSize))
        {
            var plans = batch.Select(l => ProofPlan.Inclusion(l.Index, size)).ToArray();
            IReadOnlyList<byte[]>[]? built = null;
            try
            {
                var snapshot = await CoverAsync(dataSource, size, ct).ConfigureAwait(false);
                var read = await ReadLeavesAsync(dataSource, TiledProofBuilder.LeavesNeeded(plans.SelectMany(p => p.Ranges), snapshot), ct)
                    .ConfigureAwait(false);
                built = plans.Select(p => TiledProofBuilder.Build(p, snapshot, read)).ToArray();
            }
            catch (InvalidDataException)
            {
                // Rows missing: each proof below takes the checked path, which streams and lets the caller report it.
            }
            for (var i = 0; i < batch.Length; i++)
            {
                var (index, leafHash) = batch[i];
                proofs.Add(built is not null && MerkleProofVerifier.VerifyInclusion(index, size, leafHash, built[i], trustedRoot).IsValid
                    ? built[i]
                    : await VerifiedInclusionProofAsync(dataSource, index, size, leafHash, trustedRoot, ct).ConfigureAwait(false));
            }
        }
        return proofs;
    }

    /// <summary>Proofs per query in <see cref="VerifiedInclusionProofsAsync"/>: at most 2 × 256 × 256 leaf hashes (≈ 10 MB) in memory.</summary>
    public const int BatchSize = 256;

    /// <summary>
    /// A consistency proof and roots checked against the trusted roots of <paramref name="size1"/> and
    /// <paramref name="size2"/> (as <see cref="VerifiedInclusionProofAsync"/>): the cached one when it verifies and its
    /// roots are the trusted ones, otherwise one streamed from the ledger with O(log n) memory.
    /// </summary>
    public async Task<(IReadOnlyList<byte[]> Proof, byte[] Root1, byte[] Root2)> VerifiedConsistencyProofAsync(NpgsqlDataSource dataSource,
        long size1, long size2, byte[] trustedRoot1, byte[] trustedRoot2, CancellationToken ct = default)
    {
        string failure;
        try
        {
            var cached = await ConsistencyProofAsync(dataSource, size1, size2, ct).ConfigureAwait(false);
            var check = Check(cached, size1, size2, trustedRoot1, trustedRoot2);
            if (check is null)
                return cached;
            failure = check;
        }
        catch (InvalidDataException ex)
        {
            failure = ex.Message;
        }

        var streamed = await StreamedConsistencyAsync(dataSource, size1, size2, ct).ConfigureAwait(false);
        if (Check(streamed, size1, size2, trustedRoot1, trustedRoot2) is null)
            ReportMismatch(string.Create(CultureInfo.InvariantCulture,
                $"the proof cache gave a wrong consistency proof from {size1} to {size2} ({failure}); the proof streamed from the ledger verifies"));
        return streamed;
    }

    /// <summary>
    /// A consistency proof and both roots from one streaming pass over leaves [0, size2): O(log n) memory (the
    /// fallback, and what to use without a cache).
    /// </summary>
    public static async Task<(IReadOnlyList<byte[]> Proof, byte[] Root1, byte[] Root2)> StreamedConsistencyAsync(NpgsqlDataSource dataSource,
        long size1, long size2, CancellationToken ct = default)
    {
        var hasher = new SubtreeHasher(ProofPlan.Consistency(size1, size2));
        var prefix = CompactRange.Empty();
        byte[] root1 = size1 == 0 ? MerkleHasher.EmptyRoot.ToArray() : [];
        await foreach (var (index, hash) in new LeafHashReader(dataSource).ReadAsync(size2, ct).ConfigureAwait(false))
        {
            hasher.Add(index, hash);
            prefix.Append(hash);
            if (prefix.Size == size1)
                root1 = prefix.RootHash();
        }
        return (hasher.Proof(), root1, prefix.RootHash());
    }

    /// <summary>Records that the cache gave a wrong proof and drops it; the next proof rebuilds it from the ledger.</summary>
    public void ReportMismatch(string finding)
    {
        Interlocked.Increment(ref mismatches);
        Volatile.Write(ref lastMismatch, finding);
        Volatile.Write(ref cache, SubtreeHashCache.Empty(Cache.Height));
        MismatchReported?.Invoke(finding);
    }

    /// <summary>
    /// Returns a snapshot covering every complete tile below <paramref name="size"/>, extending the cache from the
    /// ledger first if needed (one extension at a time; readers keep using their snapshot meanwhile).
    /// </summary>
    public async Task<SubtreeHashCache> CoverAsync(NpgsqlDataSource dataSource, long size, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var snapshot = Cache;
        var target = size / snapshot.TileSize * snapshot.TileSize;
        if (snapshot.CoveredLeaves >= target)
            return snapshot;
        await extending.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            snapshot = Cache;
            if (snapshot.CoveredLeaves >= target)
                return snapshot;
            var hasher = new TileHasher(snapshot.Height, snapshot.CoveredLeaves);
            long read = 0;
            await foreach (var (index, hash) in new LeafHashReader(dataSource).ReadRangeAsync(new LeafRange(snapshot.CoveredLeaves, target), ct)
                .ConfigureAwait(false))
            {
                hasher.Add(index, hash);
                read++;
            }
            Interlocked.Add(ref leavesRead, read);
            var extended = snapshot.Append(hasher.CompletedTiles);
            // A mismatch reported meanwhile dropped the cache: do not put back what this extension started from.
            Interlocked.CompareExchange(ref cache, extended, snapshot);
            return extended;
        }
        finally
        {
            extending.Release();
        }
    }

    private async Task<Dictionary<long, byte[]>> ReadLeavesAsync(NpgsqlDataSource dataSource, IReadOnlyList<LeafRange> ranges, CancellationToken ct)
    {
        var leaves = await new LeafHashReader(dataSource).ReadRangesAsync(ranges, ct).ConfigureAwait(false);
        Interlocked.Add(ref leavesRead, leaves.Count);
        return leaves;
    }

    // Null when the proof verifies and both roots are the trusted ones; otherwise why not.
    private static string? Check((IReadOnlyList<byte[]> Proof, byte[] Root1, byte[] Root2) proof, long size1, long size2, byte[] root1, byte[] root2)
    {
        if (!proof.Root1.AsSpan().SequenceEqual(root1))
            return $"root of {size1} is {HashHex.ToHex(proof.Root1)}, want {HashHex.ToHex(root1)}";
        if (!proof.Root2.AsSpan().SequenceEqual(root2))
            return $"root of {size2} is {HashHex.ToHex(proof.Root2)}, want {HashHex.ToHex(root2)}";
        var check = MerkleProofVerifier.VerifyConsistency(size1, size2, proof.Proof, root1, root2);
        return check.IsValid ? null : check.ToString();
    }
}
