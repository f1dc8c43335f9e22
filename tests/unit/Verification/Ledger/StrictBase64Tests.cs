using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Verification.Ledger;

/// <summary>Strict base64 (docs/ledger-format.md §1): one text per byte string.</summary>
public sealed class StrictBase64Tests
{
    [Theory]
    [InlineData("AAAA", true)]
    [InlineData("3q2+7w==", true)]
    [InlineData("3q2+7w=", false)]          // length not a multiple of 4
    [InlineData("3q2+7x==", false)]         // unused bits not zero
    [InlineData("3q2+\n7w==", false)]       // line break inside
    [InlineData("3q2-7w==", false)]         // URL-safe alphabet
    [InlineData("3q2+7w=====", false)]
    [InlineData("=AAA", false)]
    public void StrictBase64_AcceptsOnlyTheCanonicalText(string text, bool valid)
    {
        (StrictBase64.TryDecode(text, out var problem) is not null).ShouldBe(valid, problem);
    }
}
