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

    [Fact]
    public void ReferenceCheck_DuplicateEventIdAnywhere_Found()
    {
        var events = TestChain.Build(TamperScenarios.Length, e => e.Seq == 31 ? e with { EventId = TestChain.Id(2) } : e);

        ReferenceCheck.Find(events).Select(f => (f.Kind, f.Seq)).ShouldBe([(FindingKind.Duplicate, (long?)31)]);
    }
}
