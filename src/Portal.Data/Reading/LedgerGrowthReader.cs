using Npgsql;

namespace AuditPortal.Data.Reading;

/// <summary>One sampled point of the ledger's growth: the ledger held <see cref="Seq"/> events when that event was recorded.</summary>
public sealed record LedgerGrowthPoint(long Seq, DateTimeOffset RecordedAt);

/// <summary>
/// The ledger's growth over time for the dashboard's chart: the recording time of <c>points</c> events
/// spread evenly over 1..<c>upTo</c> (the head, or the latest checkpoint's size). Each is one primary-key lookup,
/// so the cost does not grow with the ledger (a histogram over <c>recorded_at</c> would scan it). A deleted row
/// (a tamper) simply leaves a point out.
/// </summary>
public static class LedgerGrowthReader
{
    public const int MaxPoints = 200;

    private const string Sql = """
        SELECT e.seq, e.recorded_at
        FROM (SELECT least($2, max(seq)) AS head FROM ledger.events) h
        CROSS JOIN LATERAL generate_series(1, least($1, h.head)) i
        JOIN ledger.events e ON e.seq = greatest(1, h.head * i / least($1, h.head))
        ORDER BY e.seq
        """;

    /// <summary>Reads in the caller's connection and transaction (the gateway's read-only snapshot).</summary>
    public static async Task<IReadOnlyList<LedgerGrowthPoint>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, int points,
        long upTo = long.MaxValue, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(points, MaxPoints);
        await using var cmd = new NpgsqlCommand(Sql, connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (long)points });
        cmd.Parameters.Add(new NpgsqlParameter { Value = upTo });
        var list = new List<LedgerGrowthPoint>(points);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            list.Add(new LedgerGrowthPoint(reader.GetInt64(0), new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc))));
        return list;
    }
}
