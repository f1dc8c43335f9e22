using AuditPortal.Data.Proofs;
using AuditPortal.Data.Timeline;
using AuditPortal.Tests.Data.Reading;
using AuditPortal.Tests.Verification.Verifying;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;

namespace AuditPortal.Tests.Data.Proofs;

/// <summary>
/// The reading side of the subtree-hash cache against a real PostgreSQL (reader role): proofs equal the
/// streamed ones while reading at most two tiles of leaf hashes, the cache grows with the ledger, and a
/// poisoned cache makes the cached proof fail — the proof shown is then the streamed one, and the
/// mismatch is reported.
/// </summary>
public sealed class TiledProofSourceTests(LedgerTestDatabase db) : IClassFixture<LedgerTestDatabase>, IAsyncLifetime
{
    private const int Length = 300;
    private const int Height = 3; // tiles of 8 leaves
    private const long TileSize = 1L << Height;
    private static readonly CheckpointSigner Signer = CheckpointSigner.Generate();
    private static readonly List<LedgerEvent> Events = TestChain.Build(Length);
    private static readonly SignedCheckpoint[] Checkpoints = [Cp(100), Cp(257), Cp(Length)];

    private static SignedCheckpoint Cp(long size) => TestChain.Checkpoint(Signer, Events, size);

    public Task InitializeAsync() => db.ResetAsync(Events, Checkpoints);

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<IReadOnlyList<byte[]>> Streamed(long index, long size) =>
        ProofBuilder.BuildAsync(ProofPlan.Inclusion(index, size), new LeafHashReader(db.DataSource).ReadAsync(size));

    private static byte[] LeafHash(long index) => EventRecord.LeafHash(Events[(int)index]);

    [Fact]
    public async Task InclusionProofs_EqualTheStreamedProofs_ReadingAtMostTwoTiles()
    {
        var tiles = new TiledProofSource(Height);
        await tiles.CoverAsync(db.DataSource, Length);
        tiles.LeavesRead.ShouldBe(Length / TileSize * TileSize);
        tiles.Cache.TileCount.ShouldBe(Length / TileSize);

        foreach (var size in new long[] { 1, 7, 8, 9, 100, 255, 256, 257, 299, Length })
        {
            foreach (var index in new[] { 0, size / 2, size - 1, Math.Max(0, size - TileSize - 1) }.Distinct())
            {
                var before = tiles.LeavesRead;
                var proof = await tiles.InclusionProofAsync(db.DataSource, index, size);
                (tiles.LeavesRead - before).ShouldBeLessThanOrEqualTo(2 * TileSize, $"leaves read for inclusion {index} of {size}");
                proof.ShouldBe(await Streamed(index, size), $"inclusion {index} of {size}");
            }
        }
    }

    [Fact]
    public async Task Cover_LedgerGrows_ExtendsOnlyByTheNewTilesAndEqualsAFreshCache()
    {
        var tiles = new TiledProofSource(Height);
        await tiles.CoverAsync(db.DataSource, 100);
        tiles.LeavesRead.ShouldBe(96);

        await tiles.CoverAsync(db.DataSource, Length);

        tiles.LeavesRead.ShouldBe(296, "the extension reads leaves [96, 296) only");
        var fresh = new TiledProofSource(Height);
        await fresh.CoverAsync(db.DataSource, Length);
        for (long begin = 0; begin + TileSize <= Length; begin += TileSize)
        {
            var range = new LeafRange(begin, begin + TileSize);
            tiles.Cache.SubtreeHash(range).ToArray().ShouldBe(fresh.Cache.SubtreeHash(range).ToArray(), $"tile {range}");
        }
        tiles.Cache.SubtreeHash(new LeafRange(0, 256)).ToArray().ShouldBe(fresh.Cache.SubtreeHash(new LeafRange(0, 256)).ToArray());
    }

    [Theory]
    [InlineData(100, 257)]
    [InlineData(257, Length)]
    [InlineData(100, Length)]
    [InlineData(0, 257)]
    [InlineData(Length, Length)]
    public async Task ConsistencyDocument_WithTiles_EqualsTheStreamedDocument(long size1, long size2)
    {
        var tiles = new TiledProofSource(Height);
        var streamed = await new ProofService(db.DataSource, Signer.PublicKey, TimeProvider.System).ConsistencyAsync(size1, size2);

        var cached = await new ProofService(db.DataSource, Signer.PublicKey, TimeProvider.System, tiles).ConsistencyAsync(size1, size2);

        cached.Proof.ShouldBe(streamed.Proof);
        cached.Root1.ShouldBe(streamed.Root1);
        cached.Root2.ShouldBe(streamed.Root2);
        cached.Root2.ShouldBe(HashHex.ToHex(Checkpoints.Single(c => c.Checkpoint.Size == size2).Checkpoint.RootHash));
        tiles.Cache.CoveredLeaves.ShouldBe(size2 / TileSize * TileSize, "the proof came from the cache");
        tiles.Mismatches.ShouldBe(0);
    }

