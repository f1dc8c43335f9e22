using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.StreamHeads;
using Npgsql;

namespace AuditPortal.Data.Reading;

/// <summary>Reads <c>ledger.checkpoints</c> as signed checkpoints, ordered by size.</summary>
/// <remarks>
/// The checkpoint is rebuilt from the size, origin, root, time and stream-head columns, and the signature is
/// checked over that checkpoint's canonical text; a tampered column therefore shows up as an invalid
/// signature. The stored <c>text</c> column is not trusted separately.
/// </remarks>
public sealed class CheckpointTableReader(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<SignedCheckpoint>> ReadAllAsync(long? maxSize = null, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT size, origin, root_hash, checkpoint_time, signature, stream_heads_count, stream_heads_root, note FROM ledger.checkpoints WHERE size <= $1 ORDER BY size");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = maxSize ?? long.MaxValue });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<SignedCheckpoint>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // Format 2 rows carry the stream-head commitment (NULL in format 1 rows, docs/ledger-format.md §5.4).
            var heads = reader.IsDBNull(5) ? null : new StreamHeadCommitment(reader.GetInt64(5), reader.GetFieldValue<byte[]>(6));
            var checkpoint = new Checkpoint(reader.GetString(1), reader.GetInt64(0), reader.GetFieldValue<byte[]>(2),
                reader.GetFieldValue<DateTime>(3), heads);
            list.Add(new SignedCheckpoint(checkpoint, reader.GetFieldValue<byte[]>(4), reader.IsDBNull(7) ? null : reader.GetString(7)));
        }
        return list;
    }
}
