using System.Runtime.CompilerServices;
using AuditPortal.Verification.Ledger;
using Npgsql;

namespace AuditPortal.Data.Proofs;

/// <summary>What an export preview reads of an event: enough to count it, date it and find its personal fields.</summary>
public sealed record PreviewEvent(Guid EventId, DateTime OccurredAt, string PayloadJson, StreamKey Stream);

/// <summary>
/// The events an evidence export would cover, streamed on the caller's connection and read-only transaction (the
/// preview counts them, dates them and lists their personal fields; a stream can hold hundreds of thousands).
/// </summary>
public static class PreviewEventsQuery
{
    private const string Columns = "event_id, occurred_at, payload, stream_type, stream_id";

    /// <summary>One stream's events with <c>seq</c> ≤ <paramref name="atMostSeq"/> (the latest checkpoint), in stream_seq order.</summary>
    public static IAsyncEnumerable<PreviewEvent> OfStreamAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, StreamKey stream,
        long atMostSeq, CancellationToken ct = default) =>
        ReadAsync(connection, transaction, $"SELECT {Columns} FROM ledger.events WHERE stream_type = $1 AND stream_id = $2 AND seq <= $3 ORDER BY stream_seq",
            [new NpgsqlParameter { Value = stream.Type }, new NpgsqlParameter { Value = stream.Id }, new NpgsqlParameter<long> { TypedValue = atMostSeq }], ct);

    /// <summary>The events of <paramref name="seqs"/> (a scope that spans several streams, <see cref="EventSelection"/>), in seq order.</summary>
    public static IAsyncEnumerable<PreviewEvent> OfSeqsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long[] seqs,
        CancellationToken ct = default) =>
        ReadAsync(connection, transaction, $"SELECT {Columns} FROM ledger.events WHERE seq = ANY($1) ORDER BY seq",
            [new NpgsqlParameter<long[]> { TypedValue = seqs }], ct);

    // The command is made when the rows are first asked for, so it lives exactly as long as their enumeration.
    private static async IAsyncEnumerable<PreviewEvent> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql,
        NpgsqlParameter[] parameters, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var cmd = new NpgsqlCommand(sql, connection, transaction);
        cmd.Parameters.AddRange(parameters);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            yield return new PreviewEvent(reader.GetGuid(0), reader.GetFieldValue<DateTime>(1), reader.GetString(2),
                new StreamKey(reader.GetString(3), reader.GetString(4)));
    }
}
