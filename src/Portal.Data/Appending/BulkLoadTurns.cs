namespace AuditPortal.Data.Appending;

/// <summary>
/// Admits the batches of a bulk load to one stage of the pipeline (planning, or writing: LedgerAppender.Bulk.cs)
/// one at a time, in the order <see cref="LedgerAppender.AppendAsync(IReadOnlyList{NewEvent}, CancellationToken)"/>
/// was called, so a caller may hand in the next batch while the current one is written.
/// </summary>
/// <remarks>
/// Each call takes its turn synchronously, before its first await, so call order is turn order. A batch
/// handed in while its predecessor was still in flight fails without touching the ledger if that
/// predecessor failed: it was prepared expecting the predecessor's events before it. A batch handed in
/// after the failure was reported starts afresh.
/// </remarks>
internal sealed class BulkLoadTurns
{
    private readonly Lock sync = new();
    private Task last = Task.CompletedTask;

    /// <summary>Takes the next turn; its <see cref="Turn.WaitAsync"/> completes when every earlier turn has ended well.</summary>
    public Turn Take()
    {
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task previous;
        lock (sync)
        {
            previous = last.IsCompleted ? Task.CompletedTask : last;
            last = mine.Task;
        }
        return new Turn(previous, mine);
    }

    public sealed class Turn(Task previous, TaskCompletionSource mine)
    {
        /// <exception cref="InvalidOperationException">An earlier batch of the load failed.</exception>
        public async Task WaitAsync(CancellationToken ct)
        {
            try
            {
                await previous.WaitAsync(ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var error = new InvalidOperationException("bulk load: an earlier batch failed, so this one was not appended", ex);
                mine.TrySetException(error);
                throw error;
            }
        }

        /// <summary>Ends the turn: the next batch may go (<paramref name="failure"/> null) or fails in turn.</summary>
        public void End(Exception? failure)
        {
            if (failure is null) mine.TrySetResult();
            else mine.TrySetException(failure);
        }
    }
}
