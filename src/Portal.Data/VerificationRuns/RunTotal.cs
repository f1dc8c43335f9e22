using Npgsql;

namespace AuditPortal.Data.VerificationRuns;

/// <summary>The rows a run of a scope will check, for its progress bar: read in the starter's snapshot.</summary>
public static class RunTotal
{
    /// <param name="head">The ledger's highest seq in the caller's snapshot.</param>
    public static async Task<long> OfAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, RunScope scope, long head,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(scope);
        switch (scope.Kind)
        {
            case RunScopeKind.Whole:
                return head;
            case RunScopeKind.Range:
                return Math.Max(0, Math.Min(scope.To!.Value, head) - scope.From!.Value + 1);
            default:
                // A stream's rows, counted (not its highest stream_seq): the run reads every row of the stream, gaps included.
                await using (var cmd = new NpgsqlCommand("SELECT count(*) FROM ledger.events WHERE stream_type = $1 AND stream_id = $2", connection, transaction))
                {
                    cmd.Parameters.Add(new NpgsqlParameter { Value = scope.Stream!.Value.Type });
                    cmd.Parameters.Add(new NpgsqlParameter { Value = scope.Stream.Value.Id });
                    return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
                }
        }
    }
}
