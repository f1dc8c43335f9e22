using System.Text;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Evidence;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;
using AuditPortal.Verification.StreamHeads;

namespace AuditPortal.Tests.Verification.Evidence;

/// <summary>Builds small, valid ledgers in memory and the documents the exporter would write for them.</summary>
internal sealed class TestBundles : IDisposable
{
    public CheckpointSigner Signer { get; } = CheckpointSigner.Generate();
    public List<LedgerEvent> Ledger { get; } = [];

    /// <summary>Alternates events between two streams (a/1 and b/2) so proofs and stream chains interleave.</summary>
    public TestBundles(int events = 11)
    {
        var heads = new Dictionary<string, (long Seq, byte[] Hash)>();
        var prev = HashHex.Zero;
        for (var i = 1; i <= events; i++)
        {
            var stream = i % 3 == 0 ? "b/2" : "a/1";
            var head = heads.GetValueOrDefault(stream, (0, HashHex.Zero));
            var e = new LedgerEvent
            {
                Seq = i,
                EventId = Guid.Parse($"01890a5d-ac96-774b-bcce-{i:D12}"),
                StreamType = stream[..1],
                StreamId = stream[2..],
                StreamSeq = head.Seq + 1,
                OccurredAt = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i),
                RecordedAt = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i),
                Actor = "svc:test",
                Action = "thing.happened",
                SchemaVersion = 1,
                PayloadJson = $"{{\"n\":{i}}}",
                PrevHash = prev,
                StreamPrevHash = head.Hash,
            };
            e = e with { Hash = EventRecord.LeafHash(e) };
            Ledger.Add(e);
            prev = e.Hash!;
            heads[stream] = (e.StreamSeq, e.Hash!);
        }
    }

    public LevelledMerkleTree Tree(long size) => new(Ledger.Take((int)size).Select(e => e.Hash!).ToArray());

    public SignedCheckpoint Checkpoint(long size) =>
        Signer.Sign(new Checkpoint("ledger/test", size, Tree(size).RootHash(), new DateTime(2024, 2, 1, 0, 0, 0, DateTimeKind.Utc)));

    public EvidenceBundle Bundle(string type = "a", string id = "1")
    {
        var size = Ledger.Count;
        var tree = Tree(size);
        return new EvidenceBundle
        {
            Format = EvidenceBundle.FormatName,
            ExportedAt = "2024-02-01T00:00:00.000000Z",
            Stream = new EvidenceStream { Type = type, Id = id, Complete = true },
            Events = Ledger.Where(e => e.StreamType == type && e.StreamId == id).Select(e => new EvidenceEvent
            {
                Seq = e.Seq,
                LeafIndex = e.Seq - 1,
                Canonical = Encoding.UTF8.GetString(EventRecord.CanonicalBytes(e)),
                LeafHash = HashHex.ToHex(e.Hash!),
                InclusionProof = tree.InclusionProof(e.Seq - 1).Select(h => HashHex.ToHex(h)).ToArray(),
            }).ToArray(),
            Checkpoint = Evidence(Checkpoint(size)),
            PublicKeyPem = Signer.PublicKey.ToPem(),
            KeyId = Signer.PublicKey.KeyId,
        };
    }

    /// <summary>The stream-head tree of the first <paramref name="size"/> events.</summary>
    public StreamHeadTree Heads(long size)
    {
        var heads = new StreamHeadTree();
        foreach (var e in Ledger.Take((int)size))
            heads.Set(e.Stream, e.StreamSeq, e.Hash);
        return heads;
    }

    public SignedCheckpoint CheckpointV2(long size) =>
        Signer.Sign(new Checkpoint("ledger/test", size, Tree(size).RootHash(), new DateTime(2024, 2, 1, 0, 0, 0, DateTimeKind.Utc), Heads(size).Commit()));

    /// <summary>The format 2 bundle the exporter writes for stream <paramref name="type"/>/<paramref name="id"/> at <paramref name="size"/>.</summary>
    public EvidenceBundleV2 BundleV2(string type = "a", string id = "1", long? size = null)
    {
        var treeSize = size ?? Ledger.Count;
        var v1 = Bundle(type, id);
        var signed = CheckpointV2(treeSize);
        var tree = Tree(treeSize);
        return new EvidenceBundleV2
        {
            Format = EvidenceBundleV2.FormatName,
            ExportedAt = v1.ExportedAt,
            Stream = v1.Stream,
            Events = v1.Events.Where(e => e.Seq <= treeSize)
                .Select(e => e with { InclusionProof = tree.InclusionProof(e.Seq - 1).Select(h => HashHex.ToHex(h)).ToArray() }).ToArray(),
            Checkpoint = new EvidenceNote { Note = signed.Note! },
            PublicKeyPem = v1.PublicKeyPem,
            KeyId = v1.KeyId,
            Vkeys = Signer.VerifierKeys("ledger/test").Select(k => k.ToString()).ToArray(),
            StreamHead = StreamHeadProofs.Build(Heads(treeSize).Leaves(), new StreamKey(type, id)),
        };
    }

    public InclusionProofDocument Inclusion(long seq, long size)
    {
        var e = Ledger[(int)seq - 1];
        var tree = Tree(size);
        return new InclusionProofDocument
        {
            Format = InclusionProofDocument.FormatName,
            Seq = seq,
            LeafIndex = seq - 1,
            TreeSize = size,
            Canonical = Encoding.UTF8.GetString(EventRecord.CanonicalBytes(e)),
            LeafHash = HashHex.ToHex(e.Hash!),
            Proof = tree.InclusionProof(seq - 1).Select(h => HashHex.ToHex(h)).ToArray(),
            RootHash = HashHex.ToHex(tree.RootHash()),
            Checkpoint = Evidence(Checkpoint(size)),
            PublicKeyPem = Signer.PublicKey.ToPem(),
            KeyId = Signer.PublicKey.KeyId,
        };
    }

    public ConsistencyProofDocument Consistency(long size1, long size2)
    {
        var tree = Tree(size2);
        return new ConsistencyProofDocument
        {
            Format = ConsistencyProofDocument.FormatName,
            Size1 = size1,
            Size2 = size2,
            Root1 = HashHex.ToHex(tree.RootHash(size1)),
            Root2 = HashHex.ToHex(tree.RootHash()),
            Proof = tree.ConsistencyProof(size1).Select(h => HashHex.ToHex(h)).ToArray(),
            Checkpoint1 = size1 == 0 ? null : Evidence(Checkpoint(size1)),
            Checkpoint2 = Evidence(Checkpoint(size2)),
            PublicKeyPem = Signer.PublicKey.ToPem(),
            KeyId = Signer.PublicKey.KeyId,
        };
    }

    private static EvidenceCheckpoint Evidence(SignedCheckpoint s) => new() { Text = s.Checkpoint.ToText(), Signature = s.SignatureBase64 };

    public void Dispose() => Signer.Dispose();
}
