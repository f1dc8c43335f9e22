using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Verifying;

namespace AuditPortal.Tests.Verification.Verifying;

public class SingleStreamAndReferenceTests
{
    private static readonly StreamKey A = TestChain.Streams[0];

    private static LedgerVerifierOptions StreamOptions => new() { Mode = VerificationMode.SingleStream, Stream = A };

    [Fact]
    public void VerifyStream_Clean_NoFindingsAndHeadIsChecked()
    {
        var events = TestChain.Build(TamperScenarios.Length).Where(e => e.Stream == A).ToList();
        LedgerEvent? checkedHead = null;

        var result = LedgerVerifier.Verify(events, StreamOptions with
        {
            StreamHeadInclusion = (head, leaf) =>
            {
                checkedHead = head;
                leaf.ShouldBe(head.Hash);
                return null;
            },
        });

        result.Findings.ShouldBeEmpty();
        result.Root.ShouldBeNull();
        checkedHead.ShouldBe(events[^1]);
    }

    [Fact]
    public void VerifyStream_DeletedEvent_StreamGap()
    {
        var events = TestChain.Build(TamperScenarios.Length).Where(e => e.Stream == A && e.StreamSeq != 4).ToList();

        var result = LedgerVerifier.Verify(events, StreamOptions);

        result.Findings.Select(f => (f.Kind, f.StreamSeq)).ShouldBe([(FindingKind.StreamSequenceGap, (long?)5)]);
    }

    [Fact]
    public void VerifyStream_ModifiedEventAndNotIncludedHead_Found()
    {
        var events = TestChain.Build(TamperScenarios.Length).Where(e => e.Stream == A)
            .Select(e => e.StreamSeq == 2 ? e with { Action = "trade.cancelled" } : e).ToList();

        var result = LedgerVerifier.Verify(events, StreamOptions with
        {
            StreamHeadInclusion = (head, _) => new Finding(FindingKind.StreamHeadNotIncluded, head.Seq, head.Stream,
                head.StreamSeq, "root r", "root s", "not included"),
        });

        result.Findings.Select(f => f.Kind).ShouldBe([FindingKind.HashMismatch, FindingKind.StreamHeadNotIncluded]);
    }

    [Fact]
    public void ReferenceCheck_DanglingSupersedesAndLineage_Found()
    {
        var missing = Guid.Parse("0190a000-0000-7000-8000-999999999999");
        var events = TestChain.Build(TamperScenarios.Length, e => e.Seq switch
        {
            25 => e with { Supersedes = missing },
            26 => e with { Supersedes = TestChain.Id(3) },
            30 => e with { Lineage = new LedgerLineage([TestChain.Id(1), missing], "rule-7", "1.0.0") },
            _ => e,
        });

        LedgerVerifier.Verify(events, new LedgerVerifierOptions()).Findings.ShouldBeEmpty();
        ReferenceCheck.Find(events).Select(f => (f.Kind, f.Seq)).ShouldBe(
            [(FindingKind.DanglingSupersedes, (long?)25), (FindingKind.DanglingLineageInput, 30)]);
    }

    /// <summary>
    /// Lineage integrity (docs/lineage.md): an input recorded after its output, and an input derived by a rule version
    /// the code does not have. Each probe is checked alone, and a known rule version raises nothing.
    /// </summary>
    [Theory]
    [InlineData("after", FindingKind.LineageInputAfterOutput)]
    [InlineData("unknown-rule", FindingKind.LineageInputUnknownRule)]
    [InlineData("known-rule", null)]
    public void ReferenceCheck_LineageIntegrity_Found(string probe, FindingKind? expected)
    {
        var events = TestChain.Build(TamperScenarios.Length, e => (probe, e.Seq) switch
        {
            ("after", 30) => e with { Lineage = new LedgerLineage([TestChain.Id(1), TestChain.Id(35)], "tax.1099-B", "2024.1") },
            ("unknown-rule", 20) or ("known-rule", 20) => e with { Lineage = new LedgerLineage([TestChain.Id(1)], "tax.1099-B", probe == "known-rule" ? "2024.1" : "2019.7") },
            ("unknown-rule", 30) or ("known-rule", 30) => e with { Lineage = new LedgerLineage([TestChain.Id(20)], "tax.1099-B", "2024.2") },
            _ => e,
        });

        var found = ReferenceCheck.Find(events, AuditPortal.Data.Rules.RuleRegistry.IsKnown);

        found.Select(f => (f.Kind, f.Seq)).ShouldBe(expected is { } kind ? [(kind, (long?)30)] : []);
        if (expected is not null)
            found[0].Message.ShouldContain(probe == "after" ? TestChain.Id(35).ToString() : "2019.7");
        ReferenceCheck.Find(events).Count(f => f.Kind == FindingKind.LineageInputUnknownRule).ShouldBe(0, "without a registry the rule check is off");
    }

    [Fact]
    public void ReferenceCheck_DuplicateEventIdAnywhere_Found()
    {
        var events = TestChain.Build(TamperScenarios.Length, e => e.Seq == 31 ? e with { EventId = TestChain.Id(2) } : e);

        ReferenceCheck.Find(events).Select(f => (f.Kind, f.Seq)).ShouldBe([(FindingKind.Duplicate, (long?)31)]);
    }
}
