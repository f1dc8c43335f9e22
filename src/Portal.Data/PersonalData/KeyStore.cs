using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;

namespace AuditPortal.Data.PersonalData;

/// <summary>
/// Per-subject AES-256 keys in <c>keystore.subject_keys</c>, outside the hashed ledger. What a
/// store may do depends on the role its data source connects as: the writer creates and reads keys,
/// the reader reads them, the key eraser shreds them (docs/database.md).
/// </summary>
public sealed class KeyStore
{
    private readonly NpgsqlDataSource dataSource;
    private readonly TimeProvider time;

    public KeyStore(NpgsqlDataSource dataSource, TimeProvider? time = null)
    {
        this.dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        this.time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Returns each subject's key, creating a random 32-byte key for subjects that have none.
    /// Fails (PostgresException 23001) for a subject that was erased: no new personal data for them.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, byte[]>> GetOrCreateKeysAsync(IEnumerable<string> subjectIds, CancellationToken ct = default)
    {
        var subjects = Distinct(subjectIds);
        if (subjects.Length == 0)
            return new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var keys = subjects.Select(_ => RandomNumberGenerator.GetBytes(PersonalDataCipher.KeySize)).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new("""
                    INSERT INTO keystore.subject_keys (subject_id, key, created_at)
                    SELECT s, k, $3 FROM unnest($1::text[], $2::bytea[]) AS t(s, k)
                    ON CONFLICT (subject_id) DO NOTHING
                    """)
                {
                    Parameters =
                    {
                        new() { Value = subjects, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                        new() { Value = keys, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea },
                        new() { Value = time.GetUtcNow().UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                    },
                },
                SelectKeys(subjects),
            },
        };
        return await ReadKeysAsync(batch, ct);
    }

    public async Task<byte[]> GetOrCreateKeyAsync(string subjectId, CancellationToken ct = default)
    {
        var keys = await GetOrCreateKeysAsync([subjectId], ct);
        return keys[subjectId];
    }

    /// <summary>The keys that still exist; a shredded or never-keyed subject is absent.</summary>
    public async Task<IReadOnlyDictionary<string, byte[]>> GetKeysAsync(IEnumerable<string> subjectIds, CancellationToken ct = default)
    {
        var subjects = Distinct(subjectIds);
        if (subjects.Length == 0)
            return new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { SelectKeys(subjects) } };
        return await ReadKeysAsync(batch, ct);
    }

    public async Task<byte[]?> GetKeyAsync(string subjectId, CancellationToken ct = default) =>
        (await GetKeysAsync([subjectId], ct)).GetValueOrDefault(subjectId);

