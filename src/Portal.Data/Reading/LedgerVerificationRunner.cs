using AuditPortal.Data.Checkpoints;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.StreamHeads;
using AuditPortal.Verification.Verifying;
using Npgsql;

namespace AuditPortal.Data.Reading;

/// <summary>What to verify. All null: the whole ledger.</summary>
/// <param name="From">First seq (default 1). A run from a later seq links to the stored hash before it, but cannot judge tree roots.</param>
/// <param name="To">Last seq (default: the head). Commitments beyond an explicit <paramref name="To"/> are not judged.</param>
/// <param name="Stream">Verify only this stream's events (in stream_seq order); From/To are ignored.</param>
/// <param name="Parallelism">Concurrent seq ranges for a whole-ledger run (each its own connection).</param>
/// <param name="CheckReferences">Also run the dangling-reference and duplicate-event_id queries (whole-ledger runs only).</param>
/// <param name="MaxRowsPerSecond">Read at most this many rows per second (0: no limit), so a run started from the portal leaves it room to serve pages; single-range runs only.</param>
/// <param name="ThreadNice">Nice value of the threads that read and hash the rows (see <see cref="LedgerVerifierOptions.ThreadNice"/>); 0: normal priority.</param>
public sealed record VerificationRequest(
    long? From = null,
    long? To = null,
    StreamKey? Stream = null,
    int Parallelism = 1,
    bool CheckReferences = true,
    double MaxRowsPerSecond = 0,
    int ThreadNice = 0);

