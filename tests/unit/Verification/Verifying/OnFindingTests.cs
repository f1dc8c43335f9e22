using System.Collections.Concurrent;
using AuditPortal.Verification.Verifying;

namespace AuditPortal.Tests.Verification.Verifying;

/// <summary>The per-finding hook the portal's live verification streams from: every finding, once, before the result.</summary>
public class OnFindingTests
{
    public static TheoryData<string> Scenarios() => TamperScenarios.Names();

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Verify_OnFinding_SeesExactlyTheResultsFindings(string name)
    {
        var scenario = TamperScenarios.Get(name);
        var seen = new List<Finding>();

        var result = LedgerVerifier.Verify(scenario.Rows, scenario.Options with { OnFinding = seen.Add });

        Finding.InReportOrder(seen).ShouldBe(result.Findings, string.Join("\n", seen));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task VerifyParallel_OnFinding_SeesExactlyTheResultsFindings(string name)
    {
        var scenario = TamperScenarios.Get(name);
        if (scenario.DeliveryOrderOnly)
            return;
        var head = scenario.Rows.Max(e => e.Seq);
        var seen = new ConcurrentQueue<Finding>();

        var result = await ParallelLedgerVerification.VerifyAsync(LedgerVerifierTests.Source(scenario.Rows), head, 3,
            scenario.Options with { OnFinding = seen.Enqueue }, cancellationToken: CancellationToken.None);

        Finding.InReportOrder(seen).ShouldBe(result.Findings, string.Join("\n", seen));
    }

    [Fact]
    public void Verify_OnFinding_CalledBeforeTheRunCompletes()
    {
        var rows = TestChain.Build(TamperScenarios.Length);
        var tampered = rows.Select(e => e.Seq == 5 ? e with { Actor = "mallory" } : e).ToList();
        var seen = new List<Finding>();
        var verifier = new LedgerVerifier(new LedgerVerifierOptions { OnFinding = seen.Add });

        foreach (var row in tampered.Take(6))
            verifier.Add(row);

        seen.ShouldHaveSingleItem().Seq.ShouldBe(5);
        seen[0].Kind.ShouldBe(FindingKind.HashMismatch);
    }

    [Fact]
    public void Verify_OnFindingBeyondCap_StillCalled()
    {
        var rows = TestChain.Build(TamperScenarios.Length).Select(e => e with { Actor = "x" }).ToList();
        var seen = 0;

        var result = LedgerVerifier.Verify(rows, new LedgerVerifierOptions { MaxFindings = 5, OnFinding = _ => seen++ });

        result.Findings.Count.ShouldBe(5);
        seen.ShouldBe(TamperScenarios.Length);
    }
}