    /// <summary>
    /// Crypto-shreds a subject: deletes the key and records the erasure, in one transaction. Needs
    /// the key-eraser role. Shredding an already erased subject changes nothing and returns its record.
    /// </summary>
    public async Task<Erasure> ShredAsync(string subjectId, string erasedBy, string reason, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        ArgumentException.ThrowIfNullOrWhiteSpace(erasedBy);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        int deleted;
        await using (var delete = new NpgsqlCommand("DELETE FROM keystore.subject_keys WHERE subject_id = $1", connection, tx))
        {
            delete.Parameters.Add(new() { Value = subjectId });
            deleted = await delete.ExecuteNonQueryAsync(ct);
        }
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO keystore.erasures (subject_id, erased_at, erased_by, reason) VALUES ($1, $2, $3, $4)
            ON CONFLICT (subject_id) DO NOTHING
            """, connection, tx))
        {
            insert.Parameters.Add(new() { Value = subjectId });
            insert.Parameters.Add(new() { Value = time.GetUtcNow().UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            insert.Parameters.Add(new() { Value = erasedBy });
            insert.Parameters.Add(new() { Value = reason });
            await insert.ExecuteNonQueryAsync(ct);
        }
        Erasure erasure;
        await using (var select = new NpgsqlCommand(
            "SELECT erased_at, erased_by, reason FROM keystore.erasures WHERE subject_id = $1", connection, tx))
        {
            select.Parameters.Add(new() { Value = subjectId });
            await using var reader = await select.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            erasure = new Erasure(subjectId, reader.GetFieldValue<DateTime>(0), reader.GetString(1), reader.GetString(2), deleted > 0);
        }
        await tx.CommitAsync(ct);
        return erasure;
    }

    /// <summary>The erasure record of a subject, or null when it was never erased.</summary>
    public async Task<Erasure?> GetErasureAsync(string subjectId, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var select = new NpgsqlCommand(
            "SELECT erased_at, erased_by, reason FROM keystore.erasures WHERE subject_id = $1", connection);
        select.Parameters.Add(new() { Value = subjectId });
        await using var reader = await select.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            return null;
        return new Erasure(subjectId, reader.GetFieldValue<DateTime>(0), reader.GetString(1), reader.GetString(2), false);
    }

    /// <summary>Which of <paramref name="subjectIds"/> were erased (crypto-shredded): their fields print as erased.</summary>
    public async Task<IReadOnlySet<string>> ErasedAmongAsync(IEnumerable<string> subjectIds, CancellationToken ct = default)
    {
        var subjects = Distinct(subjectIds);
        if (subjects.Length == 0)
            return new HashSet<string>(StringComparer.Ordinal);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await ErasuresAsync(connection, null, subjects, ct)).Keys.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// The one read of <c>keystore.erasures</c> by subject: when each of <paramref name="subjects"/> that was
    /// crypto-shredded was erased (all erased subjects when <paramref name="subjects"/> is null), on the caller's
    /// connection and transaction (the gateway reads it in the query's snapshot on the standby).
    /// </summary>
    public static async Task<Dictionary<string, DateTimeOffset>> ErasuresAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        string[]? subjects, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var erased = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await using var select = new NpgsqlCommand(
            "SELECT subject_id, erased_at FROM keystore.erasures WHERE $1::text[] IS NULL OR subject_id = ANY($1)", connection, transaction);
        select.Parameters.Add(new() { Value = (object?)subjects ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            erased[reader.GetString(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        return erased;
    }

    /// <summary>The keys of <paramref name="subjects"/> that still exist, on the caller's connection and transaction.</summary>
    public static async Task<Dictionary<string, byte[]>> KeysAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string[] subjects,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { SelectKeys(subjects) } };
        return await ReadKeysAsync(batch, ct);
    }

    private static NpgsqlBatchCommand SelectKeys(string[] subjects) =>
        new("SELECT subject_id, key FROM keystore.subject_keys WHERE subject_id = ANY($1)")
        {
            Parameters = { new() { Value = subjects, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text } },
        };

    private static async Task<Dictionary<string, byte[]>> ReadKeysAsync(NpgsqlBatch batch, CancellationToken ct)
    {
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        do
        {
            while (await reader.ReadAsync(ct))
                keys[reader.GetString(0)] = reader.GetFieldValue<byte[]>(1);
        }
        while (await reader.NextResultAsync(ct));
        return keys;
    }

    private static string[] Distinct(IEnumerable<string> subjectIds)
    {
        ArgumentNullException.ThrowIfNull(subjectIds);
        // Sorted: concurrent appenders insert the new keys of overlapping subjects in one order, so they
        // wait for each other instead of deadlocking (seen with two seed batches in flight).
        var subjects = subjectIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (subjects.Any(string.IsNullOrEmpty))
            throw new ArgumentException("subject ids must not be empty", nameof(subjectIds));
        return subjects;
    }
}

/// <summary>A subject's erasure; <see cref="KeyDestroyed"/> tells whether this call deleted a key.</summary>
public sealed record Erasure(string SubjectId, DateTime ErasedAt, string ErasedBy, string Reason, bool KeyDestroyed);
