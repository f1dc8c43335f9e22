using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;
using AuditPortal.Verification.StreamHeads;

namespace AuditPortal.Verification.Verifying;

/// <summary>
/// A streaming verifier: feed it rows in seq order with <see cref="Add"/>, then call
/// <see cref="Complete"/>. Checks each row's stored hash, the global chain and sequence, each
/// stream's chain and sequence, and — through a compact Merkle range — every checkpoint and witness
/// root when the run reaches its size.
/// </summary>
/// <remarks>
/// <para>Memory is constant in the ledger's length except for one entry per distinct stream
/// (<see cref="StreamTails"/>: the stream's key bytes and a 72-byte tail with the last seq, stream_seq, event
/// id, stored hash and stream-head handle; the stream-head tree's entry): O(distinct streams), plus
/// O(log N) per checkpoint inside a parallel range and the kept findings (at most
/// <see cref="LedgerVerifierOptions.MaxFindings"/>). Rows fed as <see cref="EventFields"/> (the COPY feed) cost no
/// allocation; stream keys and hex strings are only built for findings.</para>
/// <para>Each row is checked against the previous row of its stream in global order (whatever that
/// row was), so a run split into ranges and merged (<see cref="ParallelLedgerVerification"/>) reaches
/// exactly the findings of one run.</para>
/// <para>Duplicate event_ids are caught here only when adjacent within a stream; a full scan needs
/// an index (the database's <c>DanglingReferenceQuery</c>, or <see cref="ReferenceCheck"/> in memory).</para>
/// </remarks>
public sealed class LedgerVerifier
{
    // The clock is read every 64 rows (a report goes out at most every ProgressInterval): often enough that a
    // paced run (Portal:Verification:MaxRowsPerSecond, e.g. 20 rows/s) still shows its progress within seconds,
    // rarely enough to cost nothing measurable at full speed.
    private const int ProgressCheckMask = 63;

    private readonly LedgerVerifierOptions options;
    private readonly IProgress<VerificationProgress>? progress;
    private readonly TimeProvider time;
    private readonly long started;
    private long lastReport;
    private readonly Action<Finding> report;
    private readonly List<Finding> findings = [];
    private long totalFindings;

    private readonly byte[] leaf = new byte[HashHex.HashSize];
    private readonly byte[] lastHash = new byte[HashHex.HashSize];
    private bool hasLast;
    private long lastSeq;
    private long rows;
    private long headSeq;
    private byte[]? headHash; // reused: the stored hash of the last row (null: it had none)
    private byte[] streamKey = new byte[256]; // the current row's StreamKeyBytes
    private readonly LedgerEventFields eventFields = new();
    private LedgerEvent? currentEvent; // the row being added, when it came as a LedgerEvent (single-stream runs)
    private readonly byte[]? wantedStream;

    private readonly StreamTails streams = new();
    private readonly bool streamsAnchored;

    private readonly CompactRange tree;
    private long leafCount;
    private readonly bool treeAnchored;
    private readonly Target[] targets;
    private int nextTarget;
    private readonly long? upperBound;

    // The stream-head tree of the rows so far, kept only when a commitment in the run carries stream heads, and the run
    // starts at seq 1 or was given the heads before its first row (LedgerVerifierOptions.StreamHeadsBefore).
    private StreamHeadTree? headTree;
    private (long Size, StreamHeadCommitment Commitment)? lastHeads;

    // Parallel ranges: what the merge needs to link this range to the ranges before it.
    private (long Seq, byte[] PrevHash)? firstLink;
    private readonly List<StreamFirst> streamFirsts = [];
    private readonly List<(Target Target, CompactRange Tree, long LeafCount)> snapshots = [];

    private LedgerEvent? streamHead;
    private readonly LedgerRowSink sink;

    public LedgerVerifier(LedgerVerifierOptions options, IProgress<VerificationProgress>? progress = null)
        : this(options, progress, upperBound: null)
    {
    }

