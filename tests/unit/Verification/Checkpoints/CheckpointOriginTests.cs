using AuditPortal.Verification.Checkpoints;

namespace AuditPortal.Tests.Verification.Checkpoints;

/// <summary>The origin grammar of docs/ledger-format.md §5.5.</summary>
public sealed class CheckpointOriginTests
{
    [Theory]
    [InlineData("ledger/demo", true)]
    [InlineData("access-log/demo", true)]
    [InlineData("ledger/0demo.eu_1-x", true)]
    [InlineData("ledger", false)]
    [InlineData("ledger/", false)]
    [InlineData("ledger/-demo", false)]
    [InlineData("ledger/de mo", false)]
    [InlineData("ledger/de/mo", false)]
    [InlineData("Ledger/demo", false)]
    [InlineData("audit/demo", false)]
    [InlineData("ledger/démo", false)]
    public void CheckpointOrigin_Grammar(string origin, bool valid)
    {
        (CheckpointOrigin.Problem(origin) is null).ShouldBe(valid, CheckpointOrigin.Problem(origin));
    }

    [Fact]
    public void CheckpointOrigin_TooLongDeployment_IsRejected()
    {
        CheckpointOrigin.Problem("ledger/" + new string('a', 64)).ShouldBeNull();
        CheckpointOrigin.Problem("ledger/" + new string('a', 65)).ShouldNotBeNull();
    }

    [Fact]
    public void Parse_OriginOutsideTheGrammar_IsAFormatError()
    {
        var text = new Checkpoint("ledger/demo", 1, new byte[32], new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc)).ToText();
        Should.Throw<FormatException>(() => Checkpoint.Parse(text.Replace("ledger/demo", "ledger/de/mo", StringComparison.Ordinal)));
        Should.Throw<InvalidOperationException>(() => new Checkpoint("ledger", 1, new byte[32], DateTime.UnixEpoch).ToText());
    }
}
