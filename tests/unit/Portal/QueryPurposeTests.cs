using AuditPortal.Portal.Gateway;

namespace AuditPortal.Tests.Portal;

public sealed class QueryPurposeTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("too short")]
    [InlineData("         x          ")]
    [InlineData("case\u0000 4711 fraud")]
    public void TryUnmask_InvalidJustification_IsRefusedWithReason(string? justification)
    {
        QueryPurpose.TryUnmask(justification, out var purpose, out var problem).ShouldBeFalse();
        purpose.ShouldBeNull();
        problem.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void TryUnmask_TenCharacters_IsAcceptedTrimmed()
    {
        QueryPurpose.TryUnmask("  case 47110  ", out var purpose, out _).ShouldBeTrue();
        purpose!.Text.ShouldBe("case 47110");
        purpose.Unmask.ShouldBeTrue();
    }
}