    /// <param name="upperBound">Set for a range of a parallel run: the last seq of the range. Roots
    /// of commitments up to it are snapshotted for the merge instead of being judged here.</param>
    internal LedgerVerifier(LedgerVerifierOptions options, IProgress<VerificationProgress>? progress, long? upperBound)
    {
        if (options.FirstSeq < 1)
            throw new ArgumentOutOfRangeException(nameof(options), "FirstSeq starts at 1");
        this.options = options;
        this.progress = progress;
        this.upperBound = upperBound;
        time = options.TimeProvider;
        started = lastReport = time.GetTimestamp();
        report = Report;
        sink = Add;
        wantedStream = options.Stream is { } wanted ? StreamKeyBytes.Of(wanted) : null;

        var fromStart = options.FirstSeq == 1;
        streamsAnchored = fromStart;
        treeAnchored = fromStart && upperBound is null;
        tree = CompactRange.Empty(options.FirstSeq - 1);
        if (fromStart || options.PredecessorHash is not null)
        {
            hasLast = true;
            lastSeq = options.FirstSeq - 1;
            (options.PredecessorHash ?? HashHex.Zero).CopyTo(lastHash, 0);
        }
        targets = options.Mode == VerificationMode.Ledger
            ? Commitments.Targets(options).Where(t => t.Size >= options.FirstSeq && (upperBound is null || t.Size <= upperBound)).ToArray()
            : [];
        if (fromStart && targets.Any(t => t.Heads is not null))
            headTree = new StreamHeadTree();
        if (upperBound is null && options.Mode == VerificationMode.Ledger)
        {
            foreach (var f in Commitments.Audit(options))
                Report(f);
        }
    }

    public long Rows => rows;

    public long FindingCount => totalFindings;

    /// <summary>Feeds the next row (rows in seq order; in single-stream mode, in stream_seq order).</summary>
    public void Add(LedgerEvent e)
    {
        currentEvent = e;
        var fields = eventFields.Of(e);
        Add(in fields);
        currentEvent = null;
    }

    /// <summary>Feeds the next row as its fields (rows in seq order). Single-stream runs feed <see cref="LedgerEvent"/>s
    /// (<see cref="Add(LedgerEvent)"/>): the head proof needs the event.</summary>
    public void Add(in EventFields e)
    {
        rows++;
        if (options.Mode == VerificationMode.SingleStream)
            AddStreamEvent(in e);
        else
            AddLedgerRow(in e);
        if ((rows & ProgressCheckMask) == 0 && progress is not null)
            MaybeReport(e.Seq, force: false);
    }

    private void AddLedgerRow(in EventFields e)
    {
        if (hasLast && e.Seq <= lastSeq)
        {
            // Duplicate or backwards: reported, and kept out of the global chain and the tree.
            Checks.GlobalLink(lastSeq, lastHash, e.Seq, e.PrevHash, report);
            if (e.Seq < lastSeq)
                CheckStream(in e);
            return;
        }
        EventRecord.ComputeLeafHash(in e, leaf);
        CheckStoredHash(in e);
        if (hasLast)
            Checks.GlobalLink(lastSeq, lastHash, e.Seq, e.PrevHash, report);
        else
            firstLink = (e.Seq, e.PrevHash.ToArray());

        while (nextTarget < targets.Length && targets[nextTarget].Size < e.Seq)
            ReachTarget(targets[nextTarget++]);
        tree.Append(leaf);
        var key = StreamKeyOf(in e);
        ref var tail = ref FindStream(key, out var seen);
        if (headTree is not null)
        {
            if (tail.HeadHandle == 0)
                tail.HeadHandle = headTree.Handle(key);
            headTree.Set(tail.HeadHandle, e.StreamSeq, leaf);
        }
        leafCount++;
        while (nextTarget < targets.Length && targets[nextTarget].Size == e.Seq)
            ReachTarget(targets[nextTarget++]);

        hasLast = true;
        lastSeq = e.Seq;
        (e.HasHash ? e.Hash : leaf).CopyTo(lastHash);
        SetHead(in e);
        CheckStream(in e, key, ref tail, seen);
    }

