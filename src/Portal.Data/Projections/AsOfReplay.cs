using AuditPortal.Data.Requests;
using AuditPortal.Data.Timeline;
using AuditPortal.Verification.Ledger;
using Npgsql;

namespace AuditPortal.Data.Projections;

/// <summary>
/// "State of this entity at business time T, as known at system time K": reads the stream once and
/// replays it with <see cref="AsOfEngine"/>. Runs on the gateway's connection and read-only
/// transaction; one ordered SELECT on the (stream_type, stream_id, stream_seq) index, nothing else.
/// </summary>
/// <remarks>
/// Every event of the stream is read (the ones after K are needed to explain what was left out);
/// payloads are parsed only for applied events. T and K default to now (<see cref="TimeProvider"/>).
/// </remarks>
public sealed class AsOfReplay(ProjectionCatalog catalog, TimeProvider time)
{
    public AsOfReplay()
        : this(ProjectionCatalog.Demo, TimeProvider.System)
    {
    }

    /// <summary>
    /// Only events with <c>seq</c> ≤ this: the ledger as it stood when an earlier query ran (the ledger is append-only),
    /// for re-running it ("what did they see", docs/access-log-review.md); null: the ledger as it is.
    /// </summary>
    public long? LedgerSize { get; init; }

    /// <summary>
    /// Replayed states shared across requests (<see cref="AsOfStateCache"/>); null: every call replays. Not used with
    /// <see cref="LedgerSize"/> (a re-run of an earlier query reads the stream as it stood then, and is rare).
    /// </summary>
    public AsOfStateCache? Cache { get; init; }

    public async Task<AsOfState> ReplayAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, StreamKey stream,
        DateTimeOffset? businessTime = null, DateTimeOffset? systemTime = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (stream.Type is null || stream.Id is null)
            throw new QueryValidationException("stream", "stream: type and id are required");
        LedgerName.Check("streamType", stream.Type);
        LedgerName.Check("streamId", stream.Id);
        TimeWindow.CheckInstant("t", businessTime);
        TimeWindow.CheckInstant("k", systemTime);
        var now = time.GetUtcNow();
        var t = (businessTime ?? now).UtcDateTime;
        var k = (systemTime ?? now).UtcDateTime;

        var projection = catalog.For(stream.Type);
        if (Cache is null || LedgerSize is not null)
            return await ReplayStreamAsync(connection, transaction, stream, t, k, projection, ct).ConfigureAwait(false);
        // The snapshot's stream head names the events the replay would read (the stream is append-only, numbered from 1).
        var head = await StreamHeadAsync(connection, transaction, stream, ct).ConfigureAwait(false);
        return await Cache.GetOrReplayAsync(stream, head, LedgerTime.Truncate(t), LedgerTime.Truncate(k), projection.Version,
            token => ReplayStreamAsync(connection, transaction, stream, t, k, projection, token), ct).ConfigureAwait(false);
    }

    private async Task<AsOfState> ReplayStreamAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, StreamKey stream,
        DateTime t, DateTime k, IProjection projection, CancellationToken ct)
    {
        var events = await ReadStreamAsync(connection, transaction, stream, LedgerSize, ct).ConfigureAwait(false);
        return AsOfEngine.Replay(stream, events, t, k, projection);
    }

    /// <summary>The stream's highest stream_seq in the transaction's snapshot (0: no such stream); one index probe.</summary>
    public static async Task<long> StreamHeadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, StreamKey stream, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand("""
            SELECT coalesce(max(stream_seq), 0) FROM ledger.events WHERE stream_type = $1 AND stream_id = $2
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = stream.Type });
        command.Parameters.Add(new NpgsqlParameter { Value = stream.Id });
        return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    /// <summary>Compares the entity at two as-of points (each T, K; null = now).</summary>
    public async Task<(AsOfState Before, AsOfState After, IReadOnlyList<StateChange> Changes)> DiffAsync(NpgsqlConnection connection,
        NpgsqlTransaction? transaction, StreamKey stream, (DateTimeOffset? T, DateTimeOffset? K) before, (DateTimeOffset? T, DateTimeOffset? K) after,
        CancellationToken ct = default)
    {
        var a = await ReplayAsync(connection, transaction, stream, before.T, before.K, ct).ConfigureAwait(false);
        var b = await ReplayAsync(connection, transaction, stream, after.T, after.K, ct).ConfigureAwait(false);
        return (a, b, StateDiff.Compare(a, b));
    }

    internal static async Task<List<ProjectionEvent>> ReadStreamAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        StreamKey stream, long? ledgerSize, CancellationToken ct)
    {
        // Without a bound, $3 is the largest seq there can be: one statement either way.
        await using var command = new NpgsqlCommand("""
            SELECT seq, stream_seq, event_id, occurred_at, recorded_at, actor, action, payload, supersedes
            FROM ledger.events WHERE stream_type = $1 AND stream_id = $2 AND seq <= $3 ORDER BY stream_seq
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = stream.Type });
        command.Parameters.Add(new NpgsqlParameter { Value = stream.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = ledgerSize ?? long.MaxValue });
        var events = new List<ProjectionEvent>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            events.Add(new ProjectionEvent(reader.GetInt64(0), reader.GetInt64(1), reader.GetGuid(2),
                reader.GetFieldValue<DateTime>(3), reader.GetFieldValue<DateTime>(4), reader.GetString(5), reader.GetString(6),
                reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetGuid(8)));
        }
        return events;
    }
}
