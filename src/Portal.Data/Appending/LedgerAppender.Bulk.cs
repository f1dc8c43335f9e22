using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.StreamHeads;
using Npgsql;
using NpgsqlTypes;

namespace AuditPortal.Data.Appending;

/// <summary>
/// The bulk-load path (<see cref="AppenderOptions.BulkLoad"/>): a pipeline of three stages per batch, each
/// batch in call order through the two ordered ones.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item><b>Prepare</b> (thread pool, any order): validate, encrypt personal fields, canonicalize.</item>
/// <item><b>Plan</b> (<see cref="bulkPlanTurns"/>): assign sequences and link both chains from the heads the
/// batch before it was <em>planned</em> with, held in memory (<see cref="BulkLoadHeads"/>,
/// <see cref="BulkLoadWritten"/>), and grow the in-memory Merkle tree. No database round trip, except to
/// confirm an idempotency key this load may already have written, which first waits until every earlier
/// batch is committed.</item>
/// <item><b>Write</b> (<see cref="bulkWriteTurns"/>): one transaction under the append lock that checks the
/// ledger head is where the batch before it ended (no other writer), COPYs the rows, commits, and makes the
/// checkpoint that is due, with the tree head and the stream-head commitment computed when the batch was planned.</item>
/// </list>
/// <para>So batch N+1 is planned while batch N is copied: on two cores the server's COPY overlaps the
/// client's chain hashing instead of alternating with it (docs/performance.md §1).</para>
/// <para>A batch that fails to prepare or plan changes no in-memory state: the batches behind it that
/// were already handed in fail too, and one handed in later starts from the last batch planned well. A
/// batch that fails to <em>write</em> leaves the in-memory heads ahead of the ledger, so every later
/// bulk append of this appender fails: start a new load.</para>
/// </remarks>
public sealed partial class LedgerAppender
{
    private Exception? bulkWriteFailure;

    // The write of the batch planned last; read and replaced only by the batch holding the plan turn.
    private Task bulkLastWrite = Task.CompletedTask;

    // Where the plan stage last computed a stream-head commitment: committing costs one hash per stream, so it is
    // done only for batches after which a checkpoint is expected (by the same cadence IsCheckpointDue applies).
    private (long Size, DateTime Time)? bulkHeadsCommitted;

    private sealed record BulkPlan(long HeadBefore, long Head, List<LedgerEvent> Appended, AppendedEvent[] Results, byte[] Root,
        StreamHeadCommitment? Heads, byte[]? Frontier);

    private async Task<IReadOnlyList<AppendedEvent>> AppendBulkAsync(IReadOnlyList<NewEvent> batch, AppendDurability durability,
        BulkLoadTurns.Turn planTurn, BulkLoadTurns.Turn writeTurn, CancellationToken ct)
    {
        BulkPlan plan;
        Task write;
        try
        {
            var prepared = await Task.Run(() => PrepareAsync(batch, ct), ct);
            await planTurn.WaitAsync(ct);
            plan = await PlanBulkAsync(prepared, ct);
            write = WriteBulkAsync(plan, durability, writeTurn, ct);
            bulkLastWrite = write;
        }
        catch (Exception ex)
        {
            planTurn.End(ex);
            _ = PassWriteTurnAsync(writeTurn);
            throw;
        }
        planTurn.End(null);
        await write;
        return plan.Results;
    }

    /// <summary>A batch that writes nothing still takes its write turn, so that the ones behind it keep their order.</summary>
    private static async Task PassWriteTurnAsync(BulkLoadTurns.Turn writeTurn)
    {
        try
        {
            await writeTurn.WaitAsync(CancellationToken.None);
            writeTurn.End(null);
        }
        catch (Exception ex)
        {
            writeTurn.End(ex); // an earlier write failed: pass that on
        }
    }