    private void AddStreamEvent(in EventFields e)
    {
        if (wantedStream is not null && !StreamKeyOf(in e).SequenceEqual(wantedStream))
        {
            var actual = StreamKeyBytes.Stream(StreamKeyOf(in e));
            Report(new Finding(FindingKind.Reordered, e.Seq, actual, e.StreamSeq, $"an event of stream {options.Stream}",
                $"an event of stream {actual}", $"seq {N(e.Seq)} belongs to another stream"));
            return;
        }
        EventRecord.ComputeLeafHash(in e, leaf);
        CheckStoredHash(in e);
        if (hasLast && e.Seq <= lastSeq)
        {
            Report(new Finding(e.Seq == lastSeq ? FindingKind.Duplicate : FindingKind.Reordered, e.Seq, StreamKeyBytes.Stream(StreamKeyOf(in e)),
                e.StreamSeq, $"seq > {N(lastSeq)}", $"seq {N(e.Seq)}", $"stream order and global order disagree at seq {N(e.Seq)}"));
        }
        hasLast = true;
        lastSeq = Math.Max(lastSeq, e.Seq);
        SetHead(in e);
        streamHead = currentEvent;
        CheckStream(in e);
    }

    private void SetHead(in EventFields e)
    {
        headSeq = e.Seq;
        if (!e.HasHash)
        {
            headHash = null;
            return;
        }
        if (headHash is null || headHash.Length != e.Hash.Length)
            headHash = new byte[e.Hash.Length];
        e.Hash.CopyTo(headHash);
    }

    /// <summary>The row's <see cref="StreamKeyBytes"/>, in a buffer reused for every row.</summary>
    private ReadOnlySpan<byte> StreamKeyOf(in EventFields e)
    {
        var max = StreamKeyBytes.MaxLength(e.StreamType.Length, e.StreamId.Length);
        if (streamKey.Length < max)
            streamKey = new byte[Math.Max(max, 2 * streamKey.Length)];
        return streamKey.AsSpan(0, StreamKeyBytes.Write(e.StreamType, e.StreamId, streamKey));
    }

    private void CheckStoredHash(in EventFields e)
    {
        if (!e.HasHash || !e.Hash.SequenceEqual(leaf))
        {
            Report(new Finding(FindingKind.HashMismatch, e.Seq, StreamKeyBytes.Stream(StreamKeyOf(in e)), e.StreamSeq, HashHex.ToHex(leaf),
                e.HasHash ? HashHex.ToHex(e.Hash) : "null",
                $"stored hash of seq {N(e.Seq)} is not the leaf hash of its fields"));
        }
    }

    /// <summary>The tail of the stream with key bytes <paramref name="key"/>, added (zeroed) when the stream is new.</summary>
    private ref StreamTail FindStream(ReadOnlySpan<byte> key, out bool seen)
    {
        ref var tail = ref streams.Find(key);
        seen = !Unsafe.IsNullRef(ref tail);
        return ref seen ? ref tail : ref streams.Add(key);
    }

    private void CheckStream(in EventFields e)
    {
        var key = StreamKeyOf(in e);
        ref var tail = ref FindStream(key, out var seen);
        CheckStream(in e, key, ref tail, seen);
    }

