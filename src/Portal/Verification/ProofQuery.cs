using System.Security.Claims;
using System.Text.Json.Nodes;
using AuditPortal.Data.Proofs;
using AuditPortal.Portal.Dashboard;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Redaction;
using AuditPortal.Verification.Evidence;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;

namespace AuditPortal.Portal.Verification;

/// <summary>An inclusion proof with its step-by-step walk.</summary>
public sealed record InclusionProofView(InclusionProofDocument Document, ProofWalk Walk) : IRedactable
{
    // The canonical form carries personal fields only as ciphertext (docs/ledger-format.md §7); nothing to mask.
    public IEnumerable<JsonObject> Payloads => [];
}

/// <summary>A consistency proof with its step-by-step walk.</summary>
public sealed record ConsistencyProofView(ConsistencyProofDocument Document, ProofWalk Walk) : IRedactable
{
    public IEnumerable<JsonObject> Payloads => [];
}

/// <summary>
/// Proofs through the query gateway (<see cref="QueryKinds.ProofRead"/>): the access-log entry is
/// written first; the proof is then built by <see cref="ProofService"/> on the standby (reader role,
/// read-only transactions), from the process's subtree-hash cache when the size has a checkpoint to check it
/// against (docs/proof-cache.md) — the same documents <c>auditportal proof …</c> writes and
/// <c>auditportal evidence verify</c> accepts.
/// </summary>
public sealed class ProofQuery(QueryGateway gateway, PortalDatabases databases, CheckpointKeySource keys, TiledProofSource tiles, TimeProvider time)
{
    public Task<GatewayResult<InclusionProofView>> InclusionAsync(ClaimsPrincipal user, long seq, long size, CancellationToken ct) =>
        gateway.RunAsync(QueryKinds.ProofRead, user, new { proof = "inclusion", seq, size }, purpose: null, InclusionQuery(seq, size), ct);

    public Task<GatewayResult<ConsistencyProofView>> ConsistencyAsync(ClaimsPrincipal user, long size1, long size2, CancellationToken ct) =>
        gateway.RunAsync(QueryKinds.ProofRead, user, new { proof = "consistency", size1, size2 }, purpose: null, ConsistencyQuery(size1, size2), ct);

    /// <summary>
    /// The inclusion proof and its record ids, for the page and for the re-run of "what did they see": a proof at a
    /// checkpoint's size is the same document whenever it is built (the ledger is append-only), so its size is its bound.
    /// </summary>
    public Func<ReplicaSession, CancellationToken, Task<QueryAnswer<InclusionProofView>>> InclusionQuery(long seq, long size) =>
        async (_, token) =>
        {
            var doc = await Service().InclusionAsync(seq, size, token);
            var walk = MerkleProofSteps.Inclusion(doc.LeafIndex, doc.TreeSize, HashHex.Parse(doc.LeafHash),
                doc.Proof.Select(HashHex.Parse).ToArray(), SignedRoot(doc.Checkpoint));
            return QueryAnswer.Of(new InclusionProofView(doc, walk), [RecordId.Seq(seq), RecordId.Checkpoint(size)]);
        };

    /// <summary>The consistency proof and its record ids, for the page and the re-run (see <see cref="InclusionQuery"/>).</summary>
    public Func<ReplicaSession, CancellationToken, Task<QueryAnswer<ConsistencyProofView>>> ConsistencyQuery(long size1, long size2) =>
        async (_, token) =>
        {
            var doc = await Service().ConsistencyAsync(size1, size2, token);
            var walk = MerkleProofSteps.Consistency(size1, size2, doc.Proof.Select(HashHex.Parse).ToArray(),
                SignedRoot(doc.Checkpoint1), SignedRoot(doc.Checkpoint2));
            return QueryAnswer.Of(new ConsistencyProofView(doc, walk), [RecordId.Checkpoint(size1), RecordId.Checkpoint(size2)]);
        };

    /// <summary>
    /// The root the signed checkpoint commits to: the walk is checked against it, not against the tree the proof came
    /// from. Every portal proof has one (<see cref="ProofService.RequireSignedCheckpoint"/>).
    /// </summary>
    private static byte[] SignedRoot(EvidenceCheckpoint? checkpoint) =>
        AuditPortal.Verification.Checkpoints.Checkpoint.Parse(
            (checkpoint ?? throw new InvalidOperationException("a portal proof without its signed checkpoint")).Text).RootHash;

    private ProofService Service() => new(
        (databases.Replica ?? throw new InvalidOperationException("ConnectionStrings:Replica is not set")).DataSource,
        keys.Key ?? throw new InvalidOperationException(keys.Problem ?? "no checkpoint public key"), time, tiles)
    {
        RequireSignedCheckpoint = true,
    };
}
