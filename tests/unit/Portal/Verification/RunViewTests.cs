using AuditPortal.Data.VerificationRuns;
using AuditPortal.Portal.Verification;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Verifying;

namespace AuditPortal.Tests.Portal.Verification;

public sealed class RunViewTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    internal static VerificationRun Run(RunStatus status = RunStatus.Running) =>
        new(Guid.CreateVersion7(Start), RunScope.Whole, "sub-1", "Ada Auditor", Start, "test", 1, status, null, null, 0);

    internal static RunFinding Finding(int ordinal, long seq, FindingKind kind = FindingKind.HashMismatch) =>
        new(ordinal, new Finding(kind, seq, new StreamKey("account", "acc-000001"), 3, new string('a', 64), new string('b', 64), "the row was changed"),
            Start.AddSeconds(ordinal));

    [Fact]
    public void Snapshot_FindingsAndProgress_Shown()
    {
        var view = new RunView(new RunSnapshot(Run(), true, [Finding(1, 10), Finding(2, 20)], new RunProgress(300, 150, 300, 2, 600, 2), null));

        view.Findings.Select(f => f.Seq).ShouldBe([10L, 20L]);
        view.LastOrdinal.ShouldBe(2);
        view.IsRunning.ShouldBeTrue();
        view.Percent.ShouldBe(50);
        view.EtaSeconds.ShouldBe(2);
    }

    [Fact]
    public void Apply_FindingAlreadyShown_NotAddedTwice()
    {
        var view = new RunView(new RunSnapshot(Run(), true, [Finding(1, 10)], null, null));

        view.Apply(Finding(1, 10));
        view.Apply(Finding(2, 20));

        view.Findings.Select(f => f.Ordinal).ShouldBe([1, 2]);
        view.FindingCount.ShouldBe(2);
    }

    [Fact]
    public void Apply_Done_EndsTheRunWithItsOutcome()
    {
        var view = new RunView(new RunSnapshot(Run(), true, [], new RunProgress(100, 50, 100, 0, 600, 10), null));

        view.Apply(new RunDone(RunStatus.Cancelled, new RunOutcome(RunStatus.Cancelled, Start.AddSeconds(5), 120, 40, 120, null, null, 1, "Ada Auditor")));

        view.IsRunning.ShouldBeFalse();
        view.Status.ShouldBe(RunStatus.Cancelled);
        view.Rows.ShouldBe(120);
        view.EtaSeconds.ShouldBeNull();
        view.FindingCount.ShouldBe(1);
    }

    [Fact]
    public void Progress_FindingsBeyondTheKeptOnes_Counted()
    {
        var view = new RunView(new RunSnapshot(Run(), true, [Finding(1, 10)], null, null));

        view.Apply(new RunProgress(500, 100, 500, 12_345, null, null));

        view.FindingCount.ShouldBe(12_345);
        view.Findings.Count.ShouldBe(1);
        view.Percent.ShouldBeNull("a run of unknown size has no percentage");
    }
}
