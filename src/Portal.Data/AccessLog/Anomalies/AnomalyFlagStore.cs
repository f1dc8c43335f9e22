using System.Text.Json.Nodes;
using AuditPortal.Data.Replica;
using Npgsql;
using NpgsqlTypes;

namespace AuditPortal.Data.AccessLog.Anomalies;

/// <summary>How far the anomaly monitor has evaluated the access log, and the rules' state after that seq.</summary>
/// <param name="RulesKey">The rule configuration it was computed with (<see cref="AnomalyEngine.ConfigurationKey"/>).</param>
public sealed record AnomalyWatermark(string RulesKey, long EvaluatedSeq, DateTime EvaluatedAt, JsonObject? State);

/// <summary>A persisted flag with its position on the flags page (newest first by <see cref="Id"/>).</summary>
public sealed record StoredAnomalyFlag(long Id, AnomalyFlag Flag, DateTime RaisedAt);

/// <summary>One page of flags, newest first; <see cref="NextBeforeId"/> is the cursor of the next page, null on the last.</summary>
public sealed record AnomalyFlagPage(IReadOnlyList<StoredAnomalyFlag> Flags, long? NextBeforeId);

/// <summary>
/// The anomaly flags and the monitor's watermark in the portal database (<c>portal.anomaly_flags</c>,
/// <c>portal.anomaly_watermark</c>, PortalMigrations/V004; docs/access-log-review.md). The monitor writes through the
/// primary; pages read the standby.
/// </summary>
/// <param name="writer">The portal database as the portal's role (the access-log writer).</param>
/// <param name="reader">The portal database's standby (or its primary, read-only).</param>
public sealed class AnomalyFlagStore(NpgsqlDataSource writer, ReplicaConnectionFactory reader)
{
    /// <summary>The largest page of flags.</summary>
    public const int MaxPageSize = 500;