/// <summary>
/// Composes the row reader, the checkpoint table, the witness and the verifier (single or parallel).
/// Used by the CLI (<c>auditportal ledger verify</c>) and the portal's live verification page.
/// </summary>
public sealed class LedgerVerificationRunner(
    NpgsqlDataSource dataSource,
    CheckpointPublicKey? publicKey,
    WitnessDirectory? witness,
    TimeProvider? timeProvider = null)
{
    private readonly LedgerRowReader reader = new(dataSource);
    private readonly LedgerCopyFeed feed = new(dataSource);
    private readonly TimeProvider time = timeProvider ?? TimeProvider.System;

    /// <summary>
    /// Checks the head of a single-stream run against the latest checkpoint (an inclusion proof).
    /// Left open until the Merkle proofs are wired in; when null, stream heads are not proven.
    /// </summary>
    public Func<LedgerEvent, byte[], Finding?>? StreamHeadInclusion { get; init; }

    /// <summary>The 32-byte Ed25519 checkpoint key, if known: format 2 checkpoints' Ed25519 signatures are checked with it.</summary>
    public byte[]? Ed25519PublicKey { get; init; }

    /// <summary>Called with each finding as it is found (see <see cref="LedgerVerifierOptions.OnFinding"/>), including the reference-query findings at the end.</summary>
    public Action<Finding>? OnFinding { get; init; }

    public async Task<VerificationResult> RunAsync(VerificationRequest request, IProgress<VerificationProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Parallelism, 1);
        if (request.Stream is { } stream)
        {
            var streamOptions = new LedgerVerifierOptions
            {
                Mode = VerificationMode.SingleStream,
                Stream = stream,
                StreamHeadInclusion = StreamHeadInclusion,
                OnFinding = OnFinding,
                TimeProvider = time,
                ThreadNice = request.ThreadNice,
            };
            return await LedgerVerifier.VerifyAsync(Throttle(reader.ReadStreamAsync(stream, cancellationToken), request.MaxRowsPerSecond, cancellationToken), streamOptions, progress,
                cancellationToken).ConfigureAwait(false);
        }

        var head = await reader.HeadSeqAsync(cancellationToken).ConfigureAwait(false);
        var from = request.From ?? 1;
        ArgumentOutOfRangeException.ThrowIfLessThan(from, 1);
        var to = Math.Min(request.To ?? head, head);
        // Commitments beyond an explicit end are outside the run, not evidence of truncation.
        var maxSize = request.To is { } explicitTo && explicitTo < head ? explicitTo : long.MaxValue;
        var checkpoints = (await new CheckpointStore(dataSource).ReadRowsAsync(maxSize, cancellationToken).ConfigureAwait(false))
            .Select(row => row.ForVerifier).ToList();
        var witnessEntries = witness?.ReadAll().Where(w => w.Signed is null || w.Signed.Checkpoint.Size <= maxSize).ToList();
        var options = new LedgerVerifierOptions
        {
            FirstSeq = from,
            PredecessorHash = from > 1 ? await reader.StoredHashAsync(from - 1, cancellationToken).ConfigureAwait(false) : null,
            Checkpoints = checkpoints,
            PublicKey = publicKey,
            Ed25519PublicKey = Ed25519PublicKey,
            Witness = witnessEntries,
            StreamHeadsBefore = StreamHeadsBeforeAsync,
            OnFinding = OnFinding,
            TimeProvider = time,
            ThreadNice = request.ThreadNice,
        };

        // The reference queries are server-side scans of their own: run them on a second connection while
        // the client verifies the streamed rows, instead of after them (about 0.8 s of a 4–5 s CLI run over 1M rows).
        using var referencesCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var referencesTask = request.CheckReferences && from == 1
            ? new DanglingReferenceQuery(dataSource).FindAsync(referencesCancel.Token)
            : null;

        VerificationResult result;
        try
        {
            result = await VerifyRowsAsync(request, from, to, options, progress, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ForgetAsync(referencesTask, referencesCancel).ConfigureAwait(false);
            throw;
        }

        if (referencesTask is null)
            return result;
        if (result.Cancelled)
        {
            await ForgetAsync(referencesTask, referencesCancel).ConfigureAwait(false);
            return result;
        }
        var references = await referencesTask.ConfigureAwait(false);
        foreach (var f in references)
            OnFinding?.Invoke(f);
        return references.Count == 0 ? result : result with
        {
            Findings = Finding.InReportOrder(result.Findings.Concat(references)),
            TotalFindings = result.TotalFindings + references.Count,
        };
    }

    private async Task<VerificationResult> VerifyRowsAsync(VerificationRequest request, long from, long to, LedgerVerifierOptions options,
        IProgress<VerificationProgress>? progress, CancellationToken cancellationToken)
    {
        if (from == 1 && request.Parallelism > 1 && request.MaxRowsPerSecond <= 0)
        {
            return await ParallelLedgerVerification.VerifyAsync(feed.ReadRange, to, request.Parallelism, options, progress,
                cancellationToken).ConfigureAwait(false);
        }
        return await LedgerVerifier.VerifyAsync(Paced(feed.ReadRange, request.MaxRowsPerSecond), from, to, options, progress,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The heads of every stream among the rows before <paramref name="seq"/>, as stored (their hashes are not recomputed:
    /// those rows are outside the run), for a run or a parallel range that starts there; null when the stream index is
    /// missing.
    /// </summary>
    private async Task<IReadOnlyList<StreamHeadLeaf>?> StreamHeadsBeforeAsync(long seq, CancellationToken cancellationToken)
    {
        var heads = new List<StreamHeadLeaf>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var read = await Proofs.StreamHeadRows.ReadHeadsAtAsync(connection, seq - 1,
            (stream, streamSeq, hash) => heads.Add(new StreamHeadLeaf(stream.Type, stream.Id, streamSeq, hash)), cancellationToken).ConfigureAwait(false);
        return read ? heads : null;
    }

    /// <summary>Cancels the reference queries of a run that ended early and waits for them, so nothing runs on unobserved.</summary>
    private static async Task ForgetAsync(Task<IReadOnlyList<Finding>>? references, CancellationTokenSource cancel)
    {
        if (references is null)
            return;
        await cancel.CancelAsync().ConfigureAwait(false);
        try
        {
            await references.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or Npgsql.NpgsqlException)
        {
            // The run already failed or was cancelled; that is what the caller reports.
        }
    }

    /// <summary>Paces <paramref name="rows"/> to <paramref name="maxRowsPerSecond"/> (checked every 64 rows); unlimited when not positive.</summary>
    private async IAsyncEnumerable<LedgerEvent> Throttle(IAsyncEnumerable<LedgerEvent> rows, double maxRowsPerSecond,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pacer = new RowPacer(maxRowsPerSecond, time);
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return row;
            if (pacer.Wait() is { } due)
                await Task.Delay(due, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Paces the rows of <paramref name="source"/> (as <see cref="Throttle"/>); the reading thread waits, it is the run's own.</summary>
    private LedgerRowFeed Paced(LedgerRowFeed source, double maxRowsPerSecond) => maxRowsPerSecond <= 0 ? source : (from, to, sink, ct) =>
    {
        var pacer = new RowPacer(maxRowsPerSecond, time);
        source(from, to, (in EventFields row) =>
        {
            sink(in row);
            if (pacer.Wait() is { } due)
                Task.Delay(due, time, ct).GetAwaiter().GetResult();
        }, ct);
    };

    /// <summary>How long to wait after each row so that rows go at most at the given rate (checked every 64 rows).</summary>
    private sealed class RowPacer(double maxRowsPerSecond, TimeProvider time)
    {
        private readonly long started = time.GetTimestamp();
        private long rows;

        public TimeSpan? Wait()
        {
            if (maxRowsPerSecond <= 0 || (++rows & 63) != 0)
                return null;
            var due = TimeSpan.FromSeconds(rows / maxRowsPerSecond) - time.GetElapsedTime(started);
            return due > TimeSpan.Zero ? due : null;
        }
    }
}