    private void CheckStream(in EventFields e, ReadOnlySpan<byte> key, ref StreamTail tail, bool seen)
    {
        var eventId = e.EventGuid;
        if (!seen)
        {
            if (streamsAnchored || options.Mode == VerificationMode.SingleStream)
            {
                // The checks are repeated there; the stream key (strings) is only made for a finding.
                if (e.StreamSeq != 1 || !e.StreamPrevHash.SequenceEqual(HashHex.Zero))
                    Checks.StreamStart(StreamKeyBytes.Stream(key), e.Seq, e.StreamSeq, e.StreamPrevHash, report);
            }
            else
                streamFirsts.Add(new StreamFirst(StreamKeyBytes.Stream(key), e.Seq, e.StreamSeq, eventId, Hash32.From(e.StreamPrevHash)));
        }
        else if (e.StreamSeq != tail.StreamSeq + 1 || !e.StreamPrevHash.SequenceEqual((ReadOnlySpan<byte>)tail.Hash) || eventId == tail.EventId)
        {
            Checks.StreamLink(StreamKeyBytes.Stream(key), e.Seq, e.StreamSeq, eventId, e.StreamPrevHash, ref tail, report);
        }
        tail.Seq = e.Seq;
        tail.StreamSeq = e.StreamSeq;
        tail.EventId = eventId;
        (e.HasHash ? e.Hash : leaf).CopyTo((Span<byte>)tail.Hash);
    }

    private void ReachTarget(Target target)
    {
        if (treeAnchored)
            Checks.TargetRoot(target, leafCount, tree.RootHash, report);
        else if (upperBound is not null)
            snapshots.Add((target, tree.Clone(), leafCount));
        // else: a run that starts after seq 1 has no tree prefix; the root cannot be judged.

        // The heads are judged wherever the run knows them: every row of the run up to the size is there (a gap is its
        // own finding) and the tree holds the heads before the run's first row.
        if (headTree is not null && target.Heads is not null && leafCount == target.Size - (options.FirstSeq - 1))
        {
            if (lastHeads is not { } last || last.Size != target.Size)
                lastHeads = last = (target.Size, headTree.Commit());
            Checks.TargetStreamHeads(target, last.Commitment, report);
        }
    }

    private void Report(Finding finding)
    {
        options.OnFinding?.Invoke(finding);
        totalFindings++;
        if (findings.Count < options.MaxFindings)
            findings.Add(finding);
    }

    private void MaybeReport(long currentSeq, bool force)
    {
        var now = time.GetTimestamp();
        if (!force && time.GetElapsedTime(lastReport, now) < options.ProgressInterval)
            return;
        lastReport = now;
        var elapsed = time.GetElapsedTime(started, now);
        progress!.Report(new VerificationProgress(rows, Rate(rows, elapsed), currentSeq, totalFindings, elapsed));
    }

    internal static double Rate(long rows, TimeSpan elapsed) =>
        elapsed > TimeSpan.Zero ? rows / elapsed.TotalSeconds : 0;

    /// <summary>Ends the run: commitments beyond the head are truncation findings; returns the result.</summary>
    public VerificationResult Complete(bool cancelled = false)
    {
        if (upperBound is not null)
            throw new InvalidOperationException("a range of a parallel run is completed by the merge");
        if (!cancelled && options.Mode == VerificationMode.Ledger)
        {
            for (; nextTarget < targets.Length; nextTarget++)
                Report(Checks.HeadTruncated(targets[nextTarget], headSeq));
        }
        if (!cancelled && options.Mode == VerificationMode.SingleStream && streamHead is not null
            && options.StreamHeadInclusion is { } inclusion)
        {
            EventRecord.ComputeLeafHash(streamHead, leaf);
            if (inclusion(streamHead, (byte[])leaf.Clone()) is { } f)
                Report(f);
        }
        var elapsed = time.GetElapsedTime(started);
        if (progress is not null)
            MaybeReport(headSeq, force: true);
        return new VerificationResult(rows, Finding.InReportOrder(findings), totalFindings, Rate(rows, elapsed), headSeq,
            (byte[]?)headHash?.Clone(), RootOfLedger(), elapsed, cancelled,
            streamFirsts.Count);
    }

    // The ledger's root is only defined when every seq up to the head is present.
    private byte[]? RootOfLedger() =>
        treeAnchored && options.Mode == VerificationMode.Ledger && leafCount == headSeq ? tree.RootHash() : null;