    /// <summary>
    /// In one transaction: the flags (each once: a flag raised again after a resume has the same key and is skipped) and,
    /// when given, the watermark — only forward, so an instance behind another never moves it back.
    /// </summary>
    public async Task SaveAsync(IReadOnlyList<AnomalyFlag> flags, AnomalyWatermark? watermark, DateTime raisedAt, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(flags);
        if (flags.Count == 0 && watermark is null)
            return;
        await using var connection = await writer.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (flags.Count > 0)
        {
            await using var batch = new NpgsqlBatch(connection, tx);
            foreach (var flag in flags)
            {
                var insert = new NpgsqlBatchCommand("""
                    INSERT INTO portal.anomaly_flags (flag_key, rule_id, rule_version, subject_id, flagged_at, explanation, entry_seqs, raised_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (flag_key) DO NOTHING
                    """);
                insert.Parameters.Add(new() { Value = flag.Key, NpgsqlDbType = NpgsqlDbType.Text });
                insert.Parameters.Add(new() { Value = flag.RuleId, NpgsqlDbType = NpgsqlDbType.Text });
                insert.Parameters.Add(new() { Value = flag.RuleVersion, NpgsqlDbType = NpgsqlDbType.Integer });
                insert.Parameters.Add(new() { Value = flag.SubjectId, NpgsqlDbType = NpgsqlDbType.Text });
                insert.Parameters.Add(new() { Value = flag.At, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                insert.Parameters.Add(new() { Value = flag.Explanation, NpgsqlDbType = NpgsqlDbType.Text });
                insert.Parameters.Add(new() { Value = flag.EntrySeqs.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                insert.Parameters.Add(new() { Value = raisedAt, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                batch.BatchCommands.Add(insert);
            }
            await batch.ExecuteNonQueryAsync(ct);
        }
        if (watermark is not null)
        {
            await using var upsert = new NpgsqlCommand("""
                INSERT INTO portal.anomaly_watermark (rules_key, evaluated_seq, evaluated_at, state) VALUES ($4, $1, $2, $3::jsonb)
                ON CONFLICT (rules_key) DO UPDATE SET evaluated_seq = excluded.evaluated_seq, evaluated_at = excluded.evaluated_at, state = excluded.state
                WHERE portal.anomaly_watermark.evaluated_seq <= excluded.evaluated_seq
                """, connection, tx);
            upsert.Parameters.Add(new() { Value = watermark.EvaluatedSeq, NpgsqlDbType = NpgsqlDbType.Bigint });
            upsert.Parameters.Add(new() { Value = watermark.EvaluatedAt, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            upsert.Parameters.Add(new() { Value = (watermark.State ?? []).ToJsonString(), NpgsqlDbType = NpgsqlDbType.Text });
            upsert.Parameters.Add(new() { Value = watermark.RulesKey, NpgsqlDbType = NpgsqlDbType.Text });
            await upsert.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>The watermark of this rule configuration with the rules' state, from the primary (where the monitor resumes); null before the first.</summary>
    /// <exception cref="InvalidDataException">The stored state is not a JSON object.</exception>
    public async Task<AnomalyWatermark?> ResumePointAsync(string rulesKey, CancellationToken ct = default)
    {
        await using var cmd = writer.CreateCommand("SELECT evaluated_seq, evaluated_at, state::text FROM portal.anomaly_watermark WHERE rules_key = $1");
        cmd.Parameters.Add(new() { Value = rulesKey, NpgsqlDbType = NpgsqlDbType.Text });
        await using var row = await cmd.ExecuteReaderAsync(ct);
        if (!await row.ReadAsync(ct))
            return null;
        var state = JsonNode.Parse(row.GetString(2)) as JsonObject ?? throw new InvalidDataException("portal.anomaly_watermark.state is not a JSON object");
        return new AnomalyWatermark(rulesKey, row.GetInt64(0), row.GetFieldValue<DateTime>(1), state);
    }

    /// <summary>How far the monitor of this rule configuration has evaluated, from the standby (no state); null before the first evaluation.</summary>
    public async Task<AnomalyWatermark?> EvaluatedUpToAsync(string rulesKey, CancellationToken ct = default)
    {
        await using var session = await reader.BeginReadOnlyAsync(ct);
        await using var cmd = session.CreateCommand("SELECT evaluated_seq, evaluated_at FROM portal.anomaly_watermark WHERE rules_key = $1");
        cmd.Parameters.Add(new() { Value = rulesKey, NpgsqlDbType = NpgsqlDbType.Text });
        await using var row = await cmd.ExecuteReaderAsync(ct);
        return await row.ReadAsync(ct) ? new AnomalyWatermark(rulesKey, row.GetInt64(0), row.GetFieldValue<DateTime>(1), null) : null;
    }

    /// <summary>The flags newest first, <paramref name="limit"/> at a time below <paramref name="beforeId"/> (keyset paging), from the standby.</summary>
    public async Task<AnomalyFlagPage> PageAsync(long? beforeId, int limit, CancellationToken ct = default)
    {
        if (limit is < 1 or > MaxPageSize)
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"the page size must be 1…{MaxPageSize}");
        await using var session = await reader.BeginReadOnlyAsync(ct);
        await using var cmd = session.CreateCommand("""
            SELECT id, rule_id, rule_version, subject_id, flagged_at, explanation, entry_seqs, raised_at
            FROM portal.anomaly_flags WHERE id < $1 ORDER BY id DESC LIMIT $2
            """);
        cmd.Parameters.Add(new() { Value = beforeId ?? long.MaxValue, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = limit + 1, NpgsqlDbType = NpgsqlDbType.Integer });
        var flags = new List<StoredAnomalyFlag>();
        await using var row = await cmd.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
        {
            flags.Add(new StoredAnomalyFlag(row.GetInt64(0),
                new AnomalyFlag(row.GetString(1), row.GetInt32(2), row.GetString(3), row.GetFieldValue<DateTime>(4), row.GetString(5), row.GetFieldValue<long[]>(6)),
                row.GetFieldValue<DateTime>(7)));
        }
        if (flags.Count <= limit)
            return new AnomalyFlagPage(flags, null);
        flags.RemoveAt(limit);
        return new AnomalyFlagPage(flags, flags[^1].Id);
    }
}