    [Fact]
    public async Task PoisonedCache_CachedProofFails_ShownProofIsStreamedAndVerifiesAndMismatchIsReported()
    {
        // Poison the cache as a stale or tampered source would: build it while one stored hash (seq 20, in tile 2)
        // is wrong, then put the right one back.
        var original = Convert.ToHexString(Events[19].Hash!);
        await db.TamperAsync("UPDATE ledger.events SET hash = sha256('poison'::bytea) WHERE seq = 20");
        var tiles = new TiledProofSource(Height);
        await tiles.CoverAsync(db.DataSource, Length);
        await db.TamperAsync($"UPDATE ledger.events SET hash = decode('{original}', 'hex') WHERE seq = 20");
        var root = Checkpoints[^1].Checkpoint.RootHash;

        // The detector: a proof assembled from the poisoned cache does not verify against the signed root.
        var poisoned = await tiles.InclusionProofAsync(db.DataSource, 200, Length);
        var check = MerkleProofVerifier.VerifyInclusion(200, Length, LeafHash(200), poisoned, root);
        check.IsValid.ShouldBeFalse();
        check.Failure.ShouldBe(ProofFailureKind.RootMismatch);

        string? reported = null;
        tiles.MismatchReported = finding => reported = finding;
        var doc = await new ProofService(db.DataSource, Signer.PublicKey, TimeProvider.System, tiles).InclusionAsync(201, Length);

        doc.Proof.ShouldBe((await Streamed(200, Length)).Select(h => HashHex.ToHex(h)).ToArray());
        doc.RootHash.ShouldBe(HashHex.ToHex(root));
        tiles.Mismatches.ShouldBe(1);
        reported.ShouldNotBeNull().ShouldContain("leaf 200 in the tree of 300");
        tiles.Cache.TileCount.ShouldBe(0, "the cache is dropped");

        // Rebuilt from the ledger on the next proof, which then comes from the cache again and verifies.
        var badge = await new StreamProofQuery(db.DataSource, Signer.PublicKey, null, tiles).GetAsync(TestChain.Streams[0]);
        badge.Status.ShouldBe(StreamProofStatus.Verified, string.Join("\n", badge.Findings));
        tiles.Cache.TileCount.ShouldBe(Length / TileSize);
        tiles.Mismatches.ShouldBe(1);
    }

    [Fact]
    public async Task PoisonedCache_TimelineBadge_StillVerifiedFromTheStreamedProof()
    {
        await db.TamperAsync("UPDATE ledger.events SET hash = sha256('poison'::bytea) WHERE seq = 3");
        var tiles = new TiledProofSource(Height);
        await tiles.CoverAsync(db.DataSource, Length);
        await db.TamperAsync($"UPDATE ledger.events SET hash = decode('{Convert.ToHexString(Events[2].Hash!)}', 'hex') WHERE seq = 3");

        var badge = await new StreamProofQuery(db.DataSource, Signer.PublicKey, null, tiles).GetAsync(TestChain.Streams[1]);

        badge.Status.ShouldBe(StreamProofStatus.Verified, string.Join("\n", badge.Findings));
        badge.InclusionProof.ShouldBe((await Streamed(badge.IncludedSeq!.Value - 1, Length)).Select(h => HashHex.ToHex(h)).ToList());
        tiles.Mismatches.ShouldBe(1);
    }

    [Fact]
    public async Task TamperedEvent_BothProofsFail_NotBlamedOnTheCache()
    {
        var tiles = new TiledProofSource(Height);
        await tiles.CoverAsync(db.DataSource, Length);
        await db.TamperAsync("UPDATE ledger.events SET actor = 'someone-else' WHERE seq = 50");

        var doc = await new ProofService(db.DataSource, Signer.PublicKey, TimeProvider.System, tiles).InclusionAsync(50, Length);

        doc.RootHash.ShouldNotBe(HashHex.ToHex(Checkpoints[^1].Checkpoint.RootHash), "the recomputed leaf hash is the altered event's");
        tiles.Mismatches.ShouldBe(0);
        tiles.Cache.TileCount.ShouldBe(Length / TileSize, "the cache is kept");
    }

    [Fact]
    public async Task InclusionProofsBatch_EveryLeaf_EqualsTheStreamedProofs()
    {
        var tiles = new TiledProofSource(Height);
        var leaves = Enumerable.Range(0, Length).Select(i => ((long)i, LeafHash(i))).ToList();

        var proofs = await tiles.VerifiedInclusionProofsAsync(db.DataSource, leaves, Length, Checkpoints[^1].Checkpoint.RootHash);

        proofs.Count.ShouldBe(Length);
        for (var i = 0; i < Length; i += 7)
            proofs[i].ShouldBe(await Streamed(i, Length), $"inclusion {i}");
        tiles.Mismatches.ShouldBe(0);
        // The cache build (296), then per batch of 256 proofs the tiles they touch, once each, plus the partial last tile:
        // [0, 256) + [296, 300), then [256, 300).
        tiles.LeavesRead.ShouldBe(296 + 260 + 44);
    }

    [Fact]
    public async Task ReadRanges_RowMissing_ErrorNamesTheSeq()
    {
        await db.TamperAsync("DELETE FROM ledger.events WHERE seq = 12");

        var ex = await Should.ThrowAsync<InvalidDataException>(() =>
            new LeafHashReader(db.DataSource).ReadRangesAsync([new LeafRange(0, 8), new LeafRange(8, 16)]));

        ex.Message.ShouldContain("no event at seq 12");
    }
}
