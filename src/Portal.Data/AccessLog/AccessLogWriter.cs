using System.Globalization;
using System.Threading.Channels;
using AuditPortal.Data.Appending;
using AuditPortal.Verification.Checkpoints;
using Npgsql;

namespace AuditPortal.Data.AccessLog;

/// <summary>
/// Appends access-log events with <b>group commit</b>: concurrent callers queue their event, and one
/// background loop appends whatever is queued (up to <see cref="AccessLogWriterOptions.MaxBatchSize"/>)
/// as one transaction through one <see cref="LedgerAppender"/>. A caller's task completes only after
/// the transaction holding its event committed, and fails with <see cref="AccessLogUnavailableException"/>
/// when it did not (database down, timeout, writer stopped): every caller of a failed batch gets
/// the exception and, the batch being one transaction, none of it is visible.
/// </summary>
/// <remarks>
/// Why: the appender serializes all writers on one advisory lock, so one transaction per request
/// caps the rate at one commit (one WAL flush) per request; one transaction per batch does not.
/// The loop starts with the writer; <see cref="StopAsync"/> (and <see cref="DisposeAsync"/>) stop
/// accepting entries and drain what is queued. A caller that timed out before its batch started is
/// skipped; one that timed out while its batch was being committed may find its entry logged anyway
/// (over-logging, never under-logging; a retry with the same request id does not log twice).
/// Register one instance per process (singleton); it is safe for any number of concurrent callers.
/// </remarks>
public sealed class AccessLogWriter : IAsyncDisposable
{
    private readonly LedgerAppender appender;
    private readonly AccessLogWriterOptions options;
    private readonly Channel<Pending> queue;
    private readonly CancellationTokenSource abort = new();
    private readonly Task loop;
    private int disposed;
    private long checkpointFailures;
    private long batches;
    private long eventsAppended;
    private long deferredBatches;
    private Exception? lastCheckpointError;

    /// <param name="writerDataSource">The <c>portal</c> database as <c>accesslog_writer</c>; not disposed by the writer.</param>
    /// <summary>The origin of the chain this writer appends to (<c>access-log/&lt;deployment&gt;</c>), as evidence covers name it.</summary>
    public string Origin => AccessLogEvents.Origin(options.Deployment);

    public AccessLogWriter(NpgsqlDataSource writerDataSource, TimeProvider time, AccessLogWriterOptions options)
    {
        ArgumentNullException.ThrowIfNull(writerDataSource);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        appender = new LedgerAppender(writerDataSource, time, options.ToAppenderOptions());
        queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        loop = Task.Run(RunAsync);
    }

    /// <summary>Checkpoints that were due after a committed batch but failed (the entries stayed committed); retried on later batches.</summary>
    public long CheckpointFailures => Interlocked.Read(ref checkpointFailures);

    /// <summary>Batch transactions committed so far (with <see cref="EventsCommitted"/>: the mean batch size, for operations).</summary>
    public long BatchesCommitted => Interlocked.Read(ref batches);

    /// <summary>Batches that held only outcome entries and were committed <see cref="AppendDurability.Deferred"/>.</summary>
    public long DeferredBatchesCommitted => Interlocked.Read(ref deferredBatches);

    /// <summary>Events committed so far, retries that were already present included.</summary>
    public long EventsCommitted => Interlocked.Read(ref eventsAppended);

    /// <summary>The most recent such checkpoint failure, or null.</summary>
    public Exception? LastCheckpointError => Volatile.Read(ref lastCheckpointError);

    /// <summary>Appends the <c>query.requested</c> event of <paramref name="entry"/>; returns once it is committed.</summary>
    /// <returns>The event; <see cref="AppendedEvent.AlreadyPresent"/> when this request id was logged before.</returns>
    /// <exception cref="ArgumentException">The entry is invalid.</exception>
    /// <exception cref="AccessLogUnavailableException">The event was not confirmed committed: refuse the query.</exception>
    public Task<AppendedEvent> AppendAsync(AccessLogEntry entry, CancellationToken ct = default) =>
        EnqueueAsync(AccessLogEvents.ToNewEvent(entry), ct);

    /// <summary>Appends the completion event (<c>query.completed|failed|refused</c>) of a logged request.</summary>
    /// <exception cref="ArgumentException">The completion is invalid, or its request event is not in the access log.</exception>
    /// <exception cref="AccessLogUnavailableException">The event was not confirmed committed.</exception>
    public Task<AppendedEvent> AppendCompletionAsync(AccessLogCompletion completion, CancellationToken ct = default) =>
        EnqueueAsync(AccessLogEvents.ToNewEvent(completion), ct);

    /// <summary>
    /// Records that a logged request failed, if the access log takes it (not cancellable: the failure must be told): the
    /// request entry stands either way, and the caller reports the failure it is handling. False when it was not recorded.
    /// </summary>
    public async Task<bool> TryAppendFailureAsync(AccessLogEntry entry, Guid requestEventId, TimeSpan elapsed, DateTime at)
    {
        try
        {
            await AppendCompletionAsync(AccessLogCompletion.For(entry, requestEventId, AccessLogOutcome.Failed, null, null, elapsed, at), CancellationToken.None)
                .ConfigureAwait(false);
            return true;
        }
        catch (AccessLogUnavailableException)
        {
            return false;
        }
    }

