using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Verifying;

namespace AuditPortal.Tests.Verification.Verifying;

public class LedgerVerifierTests
{
    public static TheoryData<string> Scenarios() => TamperScenarios.Names();

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Verify_TamperScenario_FindsExactlyTheExpectedFindings(string name)
    {
        var scenario = TamperScenarios.Get(name);

        var result = LedgerVerifier.Verify(scenario.Rows, scenario.Options);

        result.Findings.Select(f => (f.Kind, f.Seq ?? -1)).ShouldBe(scenario.Expected,
            string.Join("\n", result.Findings));
        result.TotalFindings.ShouldBe(scenario.Expected.Length);
        foreach (var f in result.Findings)
        {
            f.Expected.ShouldNotBeNullOrWhiteSpace();
            f.Actual.ShouldNotBeNullOrWhiteSpace();
            f.Expected.ShouldNotBe(f.Actual);
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task VerifyParallel_TamperScenario_SameFindingsAsOneVerifier(string name)
    {
        var scenario = TamperScenarios.Get(name);
        if (scenario.DeliveryOrderOnly)
            return;
        var single = LedgerVerifier.Verify(scenario.Rows, scenario.Options);
        var head = scenario.Rows.Max(e => e.Seq);

        foreach (var parts in new[] { 1, 2, 3, 4, 7, 40 })
        {
            var parallel = await ParallelLedgerVerification.VerifyAsync(Source(scenario.Rows), head, parts, scenario.Options,
                cancellationToken: CancellationToken.None);

            parallel.Findings.ShouldBe(single.Findings, $"{parts} ranges:\n{string.Join("\n", parallel.Findings)}");
            parallel.TotalFindings.ShouldBe(single.TotalFindings);
            parallel.Rows.ShouldBe(single.Rows);
            parallel.HeadSeq.ShouldBe(single.HeadSeq);
            parallel.HeadHash.ShouldBe(single.HeadHash);
            parallel.Root.ShouldBe(single.Root);
        }
    }

    [Fact]
    public void Verify_CleanLedger_ReportsHeadAndReferenceRoot()
    {
        var rows = TestChain.Build(TamperScenarios.Length);

        var result = LedgerVerifier.Verify(rows, new LedgerVerifierOptions());

        result.IsClean.ShouldBeTrue();
        result.Rows.ShouldBe(rows.Count);
        result.HeadSeq.ShouldBe(rows.Count);
        result.HeadHash.ShouldBe(rows[^1].Hash);
        result.Root.ShouldBe(TestChain.Root(rows, rows.Count));
    }

    [Fact]
    public void Verify_EveryCheckpointSize_MatchesReferenceRoot()
    {
        var rows = TestChain.Build(70);
        var signer = AuditPortal.Verification.Checkpoints.CheckpointSigner.Generate();
        var cps = Enumerable.Range(1, 70).Select(s => TestChain.Checkpoint(signer, rows, s)).ToArray();

        var result = LedgerVerifier.Verify(rows, new LedgerVerifierOptions { Checkpoints = cps, PublicKey = signer.PublicKey });

        result.Findings.ShouldBeEmpty();
    }

    [Fact]
    public async Task VerifyParallel_EveryCheckpointSize_MatchesReferenceRoot()
    {
        var rows = TestChain.Build(70);
        var signer = AuditPortal.Verification.Checkpoints.CheckpointSigner.Generate();
        var cps = Enumerable.Range(1, 70).Select(s => TestChain.Checkpoint(signer, rows, s)).ToArray();

        foreach (var parts in new[] { 2, 3, 5, 9 })
        {
            var result = await ParallelLedgerVerification.VerifyAsync(Source(rows), 70, parts,
                new LedgerVerifierOptions { Checkpoints = cps }, cancellationToken: CancellationToken.None);
            result.Findings.ShouldBeEmpty();
            result.Root.ShouldBe(TestChain.Root(rows, 70));
        }
    }

    [Fact]
    public void Verify_StartingMidLedger_ChecksLinkToGivenPredecessor()
    {
        var rows = TestChain.Build(TamperScenarios.Length);

        var ok = LedgerVerifier.Verify(rows.Skip(19), new LedgerVerifierOptions { FirstSeq = 20, PredecessorHash = rows[18].Hash });
        var wrong = LedgerVerifier.Verify(rows.Skip(19), new LedgerVerifierOptions { FirstSeq = 20, PredecessorHash = rows[17].Hash });

        ok.Findings.ShouldBeEmpty();
        ok.Root.ShouldBeNull();
        ok.UncheckedStreamStarts.ShouldBe(3);
        wrong.Findings.Select(f => (f.Kind, f.Seq)).ShouldBe([(FindingKind.GlobalChainBroken, (long?)20)]);
    }

    [Fact]
    public async Task VerifyAsync_Cancelled_ReturnsPartialResultMarkedCancelled()
    {
        using var cts = new CancellationTokenSource();
        var rows = TestChain.Build(TamperScenarios.Length);

        async IAsyncEnumerable<LedgerEvent> CancelAfterTen()
        {
            foreach (var e in rows)
            {
                if (e.Seq == 11)
                    await cts.CancelAsync();
                yield return e;
            }
        }

        var result = await LedgerVerifier.VerifyAsync(CancelAfterTen(), new LedgerVerifierOptions(), null, cts.Token);

        result.Cancelled.ShouldBeTrue();
        result.Rows.ShouldBeLessThan(TamperScenarios.Length);
        result.IsClean.ShouldBeFalse();
    }

    [Fact]
    public void Verify_WithProgress_ReportsBoundedAndFinal()
    {
        var rows = TestChain.Build(3000);
        var progress = new Collect();

        LedgerVerifier.Verify(rows, new LedgerVerifierOptions { ProgressInterval = TimeSpan.Zero }, progress);

        progress.Reports.Select(p => p.RowsDone).ShouldBe(Enumerable.Range(1, 3000 / 64).Select(i => i * 64L).Append(3000));
        progress.Reports[^1].CurrentSeq.ShouldBe(3000);
        progress.Reports[^1].FindingsSoFar.ShouldBe(0);
    }

    [Fact]
    public void Verify_ManyFindings_KeepsCapAndCountsAll()
    {
        var rows = TestChain.Build(TamperScenarios.Length).Select(e => e with { Actor = "x" }).ToList();

        var result = LedgerVerifier.Verify(rows, new LedgerVerifierOptions { MaxFindings = 5 });

        result.Findings.Count.ShouldBe(5);
        result.TotalFindings.ShouldBe(TamperScenarios.Length);
    }

    /// <summary>The rows as a feed, each brought to its fields as the COPY feed hands them over.</summary>
    internal static LedgerRowFeed Source(IReadOnlyList<LedgerEvent> rows) => (from, to, sink, ct) =>
    {
        var fields = new LedgerEventFields();
        foreach (var e in rows)
        {
            ct.ThrowIfCancellationRequested();
            if (e.Seq >= from && e.Seq <= to)
            {
                var row = fields.Of(e);
                sink(in row);
            }
        }
    };

    private sealed class Collect : IProgress<VerificationProgress>
    {
        public List<VerificationProgress> Reports { get; } = [];

        public void Report(VerificationProgress value) => Reports.Add(value);
    }
}