    internal RangeOutcome CompleteRange()
    {
        if (progress is not null)
            MaybeReport(headSeq, force: true);
        for (; nextTarget < targets.Length; nextTarget++)
            snapshots.Add((targets[nextTarget], tree.Clone(), leafCount));
        return new RangeOutcome(
            rows, findings, totalFindings, firstLink, headSeq > 0 ? (headSeq, (byte[])lastHash.Clone()) : null,
            streamFirsts,
            streams.ToList(),
            snapshots, tree, leafCount);
    }

    /// <summary>Verifies <paramref name="rows"/> to the end or until cancelled (then the result says so).</summary>
    public static async Task<VerificationResult> VerifyAsync(IAsyncEnumerable<LedgerEvent> rows, LedgerVerifierOptions options,
        IProgress<VerificationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var verifier = new LedgerVerifier(options, progress);
        var cancelled = await verifier.FeedAsync(rows, cancellationToken).ConfigureAwait(false);
        return verifier.Complete(cancelled);
    }

    public static VerificationResult Verify(IEnumerable<LedgerEvent> rows, LedgerVerifierOptions options,
        IProgress<VerificationProgress>? progress = null)
    {
        var verifier = new LedgerVerifier(options, progress);
        foreach (var row in rows)
            verifier.Add(row);
        return verifier.Complete();
    }

    /// <summary>Verifies the rows <paramref name="feed"/> reads for [<paramref name="from"/>, <paramref name="to"/>] to the end or until cancelled.</summary>
    public static async Task<VerificationResult> VerifyAsync(LedgerRowFeed feed, long from, long to, LedgerVerifierOptions options,
        IProgress<VerificationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var verifier = new LedgerVerifier(options, progress);
        var cancelled = await verifier.FeedAsync(feed, from, to, cancellationToken).ConfigureAwait(false);
        return verifier.Complete(cancelled);
    }

