using System.Security.Cryptography;
using AuditPortal.Verification.Merkle;

namespace AuditPortal.Tests.Verification.Merkle;

public class MerkleHasherTests
{
    [Fact]
    public void EmptyRoot_Always_IsSha256OfEmptyString()
    {
        MerkleHasher.EmptyRoot.ToArray().ShouldBe(SHA256.HashData([]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1023)]
    [InlineData(1024)]
    [InlineData(5000)]
    public void HashLeaf_AnyLength_IsSha256OfZeroPrefixAndData(int length)
    {
        var data = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();

        MerkleHasher.HashLeaf(data).ShouldBe(SHA256.HashData([MerkleHasher.LeafHashPrefix, .. data]));
    }

    [Fact]
    public void HashChildren_TwoHashes_IsSha256OfOnePrefixLeftRight()
    {
        var left = SHA256.HashData("l"u8);
        var right = SHA256.HashData("r"u8);

        MerkleHasher.HashChildren(left, right).ShouldBe(SHA256.HashData([MerkleHasher.NodeHashPrefix, .. left, .. right]));
    }

    [Fact]
    public void HashChildren_DestinationAliasesLeft_GivesSameHash()
    {
        var left = SHA256.HashData("l"u8);
        var right = SHA256.HashData("r"u8);
        var expected = MerkleHasher.HashChildren(left, right);

        MerkleHasher.HashChildren(left, right, left);

        left.ShouldBe(expected);
    }

    [Fact]
    public void HashChildren_ShortChild_ThrowsWithLengths()
    {
        var ex = Should.Throw<ArgumentException>(() => MerkleHasher.HashChildren(new byte[31], new byte[32]));

        ex.Message.ShouldContain("31 bytes, want 32");
    }

    [Fact]
    public void HashLeaf_DestinationTooSmall_Throws()
    {
        Should.Throw<ArgumentException>(() => MerkleHasher.HashLeaf([1], new byte[16]));
    }
}