    private async Task<BulkPlan> PlanBulkAsync(Prepared[] prepared, CancellationToken ct)
    {
        if (bulkWriteFailure is { } failure)
            throw new InvalidOperationException(
                "bulk load: an earlier batch failed to be written after later ones were planned from it; start a new load", failure);
        var heads = bulkHeads!;
        var written = bulkWritten!;
        var sets = batchSets.Rent();
        try
        {
            CollectReferences(prepared, sets);
            // Only the table knows whether a key this load may have written (its fingerprint matches) is
            // really there; rare (a retried event, or a fingerprint collision). Ask once it is committed.
            sets.Keys.RemoveWhere(k => !written.MayContainKey(k));
            if (sets.Keys.Count > 0)
            {
                await bulkLastWrite.WaitAsync(ct);
                await using var connection = await dataSource.OpenConnectionAsync(ct);
                await using var lookup = new NpgsqlCommand(KeyLookupQuery, connection);
                lookup.Parameters.Add(new() { Value = sets.Keys.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                await using var reader = await lookup.ExecuteReaderAsync(ct);
                await ReadExistingKeysAsync(reader, sets.ExistingByKey, ct);
            }
            foreach (var id in sets.Ids)
            {
                if (written.ContainsId(id))
                    sets.ExistingIds.Add(id);
            }

            var headBefore = heads.Head;
            var built = BuildPlan(prepared, headBefore, heads.HeadHash, sets);
            // From here on nothing fails: record the batch as planned.
            heads.Planned(built.Head, built.HeadHash, built.StreamHeads);
            foreach (var r in built.Appended)
                written.Add(r.EventId, r.IdempotencyKey);
            byte[] root;
            StreamHeadCommitment? streamHeads = null;
            byte[]? frontier = null;
            await treeGate.WaitAsync(CancellationToken.None); // not cancellable: the batch is recorded as planned
            try
            {
                foreach (var e in built.Appended)
                {
                    tree.Append(e.Hash!);
                    headTree.Set(e.Stream, e.StreamSeq, e.Hash);
                }
                if (built.Appended.Count > 0)
                    treeLastLeaf = built.Appended[^1].Hash!;
                // Only a checkpoint reads them (in the write stage, where the trees may be ahead already).
                root = options.Signer is null ? [] : tree.RootHash();
                if (options.Signer?.Ed25519 is not null && built.Appended.Count > 0 && IsCheckpointDue(built.Head, bulkHeadsCommitted))
                {
                    streamHeads = headTree.Commit();
                    frontier = tree.NodeHashes();
                    bulkHeadsCommitted = (built.Head, time.GetUtcNow().UtcDateTime);
                }
            }
            finally
            {
                treeGate.Release();
            }
            return new BulkPlan(headBefore, built.Head, built.Appended, built.Results, root, streamHeads, frontier);
        }
        finally
        {
            batchSets.Return(sets);
        }
    }

    private async Task WriteBulkAsync(BulkPlan plan, AppendDurability durability, BulkLoadTurns.Turn writeTurn, CancellationToken ct)
    {
        NpgsqlConnection? connection = null;
        try
        {
            var checkpointDue = false;
            try
            {
                await writeTurn.WaitAsync(ct);
                if (plan.Appended.Count > 0)
                {
                    connection = await dataSource.OpenConnectionAsync(ct);
                    checkpointDue = await CopyAndCommitAsync(connection, plan, durability, ct);
                }
            }
            catch (Exception ex)
            {
                bulkWriteFailure ??= ex;
                writeTurn.End(ex);
                throw;
            }
            try
            {
                // In the turn: the ledger head is this batch's last event, which the planned tree head matches.
                if (checkpointDue)
                    await CheckpointAsync(connection!, force: false, ct, (plan.Head, plan.Root, plan.Heads, plan.Frontier));
            }
            catch (Exception ex)
            {
                // The events are committed; say so, so the caller does not treat this as a failed append.
                throw new CheckpointFailedException(plan.Results, ex);
            }
            finally
            {
                writeTurn.End(null);
            }
        }
        finally
        {
            if (connection is not null)
                await connection.DisposeAsync();
        }
    }

    /// <summary>Under the append lock: checks no one else appended, COPYs, commits. Returns whether a checkpoint is due.</summary>
    private async Task<bool> CopyAndCommitAsync(NpgsqlConnection connection, BulkPlan plan, AppendDurability durability, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var batch = HeadBatch(connection, tx, durability);
        long head;
        (long, DateTime)? lastCheckpoint;
        await using (var reader = await batch.ExecuteReaderAsync(ct))
            (head, _, lastCheckpoint) = await ReadHeadAsync(reader, ct);
        BulkLoadHeads.EnsureNoOtherWriter(head, plan.HeadBefore);
        await CopyRowsAsync(connection, plan.Appended, ct);
        var checkpointDue = options.Signer is not null && IsCheckpointDue(plan.Head, lastCheckpoint);
        if (checkpointDue && durability == AppendDurability.Deferred)
            await FlushCommitAsync(connection, tx, ct);
        await tx.CommitAsync(ct);
        return checkpointDue;
    }
}
