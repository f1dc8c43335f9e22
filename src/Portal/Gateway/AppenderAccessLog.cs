using System.Text.Json.Nodes;
using AuditPortal.Data.Appending;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AuditPortal.Portal.Gateway;

/// <summary>Settings of the access-log chain (<c>Portal:AccessLog</c>).</summary>
public sealed class AccessLogSettings
{
    /// <summary>Checkpoint origin of the chain (docs/ledger-format.md §5), e.g. <c>access-log/demo</c>.</summary>
    public string Origin { get; set; } = "access-log/demo";
}

/// <summary>
/// <see cref="IAccessLog"/> over the ledger appender, writing the portal database's ledger-format chain
/// (<c>ConnectionStrings:AccessLog</c>, the INSERT-only writer role). Each user's queries form one stream
/// (<c>access</c>/<c>&lt;user&gt;</c>); an outcome names its request entry in <c>request_event_id</c>.
/// The appender serializes writers with an advisory lock, so concurrent requests neither fork nor gap the chain.
/// </summary>
public sealed class AppenderAccessLog : IAccessLog, IAsyncDisposable
{
    public const string StreamType = "access";

    private readonly NpgsqlDataSource? dataSource;
    private readonly LedgerAppender? appender;

    public AppenderAccessLog(PortalDatabases databases, TimeProvider time, IOptions<AccessLogSettings> settings)
    {
        dataSource = databases.AccessLog;
        if (dataSource is not null)
            appender = new LedgerAppender(dataSource, time, new AppenderOptions { Origin = settings.Value.Origin });
    }

    public async Task<AccessLogReceipt> RecordRequestAsync(AccessRequest request, CancellationToken ct)
    {
        var payload = RequestPayload(request);
        var appended = await AppendAsync(request, AccessLogActions.Requested, payload, ct);
        return new AccessLogReceipt(appended.EventId, appended.Seq, request.User, request.ClientAddress);
    }

    public async Task RecordRefusalAsync(AccessRequest request, string reason, CancellationToken ct)
    {
        var payload = RequestPayload(request);
        payload["reason"] = reason;
        await AppendAsync(request, AccessLogActions.Refused, payload, ct);
    }

    public async Task RecordOutcomeAsync(AccessLogReceipt receipt, AccessOutcome outcome, CancellationToken ct)
    {
        var (user, address) = (receipt.User, receipt.ClientAddress);
        var payload = new JsonObject
        {
            ["request_event_id"] = receipt.EntryId.ToString(),
            ["request_seq"] = receipt.Seq,
            ["row_count"] = outcome.RowCount,
            ["records_digest"] = outcome.RecordsDigest,
            ["error"] = outcome.Error,
        };
        await Appender.AppendAsync([new NewEvent
        {
            StreamType = StreamType,
            StreamId = user,
            OccurredAt = outcome.FinishedAt.UtcDateTime,
            Actor = user,
            Action = outcome.Action,
            ClientAddress = address,
            Payload = payload,
        }], ct);
    }

    public async Task<IReadOnlyList<RecentQuery>> RecentForUserAsync(string user, int limit, CancellationToken ct)
    {
        var source = dataSource ?? throw new InvalidOperationException("ConnectionStrings:AccessLog is not set");
        await using var connection = await source.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            SELECT r.seq, r.occurred_at, r.payload::jsonb ->> 'kind', r.payload::jsonb ->> 'purpose', o.action, (o.payload::jsonb ->> 'row_count')::int
            FROM (SELECT * FROM ledger.events WHERE stream_type = $1 AND stream_id = $2 AND action IN ($4, $5)
                  ORDER BY stream_seq DESC LIMIT $3) r
            LEFT JOIN ledger.events o ON o.stream_type = $1 AND o.stream_id = $2 AND o.action <> $4 AND o.action <> $5
                 AND o.payload::jsonb ->> 'request_event_id' = r.event_id::text
            ORDER BY r.seq DESC
            """, connection);
        cmd.Parameters.Add(new() { Value = StreamType });
        cmd.Parameters.Add(new() { Value = user });
        cmd.Parameters.Add(new() { Value = limit });
        cmd.Parameters.Add(new() { Value = AccessLogActions.Requested });
        cmd.Parameters.Add(new() { Value = AccessLogActions.Refused });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<RecentQuery>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new RecentQuery(
                reader.GetInt64(0),
                new DateTimeOffset(reader.GetFieldValue<DateTime>(1), TimeSpan.Zero),
                reader.IsDBNull(2) ? "?" : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? AccessLogActions.Refused : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetInt32(5)));
        }
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (appender is not null)
            await appender.DisposeAsync();
    }

    private LedgerAppender Appender => appender ?? throw new InvalidOperationException("ConnectionStrings:AccessLog is not set");

    private static JsonObject RequestPayload(AccessRequest request) => new()
    {
        ["kind"] = request.Kind,
        ["roles"] = new JsonArray(request.Roles.Select(r => (JsonNode?)JsonValue.Create(r)).ToArray()),
        ["parameters"] = request.Parameters?.DeepClone(),
        ["purpose"] = request.Purpose,
        ["unmask"] = request.Unmask,
        ["request_id"] = request.RequestId,
    };

    private async Task<AppendedEvent> AppendAsync(AccessRequest request, string action, JsonObject payload, CancellationToken ct)
    {
        var results = await Appender.AppendAsync([new NewEvent
        {
            StreamType = StreamType,
            StreamId = request.User,
            OccurredAt = request.RequestedAt.UtcDateTime,
            Actor = request.User,
            Action = action,
            ClientAddress = request.ClientAddress,
            Payload = payload,
        }], ct);
        return results[0];
    }
}
