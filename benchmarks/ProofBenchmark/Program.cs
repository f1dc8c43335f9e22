// Proof cost before/after the subtree-hash cache (docs/proof-cache.md), side by side in one process, on an
// existing ledger with a signed checkpoint (e.g. `PORTAL_SEED_EVENTS=1000000 ./portal up`, then `eval "$(./portal env)"`):
//
//   dotnet run -c Release --project benchmarks/ProofBenchmark -- [--connection "$AUDITPORTAL_REPLICA"] \
//     [--keys "$AUDITPORTAL_KEYS_DIR"] [--proofs 20] [--height 8]
//
// Per phase: this process's CPU time (Process.TotalProcessorTime: hashing + Npgsql decoding; the server's
// side is in EXPLAIN (ANALYZE, BUFFERS), see docs/proof-cache.md), wall time, leaf hashes read from the
// ledger and managed bytes allocated. "before" is the streaming build the portal used per request; "after"
// is one cache build, then per proof ≤ 2 tiles of leaf hashes.
using System.Diagnostics;
using System.Globalization;
using AuditPortal.Data.Checkpoints;
using AuditPortal.Data.Proofs;
using AuditPortal.Data.Reading;
using AuditPortal.Data.Timeline;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;
using Npgsql;

var connection = Arg("--connection") ?? Environment.GetEnvironmentVariable("AUDITPORTAL_REPLICA");
var keysDir = Arg("--keys") ?? Environment.GetEnvironmentVariable("AUDITPORTAL_KEYS_DIR");
if (string.IsNullOrEmpty(connection) || string.IsNullOrEmpty(keysDir))
{
    Console.Error.WriteLine("usage: ProofBenchmark --connection <replica connection string> --keys <keys dir> [--proofs 20] [--height 8]");
    return 2;
}
var proofs = int.Parse(Arg("--proofs") ?? "20", CultureInfo.InvariantCulture);
var height = int.Parse(Arg("--height") ?? "8", CultureInfo.InvariantCulture);
await using var dataSource = NpgsqlDataSource.Create(connection);
var publicKey = CheckpointPublicKey.FromPem(await File.ReadAllTextAsync(Path.Combine(keysDir, "ledger-checkpoint-public.pem")));
var checkpoints = await new CheckpointStore(dataSource).ReadAllAsync();
var latest = checkpoints.MaxBy(c => c.Checkpoint.Size) ?? throw new InvalidOperationException("no checkpoint");
var size = latest.Checkpoint.Size;
var root = latest.Checkpoint.RootHash;
var random = new Random(42);
var indices = Enumerable.Range(0, proofs).Select(_ => random.NextInt64(size)).ToArray();
Console.WriteLine($"ledger: checkpoint size {size:N0}; {proofs} inclusion proofs at random leaves; tile height {height}");

// Before: every proof streams the leaf hashes of [0, size).
var before = await Measure("before: streamed inclusion proof (per proof)", proofs, async () =>
{
    long read = 0;
    foreach (var index in indices)
    {
        var proof = await ProofBuilder.BuildAsync(ProofPlan.Inclusion(index, size), Counting(new LeafHashReader(dataSource).ReadAsync(size), () => read++));
        Check(index, proof);
    }
    return read;
});

// After: one cache build, then ≤ 2 tiles per proof.
var tiles = new TiledProofSource(height);
await Measure("after: cache build, once (streams [0, size))", 1, async () =>
{
    await tiles.CoverAsync(dataSource, size);
    return tiles.LeavesRead;
});
Console.WriteLine($"  cache: {tiles.Cache.TileCount:N0} tiles, {tiles.Cache.ByteSize:N0} bytes");
var after = await Measure("after: cached inclusion proof (per proof)", proofs, async () =>
{
    var start = tiles.LeavesRead;
    foreach (var index in indices)
        Check(index, await tiles.InclusionProofAsync(dataSource, index, size));
    return tiles.LeavesRead - start;
});
Console.WriteLine($"  per-proof CPU: before/after = {before.CpuPerOp / Math.Max(after.CpuPerOp, 1e-6):N0}x");
var many = Enumerable.Range(0, 200).Select(_ => random.NextInt64(size)).ToArray();
await Measure("after: cached inclusion proof, 200 more (steady state, per proof)", many.Length, async () =>
{
    var start = tiles.LeavesRead;
    foreach (var index in many)
        Check(index, await tiles.InclusionProofAsync(dataSource, index, size));
    return tiles.LeavesRead - start;
});