    /// <summary>
    /// Feeds the rows <paramref name="feed"/> reads to this verifier, on one dedicated thread at
    /// <see cref="LedgerVerifierOptions.ThreadNice"/>: the feed decodes each row from its read buffer and this verifier
    /// hashes it in the same call, so nothing is handed between threads (on two cores shared with the database server,
    /// a second client thread bought less than the hand-over cost; docs/performance.md).
    /// </summary>
    /// <returns>True when cancelled.</returns>
    internal async Task<bool> FeedAsync(LedgerRowFeed feed, long from, long to, CancellationToken cancellationToken)
    {
        await SeedStreamHeadsAsync(cancellationToken).ConfigureAwait(false);
        return await OnOwnThread(() => FeedOnThisThread(feed, from, to, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// A run that starts after seq 1 and reaches a commitment with stream heads: the heads before its first row, from
    /// <see cref="LedgerVerifierOptions.StreamHeadsBefore"/>, so that the run can judge that commitment.
    /// </summary>
    private async Task SeedStreamHeadsAsync(CancellationToken cancellationToken)
    {
        if (headTree is not null || options.FirstSeq == 1 || options.StreamHeadsBefore is not { } before
            || !targets.Any(t => t.Heads is not null))
        {
            return;
        }
        if (await before(options.FirstSeq, cancellationToken).ConfigureAwait(false) is not { } heads)
            return;
        var seeded = new StreamHeadTree();
        foreach (var head in heads)
            seeded.Set(head.Key, head.StreamSeq, head.LeafHash);
        headTree = seeded;
    }

    private bool FeedOnThisThread(LedgerRowFeed feed, long from, long to, CancellationToken cancellationToken)
    {
        try
        {
            feed(from, to, sink, cancellationToken);
            return cancellationToken.IsCancellationRequested;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return true;
        }
    }

    /// <summary>
    /// Feeds <paramref name="source"/> to this verifier. Reading and hashing each run on a thread of
    /// their own, one bounded batch apart, so decoding rows and hashing them overlap (memory stays bounded
    /// by <see cref="PipelineBatches"/> × <see cref="BatchSize"/> rows). Both threads are dedicated, not
    /// pool threads, so that they can wait without starving the pool and can run at the lower CPU priority
    /// of <see cref="LedgerVerifierOptions.ThreadNice"/>.
    /// </summary>
    /// <returns>True when cancelled.</returns>
    internal async Task<bool> FeedAsync(IAsyncEnumerable<LedgerEvent> source, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<LedgerEvent[]>(new BoundedChannelOptions(PipelineBatches)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        // Also stops the reader when hashing fails, so it does not wait for room in the channel forever.
        using var readerStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reader = OnOwnThread(() =>
        {
            Read(source, channel.Writer, readerStop.Token);
            return true;
        });
        try
        {
            return await OnOwnThread(() => Hash(channel.Reader, cancellationToken)).ConfigureAwait(false);
        }
        finally
        {
            await readerStop.CancelAsync().ConfigureAwait(false);
            await reader.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs <paramref name="loop"/> on a new thread (LongRunning) at <see cref="LedgerVerifierOptions.ThreadNice"/>.
    /// Its continuations go to the pool: the caller's code must not go on running on a low-priority thread.
    /// </summary>
    private Task<T> OnOwnThread<T>(Func<T> loop) => Task.Factory.StartNew(() =>
    {
        if (options.ThreadNice > 0)
            ThreadCpuPriority.LowerCurrentThread(options.ThreadNice);
        return loop();
    }, CancellationToken.None, TaskCreationOptions.LongRunning | TaskCreationOptions.RunContinuationsAsynchronously, TaskScheduler.Default);

    /// <summary>Reads <paramref name="source"/> into batches; any failure is handed to the hashing side through the channel.</summary>
    private static void Read(IAsyncEnumerable<LedgerEvent> source, ChannelWriter<LedgerEvent[]> writer, CancellationToken cancellationToken)
    {
        try
        {
            var rows = source.GetAsyncEnumerator(cancellationToken);
            try
            {
                var batch = new LedgerEvent[BatchSize];
                var n = 0;
                // Waiting blocks only this dedicated thread. A row already in the reader's buffer completes
                // synchronously, so decoding stays on this thread (and at its priority).
                while (Wait(rows.MoveNextAsync()))
                {
                    batch[n++] = rows.Current;
                    if (n == BatchSize)
                    {
                        Wait(writer.WriteAsync(batch, cancellationToken));
                        batch = new LedgerEvent[BatchSize];
                        n = 0;
                    }
                }
                if (n > 0)
                    Wait(writer.WriteAsync(batch[..n], cancellationToken));
            }
            finally
            {
                Wait(rows.DisposeAsync());
            }
            writer.Complete();
        }
        catch (Exception ex)
        {
            writer.TryComplete(ex);
        }
    }

    /// <returns>True when cancelled.</returns>
    private bool Hash(ChannelReader<LedgerEvent[]> reader, CancellationToken cancellationToken)
    {
        try
        {
            while (Wait(reader.WaitToReadAsync(cancellationToken)))
            {
                while (reader.TryRead(out var batch))
                {
                    foreach (var row in batch)
                        Add(row);
                    if (cancellationToken.IsCancellationRequested)
                        return true;
                }
            }
            return false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return true;
        }
    }

    private static T Wait<T>(ValueTask<T> task) => task.IsCompletedSuccessfully ? task.Result : task.AsTask().GetAwaiter().GetResult();

    private static void Wait(ValueTask task)
    {
        if (!task.IsCompletedSuccessfully)
            task.AsTask().GetAwaiter().GetResult();
    }

    private const int BatchSize = 256;
    private const int PipelineBatches = 8;

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What one range of a parallel run hands to the merge.</summary>
internal sealed record RangeOutcome(
    long Rows,
    List<Finding> Findings,
    long TotalFindings,
    (long Seq, byte[] PrevHash)? FirstLink,
    (long Seq, byte[] Hash)? Last,
    List<StreamFirst> StreamFirsts,
    List<(StreamKey Stream, StreamTail Tail)> StreamLasts,
    List<(Target Target, CompactRange Tree, long LeafCount)> Snapshots,
    CompactRange Tree,
    long LeafCount);
