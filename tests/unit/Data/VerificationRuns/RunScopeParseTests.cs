using AuditPortal.Data.Requests;
using AuditPortal.Data.Timeline;
using AuditPortal.Data.VerificationRuns;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Data.VerificationRuns;

/// <summary>The start form's scope: numbers by the request integer rule, stream names by the name rule.</summary>
public sealed class RunScopeParseTests
{
    [Theory]
    [InlineData("whole", null, null, null, "whole")]
    [InlineData("", "", "", "", "whole")]
    [InlineData("range", "5", "9", "", "range:5-9")]
    [InlineData("range", "1", "9007199254740991", null, "range:1-9007199254740991")]
    [InlineData("stream", "", "", "tax_form/acc-1/2024", "stream:tax_form/acc-1/2024")]
    public void Parse_Valid(string? scope, string? from, string? to, string? stream, string key) =>
        RunScope.Parse(scope, from, to, stream, out _)!.Key.ShouldBe(key);

    [Theory]
    [InlineData("range", "9", "5", null, "to (5)")]
    [InlineData("range", "0", "5", null, "from:")]
    [InlineData("range", "1", "9223372036854775807", null, "to:")]   // passed a long parse and broke the access log
    [InlineData("range", "1", "9007199254740992", null, "to:")]
    [InlineData("range", "", "5", null, "from:")]
    [InlineData("stream", null, null, "nostream", "type/id")]
    [InlineData("stream", null, null, "a\u202Eb/c", "stream type:")]
    [InlineData("stream", null, null, "account/acc\u200B-1", "stream id:")]
    [InlineData("everything", null, null, null, "whole, range or stream")]
    public void Parse_Invalid_SaysWhy(string scope, string? from, string? to, string? stream, string mentioned)
    {
        RunScope.Parse(scope, from, to, stream, out var problem).ShouldBeNull();
        problem.ShouldNotBeNull();
        problem.ShouldContain(mentioned);
    }

    [Fact]
    public void Parse_TenThousandCharacterStream_Refused()
    {
        RunScope.Parse("stream", null, null, "account/" + new string('x', 10_000), out var problem).ShouldBeNull();
        problem.ShouldBe("stream id: at most 200 characters, got 10000");
    }

    [Fact]
    public void ForStream_HostileName_Throws() =>
        Should.Throw<QueryValidationException>(() => RunScope.ForStream(new StreamKey("a\u202Eb", "c")));

    [Fact]
    public void Describe_StoredHostileName_ShownHarmlessAndBounded()
    {
        // A run stored before names were checked: read back through the constructor, not ForStream.
        var stored = new RunScope(RunScopeKind.Stream, Stream: new StreamKey("a\u202Eb", new string('x', 10_000)));

        var shown = stored.Describe();

        shown.ShouldStartWith("stream a[U+202E]b/xxx");
        shown.ShouldEndWith("… (10004 characters)");
        LedgerName.IsPlainText(shown).ShouldBeTrue();
    }
}