// Per badge (timeline): stream verification + inclusion proof of its head; streams of the sampled leaves.
var streams = new List<StreamKey>();
await foreach (var e in new LedgerRowReader(dataSource).ReadRangeAsync(indices[0] + 1, indices[0] + 1))
    streams.Add(e.Stream);
var badgeStream = streams[0];
await Measure($"before: badge of {badgeStream} (StreamProofQuery, streamed proof)", 3, async () =>
{
    for (var i = 0; i < 3; i++)
        Status(await new StreamProofQuery(dataSource, publicKey).GetAsync(badgeStream));
    return 3 * size; // the streamed proof reads every leaf hash up to the checkpoint

});
await Measure($"after: badge of {badgeStream} (StreamProofQuery, cached proof)", 3, async () =>
{
    var start = tiles.LeavesRead;
    for (var i = 0; i < 3; i++)
        Status(await new StreamProofQuery(dataSource, publicKey, null, tiles).GetAsync(badgeStream));
    return tiles.LeavesRead - start;
});

// Consistency size/2 -> size: the old in-memory LevelledMerkleTree, the streamed build, the cache.
var half = size / 2 + 3;
await Measure("before: consistency via LevelledMerkleTree (all leaves + levels in memory)", 1, async () =>
{
    var tree = new LevelledMerkleTree(await new LeafHashReader(dataSource).ReadAllAsync(size));
    _ = tree.ConsistencyProof(half);
    Same(tree.RootHash(), root);
    return size;
});
await Measure("streamed consistency (O(log n) memory, the fallback)", 1, async () =>
{
    var (_, _, root2) = await TiledProofSource.StreamedConsistencyAsync(dataSource, half, size);
    Same(root2, root);
    return size;
});
await Measure("after: cached consistency proof + both roots", 1, async () =>
{
    var start = tiles.LeavesRead;
    var (_, _, root2) = await tiles.ConsistencyProofAsync(dataSource, half, size);
    Same(root2, root);
    return tiles.LeavesRead - start;
});
return 0;

void Check(long index, IReadOnlyList<byte[]> proof)
{
    // Leaf hash as stored (the benchmark measures proof cost; the portal recomputes it from the event).
    var result = MerkleProofVerifier.RootFromInclusionProof(index, size, LeafHashAt(index), proof);
    Same(result.CalculatedRoot!, root);
}

byte[] LeafHashAt(long index)
{
    using var cmd = dataSource.CreateCommand("SELECT hash FROM ledger.events WHERE seq = $1");
    cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = index + 1 });
    return (byte[])cmd.ExecuteScalar()!;
}

static void Same(byte[] actual, byte[] expected)
{
    if (!actual.AsSpan().SequenceEqual(expected))
        throw new InvalidOperationException($"root {HashHex.ToHex(actual)}, want {HashHex.ToHex(expected)}");
}

static void Status(StreamProof proof)
{
    if (proof.Status is not (StreamProofStatus.Verified or StreamProofStatus.VerifiedPendingCheckpoint))
        throw new InvalidOperationException($"badge {proof.Status}: {string.Join("; ", proof.Findings)}");
}

static async IAsyncEnumerable<(long, byte[])> Counting(IAsyncEnumerable<(long, byte[])> source, Action count)
{
    await foreach (var item in source)
    {
        count();
        yield return item;
    }
}

static async Task<(double CpuPerOp, double LeavesPerOp)> Measure(string name, int ops, Func<Task<long>> run)
{
    GC.Collect();
    var process = Process.GetCurrentProcess();
    var cpu = process.TotalProcessorTime;
    var allocated = GC.GetTotalAllocatedBytes(precise: true);
    var wall = Stopwatch.StartNew();
    var leaves = await run();
    wall.Stop();
    process.Refresh();
    var cpuMs = (process.TotalProcessorTime - cpu).TotalMilliseconds;
    var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name}: CPU {cpuMs / ops:N1} ms/op, wall {wall.Elapsed.TotalMilliseconds / ops:N1} ms/op, leaf hashes read {leaves / (double)ops:N0}/op (≈ {leaves * 50.0 / ops / 1e6:N2} MB COPY), allocated {bytes / (double)ops / 1e6:N2} MB/op"));
    return (cpuMs / ops, leaves / (double)ops);
}

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
