using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;
using AuditPortal.Verification.StreamHeads;
using Npgsql;

namespace AuditPortal.Data.Checkpoints;

/// <summary>
/// The one reader of <c>ledger.checkpoints</c> (the ledger's, and the access log's in the portal database):
/// every SQL read of the table and its row mapping are here; works with the reader role, on a data source
/// or inside a caller's (read-only) transaction.
/// </summary>
/// <remarks>
/// <para>How a row is trusted (docs/verification.md, "Checkpoint rows"): a row is a signed checkpoint only when
/// its stored <c>text</c> parses and is exactly the canonical text of its columns (origin, size, root, time);
/// the signature covers that text. Otherwise the row has a <see cref="StoredCheckpoint.Problem"/>, and</para>
/// <list type="bullet">
/// <item>readers that show or prove from it (<see cref="StoredCheckpoint.Signed"/>: proofs, the per-entity proof,
/// the access log's head, the writer's own re-read) refuse it with <see cref="InvalidDataException"/>;</item>
/// <item>pages that report on it (dashboard, checkpoints page) show the problem;</item>
/// <item>the verifier (<see cref="StoredCheckpoint.ForVerifier"/>) checks the columns and reports the row's
/// signature as invalid, so a tampered column or a tampered text is a finding, never a crash.</item>
/// </list>
/// </remarks>
public sealed class CheckpointStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "size, origin, root_hash, checkpoint_time, text, signature, key_id, stream_heads_count, stream_heads_root, note";

    /// <summary>The latest row (highest size), for a caller that batches it with other statements; map it with <see cref="Map"/>.</summary>
    public const string LatestSql = $"SELECT {Columns} FROM ledger.checkpoints ORDER BY size DESC LIMIT 1";

    /// <summary>Every stored checkpoint, ordered by size, as signed checkpoints.</summary>
    /// <exception cref="InvalidDataException">A row's text does not parse or disagrees with its columns.</exception>
    public async Task<IReadOnlyList<SignedCheckpoint>> ReadAllAsync(CancellationToken ct = default) =>
        (await ReadRowsAsync(ct: ct).ConfigureAwait(false)).Select(r => r.Signed).ToList();

    /// <summary>Every row up to <paramref name="maxSize"/> (all when null), ordered by size.</summary>
    public async Task<IReadOnlyList<StoredCheckpoint>> ReadRowsAsync(long? maxSize = null, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await ReadRowsAsync(connection, null, maxSize, ct).ConfigureAwait(false);
    }

    /// <inheritdoc cref="ReadRowsAsync(long?, CancellationToken)"/>
    public static async Task<IReadOnlyList<StoredCheckpoint>> ReadRowsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        long? maxSize = null, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM ledger.checkpoints WHERE size <= $1 ORDER BY size", connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = maxSize ?? long.MaxValue });
        return await ReadAsync(cmd, ct).ConfigureAwait(false);
    }

    /// <summary>The latest row (highest size), or null when the table is empty.</summary>
    public static async Task<StoredCheckpoint?> LatestAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand(LatestSql, connection, transaction);
        return (await ReadAsync(cmd, ct).ConfigureAwait(false)).SingleOrDefault();
    }

    /// <summary>The latest row of size ≤ <paramref name="maxSize"/> (the checkpoints as they stood), or null when there is none.</summary>
    public static async Task<StoredCheckpoint?> LatestAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long maxSize, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM ledger.checkpoints WHERE size <= $1 ORDER BY size DESC LIMIT 1", connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = maxSize });
        return (await ReadAsync(cmd, ct).ConfigureAwait(false)).SingleOrDefault();
    }

    /// <summary>The row of exactly <paramref name="size"/>, or null.</summary>
    public static async Task<StoredCheckpoint?> AtSizeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long size,
        CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM ledger.checkpoints WHERE size = $1", connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = size });
        return (await ReadAsync(cmd, ct).ConfigureAwait(false)).SingleOrDefault();
    }

    /// <summary>The size of the latest row, 0 when the table is empty, for a caller that batches it with other statements.</summary>
    public const string LatestSizeSql = "SELECT coalesce(max(size), 0) FROM ledger.checkpoints";

    /// <summary>The size of the latest row, 0 when the table is empty (cache keys; nothing is trusted from it).</summary>
    public static async Task<long> LatestSizeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand(LatestSizeSql, connection, transaction);
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    /// <summary>
    /// The Merkle frontier stored with the latest checkpoint of at most <paramref name="maxSize"/> that has one, when it
    /// reproduces that checkpoint's root; null otherwise (no such row, or a malformed or wrong frontier: the caller then
    /// computes the tree from every row).
    /// </summary>
    public static async Task<CompactRange?> LatestFrontierAsync(NpgsqlConnection connection, long maxSize, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT size, root_hash, frontier FROM ledger.checkpoints WHERE frontier IS NOT NULL AND size <= $1 ORDER BY size DESC LIMIT 1", connection);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = maxSize });
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false))
            return null;
        try
        {
            var range = CompactRange.FromNodeHashes(reader.GetInt64(0), reader.GetFieldValue<byte[]>(2));
            return range.RootHash().AsSpan().SequenceEqual(reader.GetFieldValue<byte[]>(1)) ? range : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A row of a <see cref="LatestSql"/> (or any <c>SELECT {columns}</c> of this class) at the reader's current position.</summary>
    public static StoredCheckpoint Map(NpgsqlDataReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        // Format 2 rows carry the stream-head commitment and the signed note (NULL in format 1 rows, docs/ledger-format.md §5.4).
        var heads = reader.IsDBNull(7) ? null : new StreamHeadCommitment(reader.GetInt64(7), reader.GetFieldValue<byte[]>(8));
        return new StoredCheckpoint(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<DateTime>(3),
            reader.GetString(4), reader.GetFieldValue<byte[]>(5), reader.GetString(6), heads, reader.IsDBNull(9) ? null : reader.GetString(9));
    }

    private static async Task<IReadOnlyList<StoredCheckpoint>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rows = new List<StoredCheckpoint>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            rows.Add(Map(reader));
        return rows;
    }
}

