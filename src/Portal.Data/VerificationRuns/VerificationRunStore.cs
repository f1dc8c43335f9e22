using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Verifying;
using Npgsql;
using NpgsqlTypes;

namespace AuditPortal.Data.VerificationRuns;

/// <summary>
/// The registry of verification runs in the portal database (<c>portal.verification_*</c>, all
/// append-only). A run's status is its terminal event; a run without one whose last sign of life
/// (heartbeat, or its start) is older than <paramref name="staleAfter"/> is
/// <see cref="RunStatus.Interrupted"/>: its process died, and it is never shown as clean.
/// </summary>
/// <param name="dataSource">The portal database as the portal's role (INSERT + SELECT).</param>
/// <param name="staleAfter">How long a run may be silent before it counts as interrupted (a few heartbeat intervals).</param>
public sealed class VerificationRunStore(NpgsqlDataSource dataSource, TimeProvider time, TimeSpan staleAfter)
{
    public TimeSpan StaleAfter => staleAfter;

    public async Task CreateAsync(NewVerificationRun run, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var cmd = dataSource.CreateCommand("""
            WITH run AS (
              INSERT INTO portal.verification_runs
                (id, scope, range_from, range_to, stream_type, stream_id, started_by, started_by_name, started_at, instance, access_log_seq)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
              RETURNING id, started_at)
            INSERT INTO portal.verification_run_events (run_id, status, at) SELECT id, 'started', started_at FROM run
            """);
        cmd.Parameters.Add(new() { Value = run.Id });
        cmd.Parameters.Add(new() { Value = run.Scope.DbKind });
        cmd.Parameters.Add(new() { Value = (object?)run.Scope.From ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = (object?)run.Scope.To ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = (object?)run.Scope.Stream?.Type ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)run.Scope.Stream?.Id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = run.StartedBy });
        cmd.Parameters.Add(new() { Value = run.StartedByName });
        cmd.Parameters.Add(new() { Value = run.StartedAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new() { Value = run.Instance });
        cmd.Parameters.Add(new() { Value = (object?)run.AccessLogSeq ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Appends findings (numbered from <paramref name="firstOrdinal"/>) in one statement.</summary>
    public async Task AppendFindingsAsync(Guid runId, int firstOrdinal, IReadOnlyList<(Finding Finding, DateTimeOffset FoundAt)> findings,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(findings);
        if (findings.Count == 0)
            return;
        await using var cmd = dataSource.CreateCommand("""
            INSERT INTO portal.verification_run_findings
              (run_id, ordinal, kind, seq, stream_type, stream_id, stream_seq, expected, actual, message, found_at)
            SELECT $1, $2 + o - 1, k, s, st, si, ss, e, a, m, f
            FROM unnest($3::text[], $4::bigint[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::text[], $11::timestamptz[])
                 WITH ORDINALITY AS t(k, s, st, si, ss, e, a, m, f, o)
            """);
        cmd.Parameters.Add(new() { Value = runId });
        cmd.Parameters.Add(new() { Value = firstOrdinal });
        cmd.Parameters.Add(new() { Value = findings.Select(f => f.Finding.Kind.ToString()).ToArray() });
        cmd.Parameters.Add(new() { Value = findings.Select(f => f.Finding.Seq).ToArray() });
        cmd.Parameters.Add(new() { Value = findings.Select(f => f.Finding.Stream?.Type).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = findings.Select(f => f.Finding.Stream?.Id).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = findings.Select(f => f.Finding.StreamSeq).ToArray() });
        cmd.Parameters.Add(new() { Value = findings.Select(f => f.Finding.Expected).ToArray() });
        cmd.Parameters.Add(new() { Value = findings.Select(f => f.Finding.Actual).ToArray() });
        cmd.Parameters.Add(new() { Value = findings.Select(f => f.Finding.Message).ToArray() });
        cmd.Parameters.Add(new() { Value = findings.Select(f => f.FoundAt.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task HeartbeatAsync(Guid runId, RunHeartbeat beat, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(beat);
        await using var cmd = dataSource.CreateCommand("""
            INSERT INTO portal.verification_run_heartbeats (run_id, at, rows_done, current_seq, rows_per_second, findings)
            VALUES ($1, $2, $3, $4, $5, $6)
            """);
        cmd.Parameters.Add(new() { Value = runId });
        cmd.Parameters.Add(new() { Value = beat.At.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new() { Value = beat.Rows });
        cmd.Parameters.Add(new() { Value = beat.CurrentSeq });
        cmd.Parameters.Add(new() { Value = beat.RowsPerSecond });
        cmd.Parameters.Add(new() { Value = beat.Findings });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Records how the run ended. A second terminal event for a run is rejected by the database.</summary>
    public async Task FinishAsync(Guid runId, RunOutcome outcome, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Status is RunStatus.Running)
            throw new ArgumentException($"{outcome.Status} is not a terminal event", nameof(outcome));
        await using var cmd = dataSource.CreateCommand("""
            INSERT INTO portal.verification_run_events
              (run_id, status, at, rows_done, rows_per_second, head_seq, head_hash, root, total_findings, actor, error)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """);
        cmd.Parameters.Add(new() { Value = runId });
        cmd.Parameters.Add(new() { Value = outcome.Status.ToString().ToLowerInvariant() });
        cmd.Parameters.Add(new() { Value = outcome.At.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new() { Value = outcome.Rows });
        cmd.Parameters.Add(new() { Value = outcome.RowsPerSecond });
        cmd.Parameters.Add(new() { Value = outcome.HeadSeq });
        cmd.Parameters.Add(new() { Value = (object?)outcome.HeadHash ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)outcome.Root ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = outcome.TotalFindings });
        cmd.Parameters.Add(new() { Value = (object?)outcome.Actor ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new() { Value = (object?)outcome.Error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private const string RunSelect = """
        SELECT r.id, r.scope, r.range_from, r.range_to, r.stream_type, r.stream_id, r.started_by, r.started_by_name,
               r.started_at, r.instance, r.access_log_seq,
               h.at, h.rows_done, h.current_seq, h.rows_per_second, h.findings,
               e.status, e.at, e.rows_done, e.rows_per_second, e.head_seq, e.head_hash, e.root, e.total_findings, e.actor, e.error,
               (SELECT count(*) FROM portal.verification_run_findings f WHERE f.run_id = r.id)
        FROM portal.verification_runs r
        LEFT JOIN LATERAL (SELECT * FROM portal.verification_run_heartbeats hb WHERE hb.run_id = r.id ORDER BY hb.at DESC LIMIT 1) h ON true
        LEFT JOIN portal.verification_run_events e ON e.run_id = r.id AND e.status <> 'started'
        """;

    /// <summary>The latest runs, newest first.</summary>
    public async Task<IReadOnlyList<VerificationRun>> ListAsync(int limit = 50, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(RunSelect + " ORDER BY r.started_at DESC, r.id LIMIT $1");
        cmd.Parameters.Add(new() { Value = limit });
        return await ReadRunsAsync(cmd, ct);
    }

    public async Task<VerificationRun?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(RunSelect + " WHERE r.id = $1");
        cmd.Parameters.Add(new() { Value = id });
        return (await ReadRunsAsync(cmd, ct)).SingleOrDefault();
    }

    /// <summary>The latest finished whole-ledger run that completed (the last full pass), if any.</summary>
    public async Task<VerificationRun?> LastFullPassAsync(CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(RunSelect +
            " WHERE r.scope = 'whole' AND e.status = 'completed' ORDER BY e.at DESC LIMIT 1");
        return (await ReadRunsAsync(cmd, ct)).SingleOrDefault();
    }

    /// <summary>Findings of a run with an ordinal above <paramref name="afterOrdinal"/>, in the order found.</summary>
    public async Task<IReadOnlyList<RecordedFinding>> FindingsAsync(Guid runId, int afterOrdinal = 0, int limit = 10_000, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT {FindingColumns} FROM portal.verification_run_findings WHERE run_id = $1 AND ordinal > $2 ORDER BY ordinal LIMIT $3
            """);
        cmd.Parameters.Add(new() { Value = runId });
        cmd.Parameters.Add(new() { Value = afterOrdinal });
        cmd.Parameters.Add(new() { Value = limit });
        return await ReadFindingsAsync(cmd, ct);
    }

    /// <summary>
    /// The open findings: those of the last full pass (<paramref name="fullPassRun"/>) and any recorded at or after
    /// <paramref name="since"/> (its end), each distinct finding once — a whole-ledger pass in progress, or a range
    /// run, re-finds the same tampered row, and that is still one open finding. Lowest seq first, findings
    /// without a seq last; each as first recorded.
    /// </summary>
    public async Task<IReadOnlyList<RecordedFinding>> OpenFindingsAsync(Guid? fullPassRun, DateTimeOffset since, int limit, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT {FindingColumns} FROM (
                SELECT DISTINCT ON ({FindingIdentity}) * FROM portal.verification_run_findings
                WHERE (run_id = $1 OR found_at >= $2) AND {LedgerRunsOnly} ORDER BY {FindingIdentity}, found_at, run_id, ordinal) open
            ORDER BY seq NULLS LAST, found_at, run_id, ordinal LIMIT $3
            """);
        AddOpenParameters(cmd, fullPassRun, since);
        cmd.Parameters.Add(new() { Value = limit });
        return await ReadFindingsAsync(cmd, ct);
    }

    /// <summary>How many <see cref="OpenFindingsAsync"/> there are (stored ones; a pass that hit its finding cap counts the rest itself).</summary>
    public async Task<long> OpenFindingCountAsync(Guid? fullPassRun, DateTimeOffset since, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand($"""
            SELECT count(*) FROM (SELECT DISTINCT {FindingIdentity} FROM portal.verification_run_findings WHERE (run_id = $1 OR found_at >= $2) AND {LedgerRunsOnly}) open
            """);
        AddOpenParameters(cmd, fullPassRun, since);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static void AddOpenParameters(NpgsqlCommand cmd, Guid? fullPassRun, DateTimeOffset since)
    {
        cmd.Parameters.Add(new() { Value = (object?)fullPassRun ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new() { Value = since.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
    }

    /// <summary>The ledger's open findings never include an access-log run's (its seqs are the access log's, not the ledger's).</summary>
    private const string LedgerRunsOnly =
        "NOT EXISTS (SELECT 1 FROM portal.verification_runs x WHERE x.id = run_id AND x.scope = 'accesslog')";

    /// <summary>The latest run of <paramref name="kind"/> (any status), e.g. the access log's last verification for the dashboard.</summary>
    public async Task<VerificationRun?> LatestOfKindAsync(RunScopeKind kind, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(RunSelect + " WHERE r.scope = $1 ORDER BY r.started_at DESC, r.id LIMIT 1");
        cmd.Parameters.Add(new() { Value = new RunScope(kind).DbKind });
        return (await ReadRunsAsync(cmd, ct)).SingleOrDefault();
    }

    /// <summary>What makes two recorded findings the same finding (found by two runs); the message is prose about it.</summary>
    private const string FindingIdentity = "kind, seq, stream_type, stream_id, stream_seq, expected, actual";

    private const string FindingColumns = "run_id, ordinal, kind, seq, stream_type, stream_id, stream_seq, expected, actual, message, found_at";

    private static async Task<IReadOnlyList<RecordedFinding>> ReadFindingsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<RecordedFinding>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var stream = reader.IsDBNull(4) ? (StreamKey?)null : new StreamKey(reader.GetString(4), reader.GetString(5));
            var finding = new Finding(Enum.Parse<FindingKind>(reader.GetString(2)), reader.IsDBNull(3) ? null : reader.GetInt64(3), stream,
                reader.IsDBNull(6) ? null : reader.GetInt64(6), reader.GetString(7), reader.GetString(8), reader.GetString(9));
            list.Add(new RecordedFinding(reader.GetGuid(0), reader.GetInt32(1), finding, Utc(reader.GetDateTime(10))));
        }
        return list;
    }

    public async Task RecordVerifiedHeadAsync(VerifiedHead head, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(head);
        await using var cmd = dataSource.CreateCommand(
            "INSERT INTO portal.verified_heads (at, head_seq, head_hash, run_id, findings) VALUES ($1, $2, $3, $4, $5)");
        cmd.Parameters.Add(new() { Value = head.At.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new() { Value = head.HeadSeq });
        cmd.Parameters.Add(new() { Value = head.HeadHash });
        cmd.Parameters.Add(new() { Value = (object?)head.RunId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new() { Value = head.Findings });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<VerifiedHead?> LatestVerifiedHeadAsync(CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT at, head_seq, head_hash, run_id, findings FROM portal.verified_heads ORDER BY at DESC, head_seq DESC LIMIT 1");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            return null;
        return new VerifiedHead(Utc(reader.GetDateTime(0)), reader.GetInt64(1), reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.GetInt64(4));
    }

    /// <summary>
    /// The latest <paramref name="limit"/> verification passes, oldest first: the continuous verifier's verified
    /// heads, and the completed whole-ledger runs started by users (which record no verified head).
    /// </summary>
    public async Task<IReadOnlyList<VerifiedHead>> VerifiedHeadsAsync(int limit, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT at, head_seq, head_hash, run_id, findings FROM (
                SELECT at, head_seq, head_hash, run_id, findings FROM portal.verified_heads
                UNION
                SELECT e.at, e.head_seq, e.head_hash, e.run_id, e.total_findings
                FROM portal.verification_run_events e JOIN portal.verification_runs r ON r.id = e.run_id
                WHERE e.status = 'completed' AND r.scope = 'whole' AND e.head_hash IS NOT NULL
                ORDER BY at DESC, head_seq DESC LIMIT $1) latest
            ORDER BY at, head_seq
            """);
        cmd.Parameters.Add(new() { Value = limit });
        var list = new List<VerifiedHead>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            list.Add(new VerifiedHead(Utc(reader.GetDateTime(0)), reader.GetInt64(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.GetInt64(4)));
        return list;
    }

    private async Task<IReadOnlyList<VerificationRun>> ReadRunsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var runs = new List<VerificationRun>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var kind = RunScope.ParseKind(reader.GetString(1));
            var scope = new RunScope(kind,
                reader.IsDBNull(2) ? null : reader.GetInt64(2),
                reader.IsDBNull(3) ? null : reader.GetInt64(3),
                reader.IsDBNull(4) ? null : new StreamKey(reader.GetString(4), reader.GetString(5)));
            var startedAt = Utc(reader.GetDateTime(8));
            var heartbeat = reader.IsDBNull(11) ? null : new RunHeartbeat(Utc(reader.GetDateTime(11)), reader.GetInt64(12),
                reader.GetInt64(13), reader.GetDouble(14), reader.GetInt64(15));
            RunOutcome? outcome = null;
            if (!reader.IsDBNull(16))
            {
                outcome = new RunOutcome(Enum.Parse<RunStatus>(reader.GetString(16), ignoreCase: true), Utc(reader.GetDateTime(17)),
                    reader.GetInt64(18), reader.GetDouble(19), reader.GetInt64(20),
                    reader.IsDBNull(21) ? null : reader.GetString(21), reader.IsDBNull(22) ? null : reader.GetString(22),
                    reader.GetInt64(23), reader.IsDBNull(24) ? null : reader.GetString(24), reader.IsDBNull(25) ? null : reader.GetString(25));
            }
            var lastSign = heartbeat?.At ?? startedAt;
            var status = outcome?.Status ?? (now - lastSign > staleAfter ? RunStatus.Interrupted : RunStatus.Running);
            runs.Add(new VerificationRun(reader.GetGuid(0), scope, reader.GetString(6), reader.GetString(7), startedAt,
                reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetInt64(10), status, heartbeat, outcome, reader.GetInt64(26)));
        }
        return runs;
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
