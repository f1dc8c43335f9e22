using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Verification.Canonical;
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
    public string Origin { get; } = "ledger/test";
    public DateTime Time { get; } = new(2024, 2, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Documents of a given ledger, signed by <paramref name="signer"/> (which this instance then owns).</summary>
    public TestBundles(IEnumerable<LedgerEvent> ledger, CheckpointSigner signer, string origin, DateTime time)
    {
        Signer = signer;
        Ledger.AddRange(ledger);
        Origin = origin;
        Time = time;
    }

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
        Signer.Sign(new Checkpoint(Origin, size, Tree(size).RootHash(), Time));

    public EvidenceBundle Bundle(string type = "a", string id = "1")
    {
        var size = Ledger.Count;
        var tree = Tree(size);
        return new EvidenceBundle
        {
            Format = EvidenceBundle.FormatName,
            ExportedAt = "2024-02-01T00:00:00.000000Z",
            ExportedBy = null,
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
        Signer.Sign(new Checkpoint(Origin, size, Tree(size).RootHash(), Time, Heads(size).Commit()));

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
            ExportedBy = v1.ExportedBy,
            Stream = v1.Stream,
            Events = v1.Events.Where(e => e.Seq <= treeSize)
                .Select(e => e with { InclusionProof = tree.InclusionProof(e.Seq - 1).Select(h => HashHex.ToHex(h)).ToArray() }).ToArray(),
            Checkpoint = new EvidenceNote { Note = signed.Note! },
            PublicKeyPem = v1.PublicKeyPem,
            KeyId = v1.KeyId,
            Vkeys = Signer.VerifierKeys(Origin).Select(k => k.ToString()).ToArray(),
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

    /// <summary>
    /// A bundle of stream a/1 from a forged ledger whose signer is the real one: the record of <paramref name="seq"/>
    /// is changed by <paramref name="mutate"/> (then <paramref name="mutateText"/> on its canonical text), every
    /// other record keeps its chains linked to the forged leaf hashes, and the checkpoint is signed anew. Only the
    /// rule the mutation breaks can catch it: hashes, proofs and the signature all hold.
    /// </summary>
    public EvidenceBundle Forged(long seq, Action<JsonObject>? mutate = null, Func<string, string>? mutateText = null, bool complete = true,
        string? origin = null, string type = "a", string id = "1")
    {
        var (canonical, leaves, tree) = ForgedLedger(seq, mutate, mutateText);
        var size = Ledger.Count;
        return new EvidenceBundle
        {
            Format = EvidenceBundle.FormatName,
            ExportedAt = "2024-02-01T00:00:00.000000Z",
            ExportedBy = "investigator1",
            Stream = new EvidenceStream { Type = type, Id = id, Complete = complete },
            Events = Ledger.Where(e => e.StreamType == type && e.StreamId == id).Select(e => new EvidenceEvent
            {
                Seq = e.Seq,
                LeafIndex = e.Seq - 1,
                Canonical = canonical[(int)e.Seq - 1],
                LeafHash = HashHex.ToHex(leaves[e.Seq - 1]),
                InclusionProof = tree.InclusionProof(e.Seq - 1).Select(h => HashHex.ToHex(h)).ToArray(),
            }).ToArray(),
            Checkpoint = Evidence(Signer.Sign(new Checkpoint(origin ?? Origin, size, tree.RootHash(), Time))),
            PublicKeyPem = Signer.PublicKey.ToPem(),
            KeyId = Signer.PublicKey.KeyId,
        };
    }

    /// <summary>The inclusion proof document of <paramref name="seq"/> in the forged ledger of <see cref="Forged"/>.</summary>
    public InclusionProofDocument ForgedInclusion(long seq, Action<JsonObject>? mutate = null, Func<string, string>? mutateText = null)
    {
        var (canonical, leaves, tree) = ForgedLedger(seq, mutate, mutateText);
        var size = Ledger.Count;
        return new InclusionProofDocument
        {
            Format = InclusionProofDocument.FormatName,
            Seq = seq,
            LeafIndex = seq - 1,
            TreeSize = size,
            Canonical = canonical[(int)seq - 1],
            LeafHash = HashHex.ToHex(leaves[seq - 1]),
            Proof = tree.InclusionProof(seq - 1).Select(h => HashHex.ToHex(h)).ToArray(),
            RootHash = HashHex.ToHex(tree.RootHash()),
            Checkpoint = Evidence(Signer.Sign(new Checkpoint(Origin, size, tree.RootHash(), Time))),
            PublicKeyPem = Signer.PublicKey.ToPem(),
            KeyId = Signer.PublicKey.KeyId,
        };
    }

    private (string[] Canonical, byte[][] Leaves, LevelledMerkleTree Tree) ForgedLedger(long seq, Action<JsonObject>? mutate, Func<string, string>? mutateText)
    {
        var canonical = new string[Ledger.Count];
        var leaves = new byte[Ledger.Count][];
        var heads = new Dictionary<string, byte[]>();
        var prev = HashHex.Zero;
        foreach (var e in Ledger)
        {
            var record = JsonNode.Parse(EventRecord.CanonicalBytes(e))!.AsObject();
            var stream = $"{e.StreamType}/{e.StreamId}";
            record["prev_hash"] = HashHex.ToHex(prev);
            record["stream_prev_hash"] = HashHex.ToHex(heads.GetValueOrDefault(stream, HashHex.Zero));
            if (e.Seq == seq)
                mutate?.Invoke(record);
            var text = Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(record.ToJsonString()));
            if (e.Seq == seq && mutateText is not null)
                text = mutateText(text);
            canonical[e.Seq - 1] = text;
            leaves[e.Seq - 1] = prev = heads[stream] = MerkleHasher.HashLeaf(Encoding.UTF8.GetBytes(text));
        }
        return (canonical, leaves, new LevelledMerkleTree(leaves));
    }

    /// <summary>Signs any text, well-formed or not, with the real key as §5 signs checkpoints: only the text rules can catch it.</summary>
    public EvidenceCheckpoint SignText(string text)
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        key.ImportFromPem(Signer.ExportPrivateKeyPem());
        var signature = key.SignData(Encoding.UTF8.GetBytes(text), System.Security.Cryptography.HashAlgorithmName.SHA256,
            System.Security.Cryptography.DSASignatureFormat.Rfc3279DerSequence);
        return new EvidenceCheckpoint { Text = text, Signature = Convert.ToBase64String(signature) };
    }

    private static readonly System.Numerics.BigInteger P256Order =
        System.Numerics.BigInteger.Parse("115792089210356248762697446949407573529996955224135760342422259061068512044369", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The other valid form of a DER ECDSA signature: (r, n − s) for (r, s).</summary>
    public static byte[] HighS(byte[] der)
    {
        var reader = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        var (r, s) = (reader.ReadInteger(), reader.ReadInteger());
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(r);
            writer.WriteInteger(P256Order - s);
        }
        return writer.Encode();
    }

    public static EvidenceCheckpoint Evidence(SignedCheckpoint s) => new() { Text = s.Checkpoint.ToText(), Signature = s.SignatureBase64 };

    public void Dispose() => Signer.Dispose();
}