/// <summary>A row of <c>ledger.checkpoints</c> as stored; see <see cref="CheckpointStore"/> for how it is trusted.</summary>
public sealed record StoredCheckpoint(long Size, string Origin, byte[] RootHash, DateTime Time, string Text, byte[] Signature, string KeyId,
    StreamHeadCommitment? Heads = null, string? Note = null)
{
    private readonly Lazy<string?> problem = new(() => FindProblem(new Checkpoint(Origin, Size, RootHash, Time, Heads), Text));

    /// <summary>The checkpoint the columns describe (format 2 rows include the stream-head commitment).</summary>
    public Checkpoint FromColumns => new(Origin, Size, RootHash, Time, Heads);

    /// <summary>Why the row is not a signed checkpoint (its text does not parse, or says something its columns do not), or null.</summary>
    public string? Problem => problem.Value;

    /// <summary>The signed checkpoint of a sound row.</summary>
    /// <exception cref="InvalidDataException">The row has a <see cref="Problem"/>.</exception>
    public SignedCheckpoint Signed => Problem is null
        ? new SignedCheckpoint(FromColumns, Signature, Note)
        : throw new InvalidDataException($"checkpoint row of size {Size}: {Problem}");

    /// <summary>
    /// What the verifier checks: the columns with the row's signature, or with no signature when the row has a
    /// <see cref="Problem"/> — so a tampered column (signature over the text no longer matches) and a tampered text
    /// are both reported as an invalid checkpoint signature at this size.
    /// </summary>
    public SignedCheckpoint ForVerifier => new(FromColumns, Problem is null ? Signature : [], Problem is null ? Note : null);

    private static string? FindProblem(Checkpoint columns, string text)
    {
        Checkpoint parsed;
        try
        {
            parsed = Checkpoint.Parse(text);
        }
        catch (FormatException ex)
        {
            return $"its signed text does not parse: {ex.Message}";
        }
        return parsed.ToText() == columns.ToText()
            ? null
            : $"columns say origin {columns.Origin}, root {HashHex.ToHex(columns.RootHash)}, time {LedgerTime.ToText(columns.Time)}, "
              + $"but the signed text says origin {parsed.Origin}, size {parsed.Size}, root {HashHex.ToHex(parsed.RootHash)}, time {LedgerTime.ToText(parsed.Time)}";
    }
}
