using Microsoft.Extensions.Time.Testing;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Appending;
using AuditPortal.Tests.Infrastructure;
using Npgsql;

namespace AuditPortal.Tests.Data.AccessLog;

/// <summary>The access log fails closed: when it cannot commit, every waiting caller gets an exception and nothing is half-written.</summary>
public sealed class AccessLogOutageTests(AccessLogPostgresFixture db) : IClassFixture<AccessLogPostgresFixture>
{
    private const int Callers = 20;

    [Fact]
    public async Task AppendAsync_DatabaseUnreachable_EveryWaiterGetsUnavailable()
    {
        var port = ClosedPort();
        var unreachable = new NpgsqlConnectionStringBuilder(db.WriterConnectionString) { Port = port, Timeout = 2 }.ConnectionString;
        await using var writer = new AccessLogWriter(db.DataSource(unreachable), new FakeTimeProvider(LedgerTestData.Start), new AccessLogWriterOptions());

        var results = await SettleAsync(Enumerable.Range(1, Callers).Select(n => writer.AppendAsync(AccessLogTestData.Entry(n))));

        results.ShouldAllBe(e => e is AccessLogUnavailableException);
        results.OfType<AccessLogUnavailableException>().ShouldAllBe(e => e.InnerException is NpgsqlException);
    }

    [Fact]
    public async Task AppendAsync_InsertRevokedMidway_EveryWaiterFailsNothingHalfWrittenThenRecovers()
    {
        var grantee = db.Roles.Writer;
        await using var writer = AccessLogTestData.Writer(db);
        for (var n = 1; n <= 5; n++)
            await AccessLogTestData.LogQueryAsync(writer, AccessLogTestData.Entry(n));
        var before = await db.ScalarAsync<long>("SELECT count(*) FROM ledger.events");

        await db.ExecuteAsync($"REVOKE INSERT ON ledger.events FROM \"{grantee}\"");
        List<Exception?> results;
        try
        {
            results = await SettleAsync(Enumerable.Range(100, Callers).Select(n => writer.AppendAsync(AccessLogTestData.Entry(n))));
        }
        finally
        {
            await db.ExecuteAsync($"GRANT INSERT ON ledger.events TO \"{grantee}\"");
        }

        results.ShouldAllBe(e => e is AccessLogUnavailableException);
        results.ShouldAllBe(e => e!.InnerException is PostgresException && ((PostgresException)e.InnerException).SqlState == "42501");
        (await db.ScalarAsync<long>("SELECT count(*) FROM ledger.events")).ShouldBe(before);

        var again = await writer.AppendAsync(AccessLogTestData.Entry(100)); // a retry of a failed request
        again.AlreadyPresent.ShouldBeFalse();
        again.Seq.ShouldBe(before + 1);
        LedgerTestData.AssertChainsIntact(await LedgerTestData.ReadAllAsync(db.SuperuserConnectionString));
    }

    [Fact]
    public async Task AppendAsync_AppendBlocked_CallersTimeOutAndNothingIsWritten()
    {
        // Only the blocked phase runs with a short timeout: on a loaded machine a normal append
        // can itself take longer than 1.5 s, which is not what this test is about.
        await using var patient = AccessLogTestData.Writer(db, new AccessLogWriterOptions { AppendTimeout = TimeSpan.FromSeconds(60) });
        await using var writer = AccessLogTestData.Writer(db, new AccessLogWriterOptions { AppendTimeout = TimeSpan.FromSeconds(1.5) });
        await patient.AppendAsync(AccessLogTestData.Entry(200));
        var before = await db.ScalarAsync<long>("SELECT count(*) FROM ledger.events");

        // Another session holds the append lock, so the batch transaction cannot proceed.
        await using var blocker = new NpgsqlConnection(db.SuperuserConnectionString);
        await blocker.OpenAsync();
        await using var tx = await blocker.BeginTransactionAsync();
        await using (var lockCmd = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({LedgerAppender.AppendLockKey})", blocker, tx))
            await lockCmd.ExecuteNonQueryAsync();

        var stopwatch = Stopwatch.StartNew();
        var results = await SettleAsync(Enumerable.Range(201, Callers).Select(n => writer.AppendAsync(AccessLogTestData.Entry(n))));
        stopwatch.Stop();
        // The timed-out batch stops waiting for the lock (its transaction is cancelled) before the lock is freed,
        // so nothing can commit late once it is.
        await Eventually.TrueAsync(async () => await Eventually.AdvisoryLockWaitersAsync(db.SuperuserConnectionString) == 0,
            "the timed-out batch still waits for the append lock");
        await tx.RollbackAsync();

        results.ShouldAllBe(e => e is AccessLogUnavailableException);
        // A liveness check, not a speed test: callers give up instead of hanging behind the lock.
        stopwatch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30));
        (await db.ScalarAsync<long>("SELECT count(*) FROM ledger.events")).ShouldBe(before);
        (await patient.AppendAsync(AccessLogTestData.Entry(230))).Seq.ShouldBe(before + 1);
    }

    private static async Task<List<Exception?>> SettleAsync(IEnumerable<Task<AppendedEvent>> tasks)
    {
        var list = tasks.ToList();
        var results = new List<Exception?>();
        foreach (var task in list)
        {
            try
            {
                await task;
                results.Add(null);
            }
            catch (Exception ex)
            {
                results.Add(ex);
            }
        }
        return results;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
