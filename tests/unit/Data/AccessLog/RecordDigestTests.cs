using AuditPortal.Data.AccessLog;

namespace AuditPortal.Tests.Data.AccessLog;

public sealed class RecordDigestTests
{
    [Fact]
    public void Compute_Empty_IsSha256OfTheEmptyString() =>
        RecordDigest.Compute(Array.Empty<Guid>()).ShouldBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    [Fact]
    public void Compute_Ids_SortedOrdinallyEachFollowedByLf()
    {
        // printf 'a\nb\n' | sha256sum
        RecordDigest.Compute(["b", "a"]).ShouldBe("911169ddaaf146aff539f58c26c489af3b892dff0fe283c1c264c65ae5aa59a2");
    }

    [Fact]
    public void Compute_Guids_LowercaseHyphenatedInByteOrder()
    {
        var a = Guid.Parse("0190F3A0-0000-7000-8000-000000000002");
        var b = Guid.Parse("0190f3a0-0000-7000-8000-00000000000a");
        RecordDigest.Compute([b, a]).ShouldBe(RecordDigest.Compute(["0190f3a0-0000-7000-8000-000000000002", "0190f3a0-0000-7000-8000-00000000000a"]));
        RecordDigest.Compute([a, b]).ShouldBe(RecordDigest.Compute([b, a]));
    }

    [Fact]
    public void Compute_IdWithLf_Throws() =>
        Should.Throw<ArgumentException>(() => RecordDigest.Compute(["a\nb"]));
}