    /// <summary>Makes a signed checkpoint of the access log now (see <see cref="LedgerAppender.CreateCheckpointAsync"/>).</summary>
    public Task<SignedCheckpoint?> CreateCheckpointAsync(CancellationToken ct = default) => appender.CreateCheckpointAsync(ct);

    /// <summary>
    /// Stops accepting entries and waits until the queued ones are appended. If <paramref name="ct"/>
    /// fires first, the batch in flight is cancelled and every caller still waiting gets
    /// <see cref="AccessLogUnavailableException"/>.
    /// </summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        queue.Writer.TryComplete();
        try
        {
            await loop.WaitAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await abort.CancelAsync();
            await loop;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
            return;
        await StopAsync();
        await appender.DisposeAsync();
        abort.Dispose();
    }

    private sealed class Pending(NewEvent e)
    {
        public NewEvent Event { get; } = e;

        /// <summary>An outcome (<c>query.completed|failed|refused</c>), as opposed to a request entry that must be flushed before its query runs.</summary>
        public bool IsOutcome { get; } = e.Action != AccessLogEvents.RequestedAction;

        public TaskCompletionSource<AppendedEvent> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private async Task<AppendedEvent> EnqueueAsync(NewEvent e, CancellationToken ct)
    {
        var pending = new Pending(e);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.AppendTimeout);
        try
        {
            if (!queue.Writer.TryWrite(pending))
                await queue.Writer.WriteAsync(pending, timeout.Token);
            return await pending.Done.Task.WaitAsync(timeout.Token);
        }
        catch (ChannelClosedException ex)
        {
            throw new AccessLogUnavailableException("the access-log writer is stopped", ex);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            var error = new AccessLogUnavailableException(string.Create(CultureInfo.InvariantCulture,
                $"the access-log entry was not confirmed committed within {options.AppendTimeout.TotalMilliseconds:0} ms"), ex);
            pending.Done.TrySetException(error); // so the loop skips it if it is still queued
            throw error;
        }
        catch (OperationCanceledException)
        {
            pending.Done.TrySetCanceled(ct);
            throw;
        }
    }

    private async Task RunAsync()
    {
        var reader = queue.Reader;
        var batch = new List<Pending>(options.MaxBatchSize);
        try
        {
            while (await reader.WaitToReadAsync(abort.Token))
            {
                batch.Clear();
                while (batch.Count < options.MaxBatchSize && reader.TryRead(out var pending))
                {
                    if (!pending.Done.Task.IsCompleted) // its caller gave up while it was queued
                        batch.Add(pending);
                }
                if (batch.Count > 0)
                {
                    await AppendBatchAsync(batch);
                    // Let the callers just released run first: those that log again right away (a
                    // completion after its request) then join the next batch instead of trickling in.
                    await Task.Yield();
                }
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
        }
        while (reader.TryRead(out var left))
            left.Done.TrySetException(new AccessLogUnavailableException("the access-log writer stopped before this entry was appended"));
    }

    private async Task AppendBatchAsync(IReadOnlyList<Pending> batch)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(abort.Token);
        timeout.CancelAfter(options.AppendTimeout);
        try
        {
            var events = new NewEvent[batch.Count];
            var outcomesOnly = true;
            for (var i = 0; i < events.Length; i++)
            {
                events[i] = batch[i].Event;
                outcomesOnly &= batch[i].IsOutcome;
            }
            // A request entry must be on disk before its query runs (fail closed); an outcome entry need
            // only be committed, in order, in the chain: its flush may follow (docs/access-log.md).
            var durability = outcomesOnly ? AppendDurability.Deferred : AppendDurability.Flushed;
            var appended = await appender.AppendAsync(events, durability, timeout.Token);
            if (outcomesOnly)
                Interlocked.Increment(ref deferredBatches);
            Complete(batch, appended);
        }
        catch (CheckpointFailedException ex)
        {
            // The batch committed; only the checkpoint after it failed, and it stays due.
            Interlocked.Increment(ref checkpointFailures);
            Volatile.Write(ref lastCheckpointError, ex.InnerException);
            Complete(batch, ex.Appended);
        }
        catch (ArgumentException) when (batch.Count > 1)
        {
            // One caller's event was refused (e.g. a completion of an unknown request) and with it the
            // whole transaction: append each alone so only that caller fails.
            foreach (var pending in batch)
                await AppendBatchAsync([pending]);
        }
        catch (ArgumentException ex)
        {
            batch[0].Done.TrySetException(ex);
        }
        catch (Exception ex)
        {
            foreach (var pending in batch)
                pending.Done.TrySetException(new AccessLogUnavailableException(
                    $"appending a batch of {batch.Count} access-log events failed; the transaction did not commit (or, on a timeout, was not confirmed): {ex.Message}", ex));
        }
    }

    private void Complete(IReadOnlyList<Pending> batch, IReadOnlyList<AppendedEvent> results)
    {
        Interlocked.Increment(ref batches);
        Interlocked.Add(ref eventsAppended, batch.Count);
        for (var i = 0; i < batch.Count; i++)
            batch[i].Done.TrySetResult(results[i]);
    }
}
