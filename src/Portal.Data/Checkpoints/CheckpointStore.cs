using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.StreamHeads;
using Npgsql;

namespace AuditPortal.Data.Checkpoints;

/// <summary>Reads the signed checkpoints stored in <c>ledger.checkpoints</c> (works with the reader role).</summary>
public sealed class CheckpointStore(NpgsqlDataSource dataSource)
{
    /// <summary>Every stored checkpoint, ordered by size.</summary>
    /// <exception cref="InvalidDataException">A row's columns disagree with its signed text.</exception>
    public async Task<IReadOnlyList<SignedCheckpoint>> ReadAllAsync(CancellationToken ct = default) =>
        (await ReadRowsAsync(ct)).Select(r => r.Signed).ToList();

    /// <summary>Every stored checkpoint with the id of the key that signed it, ordered by size.</summary>
    public async Task<IReadOnlyList<StoredCheckpoint>> ReadRowsAsync(CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            "SELECT size, origin, root_hash, checkpoint_time, text, signature, key_id, stream_heads_count, stream_heads_root, note FROM ledger.checkpoints ORDER BY size",
            connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<StoredCheckpoint>();
        while (await reader.ReadAsync(ct))
        {
            var size = reader.GetInt64(0);
            Checkpoint checkpoint;
            try
            {
                checkpoint = Checkpoint.Parse(reader.GetString(4));
            }
            catch (FormatException ex)
            {
                throw new InvalidDataException($"checkpoint row of size {size}: its text does not parse: {ex.Message}", ex);
            }
            var heads = reader.IsDBNull(7) ? null : new StreamHeadCommitment(reader.GetInt64(7), reader.GetFieldValue<byte[]>(8));
            var columns = new Checkpoint(reader.GetString(1), size, reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<DateTime>(3), heads);
            if (checkpoint.ToText() != columns.ToText())
                throw new InvalidDataException(
                    $"checkpoint row of size {size}: columns say origin {columns.Origin}, root {HashHex.ToHex(columns.RootHash)}, time {LedgerTime.ToText(columns.Time)}, "
                    + $"but the signed text says origin {checkpoint.Origin}, size {checkpoint.Size}, root {HashHex.ToHex(checkpoint.RootHash)}, time {LedgerTime.ToText(checkpoint.Time)}");
            result.Add(new StoredCheckpoint(
                new SignedCheckpoint(checkpoint, reader.GetFieldValue<byte[]>(5), reader.IsDBNull(9) ? null : reader.GetString(9)), reader.GetString(6)));
        }
        return result;
    }
}

/// <summary>A checkpoint row: the signed checkpoint and the key id recorded with it.</summary>
public sealed record StoredCheckpoint(SignedCheckpoint Signed, string KeyId);
