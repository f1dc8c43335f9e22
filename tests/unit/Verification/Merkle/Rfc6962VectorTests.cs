using System.Text.Json;
using AuditPortal.Verification.Merkle;

namespace AuditPortal.Tests.Verification.Merkle;

/// <summary>The RFC 6962 test vectors published by transparency-dev/merkle, from testdata/merkle/.</summary>
public class Rfc6962VectorTests
{
    public static TheoryData<string> RootCases => TestDataFiles.Cases("merkle", "root-");

    public static TheoryData<string> InclusionCases => TestDataFiles.Cases("merkle", "inclusion-");

    public static TheoryData<string> ConsistencyCases => TestDataFiles.Cases("merkle", "consistency-");

    private static MerkleTree TreeOf(JsonElement vector)
    {
        var tree = new MerkleTree();
        foreach (var leaf in vector.GetProperty("leaves").EnumerateArray())
        {
            tree.AppendLeaf(Convert.FromHexString(leaf.GetString()!));
        }

        return tree;
    }

    private static byte[] Hex(JsonElement vector, string name) => Convert.FromHexString(vector.GetProperty(name).GetString()!);

    private static List<byte[]> Proof(JsonElement vector) =>
        vector.GetProperty("proof").EnumerateArray().Select(e => Convert.FromHexString(e.GetString()!)).ToList();

    [Theory]
    [MemberData(nameof(RootCases))]
    public void RootHash_PublishedVector_MatchesRoot(string name)
    {
        var vector = TestDataFiles.Read("merkle", name);
        long size = vector.GetProperty("size").GetInt64();
        var tree = TreeOf(vector);
        var compact = CompactRange.Empty(0);
        for (long i = 0; i < size; i++)
        {
            compact.Append(tree.LeafHash(i));
        }

        Convert.ToHexStringLower(tree.RootHash(size)).ShouldBe(vector.GetProperty("root").GetString(), vector.GetProperty("desc").GetString());
        Convert.ToHexStringLower(compact.RootHash()).ShouldBe(vector.GetProperty("root").GetString());
    }

    [Theory]
    [MemberData(nameof(InclusionCases))]
    public void VerifyInclusion_PublishedVector_GivesWantedOutcome(string name)
    {
        var vector = TestDataFiles.Read("merkle", name);
        long index = vector.GetProperty("index").GetInt64();
        long size = vector.GetProperty("size").GetInt64();
        bool wantErr = vector.GetProperty("wantErr").GetBoolean();
        var tree = TreeOf(vector);
        long leafOf = vector.TryGetProperty("leafHashOf", out var l) ? l.GetInt64() : index;
        var proof = Proof(vector);

        var result = MerkleProofVerifier.VerifyInclusion(index, size, tree.LeafHash(leafOf), proof, Hex(vector, "root"));

        result.IsValid.ShouldBe(!wantErr, $"{vector.GetProperty("desc").GetString()}: {result}");
        if (!wantErr)
        {
            tree.InclusionProof(index, size).Select(Convert.ToHexStringLower).ShouldBe(proof.Select(Convert.ToHexStringLower));
        }
    }

    [Theory]
    [MemberData(nameof(ConsistencyCases))]
    public void VerifyConsistency_PublishedVector_GivesWantedOutcome(string name)
    {
        var vector = TestDataFiles.Read("merkle", name);
        long size1 = vector.GetProperty("size1").GetInt64();
        long size2 = vector.GetProperty("size2").GetInt64();
        bool wantErr = vector.GetProperty("wantErr").GetBoolean();
        var proof = Proof(vector);

        var result = MerkleProofVerifier.VerifyConsistency(size1, size2, proof, Hex(vector, "root1"), Hex(vector, "root2"));

        result.IsValid.ShouldBe(!wantErr, $"{vector.GetProperty("desc").GetString()}: {result}");
        if (!wantErr)
        {
            TreeOf(vector).ConsistencyProof(size1, size2).Select(Convert.ToHexStringLower).ShouldBe(proof.Select(Convert.ToHexStringLower));
        }
    }
}
