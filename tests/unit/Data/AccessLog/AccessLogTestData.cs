using Microsoft.Extensions.Time.Testing;
using System.Globalization;
using System.Text.Json.Nodes;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Replica;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Data.AccessLog;

/// <summary>Builds access-log entries and writers for the access-log tests.</summary>
internal static class AccessLogTestData
{
    public static AccessLogEntry Entry(int n, string subject = "sub-auditor1", string kind = "timeline.read", int secondsAfterStart = 0) => new()
    {
        RequestId = "req-" + n.ToString(CultureInfo.InvariantCulture),
        SubjectId = subject,
        DisplayName = "Name of " + subject,
        Roles = ["auditor"],
        Kind = kind,
        Parameters = new JsonObject { ["stream_type"] = "account", ["stream_id"] = "acc-" + n.ToString("D6", CultureInfo.InvariantCulture) },
        Purpose = n % 2 == 0 ? null : "routine review",
        CaseReference = n % 3 == 0 ? "CASE-" + n.ToString(CultureInfo.InvariantCulture) : null,
        ClientAddress = "192.0.2.10",
        RequestedAt = LedgerTestData.Start.UtcDateTime.AddSeconds(secondsAfterStart),
    };

    public static AccessLogCompletion Completed(AccessLogEntry entry, AppendedEvent request, long rows = 3) =>
        AccessLogCompletion.For(entry, request.EventId, AccessLogOutcome.Completed, rows,
            RecordDigest.Compute(Enumerable.Range(0, (int)rows).Select(i => "record-" + i.ToString(CultureInfo.InvariantCulture))),
            TimeSpan.FromMilliseconds(12), entry.RequestedAt.AddMilliseconds(12));

    /// <summary>
    /// Empties the access log so a test starts from seq 1 (the tables are append-only, so a new database would be
    /// needed otherwise); disabling the triggers is what only a superuser test harness may do.
    /// </summary>
    public static Task EmptyAsync(PostgresFixture db) => db.ExecuteAsync("""
        ALTER TABLE ledger.events DISABLE TRIGGER ALL; ALTER TABLE ledger.checkpoints DISABLE TRIGGER ALL;
        DELETE FROM ledger.checkpoints; DELETE FROM ledger.events;
        ALTER TABLE ledger.events ENABLE TRIGGER ALL; ALTER TABLE ledger.checkpoints ENABLE TRIGGER ALL;
        """);

    public static AccessLogWriter Writer(PostgresFixture db, AccessLogWriterOptions? options = null) =>
        new(db.DataSource(db.WriterConnectionString), new FakeTimeProvider(LedgerTestData.Start), options ?? new AccessLogWriterOptions());

    public static AccessLogReader Reader(PostgresFixture db, out ReplicaConnectionFactory connections)
    {
        connections = new ReplicaConnectionFactory(db.ReaderConnectionString);
        return new AccessLogReader(connections);
    }

    /// <summary>Logs entry <paramref name="n"/> and its completion; returns the request event.</summary>
    public static async Task<AppendedEvent> LogQueryAsync(AccessLogWriter writer, AccessLogEntry entry)
    {
        var request = await writer.AppendAsync(entry);
        await writer.AppendCompletionAsync(Completed(entry, request));
        return request;
    }
}
