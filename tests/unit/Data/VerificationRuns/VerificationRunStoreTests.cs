using Microsoft.Extensions.Time.Testing;
using AuditPortal.Data.Schema;
using AuditPortal.Data.VerificationRuns;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Verifying;
using Npgsql;

namespace AuditPortal.Tests.Data.VerificationRuns;

/// <summary>The portal database with the access log's and the portal's own migrations, like <c>auditportal ledger init</c> builds it.</summary>
public sealed class PortalDatabaseFixture : IAsyncLifetime
{
    public AccessLogPostgresFixture Db { get; } = new();

    public async Task InitializeAsync()
    {
        await Db.InitializeAsync();
        await PortalMigrator.MigrateAsync(Db.SuperuserConnectionString);
    }

    public Task DisposeAsync() => Db.DisposeAsync();
}

public sealed class VerificationRunStoreTests(PortalDatabaseFixture fixture) : IClassFixture<PortalDatabaseFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider clock = new(T0);

    private VerificationRunStore Store() =>
        new(fixture.Db.DataSource(fixture.Db.WriterConnectionString), clock, TimeSpan.FromSeconds(10));

    private static NewVerificationRun NewRun(RunScope scope, DateTimeOffset at) =>
        new(Guid.CreateVersion7(), scope, "sub-auditor1", "Auditor One", at, "test-instance", 42);

    private static Finding Tamper(long seq) =>
        new(FindingKind.HashMismatch, seq, new StreamKey("account", "acc-1"), 3, new string('a', 64), new string('b', 64), "changed");

    [Fact]
    public async Task Migrate_Twice_SecondRunAppliesNothing()
    {
        (await PortalMigrator.MigrateAsync(fixture.Db.SuperuserConnectionString)).ShouldBeEmpty();
        PortalMigrator.Migrations.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Run_CompletedWithFindings_ListsOutcomeAndFindingsInOrder()
    {
        var store = Store();
        var run = NewRun(RunScope.ForRange(10, 20), T0);
        await store.CreateAsync(run);
        await store.AppendFindingsAsync(run.Id, 1, [(Tamper(12), T0), (Tamper(15), T0)]);
        await store.AppendFindingsAsync(run.Id, 3, [(Tamper(19), T0)]);
        await store.FinishAsync(run.Id, new RunOutcome(RunStatus.Completed, T0.AddSeconds(1), 11, 11, 20, "ab", null, 3));

        var got = (await store.GetAsync(run.Id)).ShouldNotBeNull();
        got.Status.ShouldBe(RunStatus.Completed);
        got.Scope.ShouldBe(RunScope.ForRange(10, 20));
        got.StartedByName.ShouldBe("Auditor One");
        got.FindingsRecorded.ShouldBe(3);
        got.Outcome!.TotalFindings.ShouldBe(3);
        (await store.FindingsAsync(run.Id)).Select(f => (f.Ordinal, f.Finding.Seq)).ShouldBe([(1, 12L), (2, 15L), (3, 19L)]);
        (await store.FindingsAsync(run.Id, afterOrdinal: 2)).ShouldHaveSingleItem().Finding.ShouldBe(Tamper(19));
    }

    [Fact]
    public async Task Run_SilentLongerThanStaleLimit_IsInterruptedNotClean()
    {
        var store = Store();
        var run = NewRun(RunScope.Whole, clock.GetUtcNow());
        await store.CreateAsync(run);
        await store.HeartbeatAsync(run.Id, new RunHeartbeat(clock.GetUtcNow().AddSeconds(2), 500, 500, 250, 0));

        clock.Advance(TimeSpan.FromSeconds(11));
        (await store.GetAsync(run.Id))!.Status.ShouldBe(RunStatus.Running, "the heartbeat at +2 s is 9 s old");

        clock.Advance(TimeSpan.FromSeconds(2));
        var interrupted = (await store.GetAsync(run.Id))!;
        interrupted.Status.ShouldBe(RunStatus.Interrupted);
        interrupted.LastHeartbeat!.Rows.ShouldBe(500);
        interrupted.Outcome.ShouldBeNull();
    }

    [Fact]
    public async Task Run_SecondTerminalEvent_IsRejected()
    {
        var store = Store();
        var run = NewRun(RunScope.ForStream(new StreamKey("account", "acc-1")), T0);
        await store.CreateAsync(run);
        await store.FinishAsync(run.Id, new RunOutcome(RunStatus.Cancelled, T0, 5, 5, 5, null, null, 0, Actor: "admin1"));

        await Should.ThrowAsync<PostgresException>(() =>
            store.FinishAsync(run.Id, new RunOutcome(RunStatus.Completed, T0, 5, 5, 5, null, null, 0)));
        (await store.GetAsync(run.Id))!.Outcome!.Actor.ShouldBe("admin1");
    }

    [Theory]
    [InlineData("UPDATE portal.verification_run_findings SET kind = 'x'")]
    [InlineData("DELETE FROM portal.verification_run_events")]
    [InlineData("DELETE FROM portal.verification_runs")]
    [InlineData("TRUNCATE portal.verification_run_heartbeats")]
    public async Task Tables_UpdateDeleteTruncate_RejectedEvenForSuperuser(string sql)
    {
        var store = Store();
        var run = NewRun(RunScope.Whole, T0);
        await store.CreateAsync(run);
        await store.AppendFindingsAsync(run.Id, 1, [(Tamper(1), T0)]);
        await store.HeartbeatAsync(run.Id, new RunHeartbeat(T0, 1, 1, 1, 1));

        var ex = await Should.ThrowAsync<PostgresException>(() => fixture.Db.ExecuteAsync(sql));
        ex.MessageText.ShouldContain("append-only");
    }

    [Fact]
    public async Task VerifiedHead_LatestWins()
    {
        var store = Store();
        await store.RecordVerifiedHeadAsync(new VerifiedHead(T0, 100, new string('1', 64), null, 0));
        await store.RecordVerifiedHeadAsync(new VerifiedHead(T0.AddSeconds(5), 140, new string('2', 64), null, 0));

        (await store.LatestVerifiedHeadAsync())!.HeadSeq.ShouldBe(140);
    }
}
