using System.Text.Json.Nodes;
using AuditPortal.Data.Reading;
using AuditPortal.Data.Replica;
using AuditPortal.Portal.Redaction;

namespace AuditPortal.Portal.Dashboard;

/// <summary>The home dashboard's ledger facts, read in one replica snapshot. Carries no payloads.</summary>
/// <param name="Growth">The ledger's size over time, sampled (<see cref="LedgerGrowthReader"/>), oldest first.</param>
public sealed record DashboardView(LedgerHead? Head, CheckpointStatus? LatestCheckpoint, ReplicaLag Lag, IReadOnlyList<LedgerGrowthPoint> Growth) : IRedactable
{
    public IEnumerable<JsonObject> Payloads => [];
}

/// <summary>The ledger's head: its size (max seq) and the head event's leaf hash (hex).</summary>
public sealed record LedgerHead(long Size, string HeadHash);

/// <summary>Whether a stored checkpoint's signature checks out with the configured public key.</summary>
public enum SignatureCheck
{
    Valid,
    Invalid,

    /// <summary>No public key is configured or it could not be read; nothing was verified.</summary>
    NoPublicKey,

    /// <summary>The stored row is malformed (its text does not parse).</summary>
    Malformed,
}

/// <summary>The latest checkpoint and the outcome of verifying its signature.</summary>
public sealed record CheckpointStatus(long Size, DateTime Time, string RootHash, string KeyId, SignatureCheck Signature, string? Problem);

