using System.Security.Cryptography;
using AuditPortal.Data.Checkpoints;
using AuditPortal.Data.PersonalData;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Merkle;
using AuditPortal.Verification.StreamHeads;
using Npgsql;
using NpgsqlTypes;

namespace AuditPortal.Data.Appending;

/// <summary>
/// Appends events to <c>ledger.events</c>: assigns the global and per-stream sequences, links both
/// hash chains, encrypts personal fields, and makes signed checkpoints at the configured cadence.
/// </summary>
/// <remarks>
/// Safe with any number of appenders in any number of processes: every append and every checkpoint
/// runs in a transaction that first takes <c>pg_advisory_xact_lock(<see cref="AppendLockKey"/>)</c>,
/// then reads the head, so sequences are dense and each new row links the committed predecessor.
/// Rows are written with binary COPY. One instance may be shared by concurrent callers.
/// </remarks>
public sealed partial class LedgerAppender : IAsyncDisposable
{
    /// <summary>The transaction-level advisory lock key all appenders of a database share ("apledger").</summary>
    public const long AppendLockKey = 0x61706C6564676572;

    private const string CopyCommand = "COPY ledger.events (" + EventCopyRows.Columns + ") FROM STDIN (FORMAT BINARY)";

    private readonly NpgsqlDataSource dataSource;
    private readonly bool ownsDataSource;
    private readonly TimeProvider time;
    private readonly AppenderOptions options;
    private readonly KeyStore keyStore;
    private readonly PersonalDataCipher cipher;
    private readonly DateTime startedAt;
    private readonly BulkLoadHeads? bulkHeads;
    private readonly BulkLoadWritten? bulkWritten;
    private readonly BulkLoadTurns? bulkPlanTurns;
    private readonly BulkLoadTurns? bulkWriteTurns;
    private readonly BatchSets.Pool batchSets = new();

    // Frontier of the Merkle tree over the committed ledger, so a checkpoint needs no full reread, and the
    // stream-head tree of the same events (docs/ledger-format.md §4.1); both guarded by treeGate, always
    // at the same size.
    private CompactRange tree = CompactRange.Empty();
    private readonly StreamHeadTree headTree = new();
    private byte[] treeLastLeaf = HashHex.Zero;
    private readonly SemaphoreSlim treeGate = new(1, 1);

    public LedgerAppender(string writerConnectionString, TimeProvider time, AppenderOptions options)
        : this(NpgsqlDataSource.Create(writerConnectionString), time, options, ownsDataSource: true)
    {
    }

    public LedgerAppender(NpgsqlDataSource writerDataSource, TimeProvider time, AppenderOptions options)
        : this(writerDataSource, time, options, ownsDataSource: false)
    {
    }

    private LedgerAppender(NpgsqlDataSource dataSource, TimeProvider time, AppenderOptions options, bool ownsDataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.dataSource = dataSource;
        this.ownsDataSource = ownsDataSource;
        this.time = time;
        this.options = options;
        keyStore = new KeyStore(dataSource, time);
        cipher = new PersonalDataCipher(options.IvSource);
        startedAt = time.GetUtcNow().UtcDateTime;
        bulkHeads = options.BulkLoad ? new BulkLoadHeads() : null;
        bulkWritten = options.BulkLoad ? new BulkLoadWritten() : null;
        bulkPlanTurns = options.BulkLoad ? new BulkLoadTurns() : null;
        bulkWriteTurns = options.BulkLoad ? new BulkLoadTurns() : null;
    }

    /// <summary>
    /// Appends <paramref name="batch"/> atomically, in order. Returns one result per input, in input order.
    /// </summary>
    /// <exception cref="ArgumentException">An event is invalid, or its <c>supersedes</c> or lineage
    /// inputs name an event that is neither in the ledger nor earlier in the batch; nothing is appended.</exception>
    /// <exception cref="CheckpointFailedException">The batch was committed but the checkpoint that was
    /// due failed (e.g. the witness could not be written); it is retried on the next append.</exception>
    public Task<IReadOnlyList<AppendedEvent>> AppendAsync(IReadOnlyList<NewEvent> batch, CancellationToken ct = default) =>
        AppendAsync(batch, AppendDurability.Flushed, ct);

    /// <summary>
    /// Appends <paramref name="batch"/> atomically, in order, committed with the given
    /// <paramref name="durability"/>. Returns one result per input, in input order.
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="AppendAsync(IReadOnlyList{NewEvent}, CancellationToken)"/>.</exception>
    /// <exception cref="CheckpointFailedException">As <see cref="AppendAsync(IReadOnlyList{NewEvent}, CancellationToken)"/>.</exception>
    public async Task<IReadOnlyList<AppendedEvent>> AppendAsync(IReadOnlyList<NewEvent> batch, AppendDurability durability, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
            return [];
        if (bulkPlanTurns is not null)
            return await AppendBulkAsync(batch, durability, bulkPlanTurns.Take(), bulkWriteTurns!.Take(), ct);
        var prepared = await PrepareAsync(batch, ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var plan = await AppendInTransactionAsync(connection, prepared, durability, ct);
        await AddToTreeAsync(plan, ct);
        await CheckpointIfDueAsync(connection, plan, ct);
        return plan.Results;
    }

    private async Task AddToTreeAsync(Plan plan, CancellationToken ct)
    {
        if (plan.Appended.Count > 0)
        {
            await treeGate.WaitAsync(ct);
            try
            {
                if (tree.Size == plan.HeadBefore && options.AwaitWalFlushBeforeCheckpoint
                    && !treeLastLeaf.AsSpan().SequenceEqual(plan.HeadHashBefore))
                {
                    // Same size, other head: deferred commits this process saw were lost in a database
                    // crash and the chain re-grew. Rebuild from the database at the next checkpoint.
                    ResetTrees();
                }
                if (tree.Size == plan.HeadBefore)
                {
                    foreach (var e in plan.Appended)
                    {
                        tree.Append(e.Hash!);
                        headTree.Set(e.Stream, e.StreamSeq, e.Hash);
                    }
                    treeLastLeaf = plan.Appended[^1].Hash!;
                }
            }
            finally
            {
                treeGate.Release();
            }
        }
    }

    private async Task CheckpointIfDueAsync(NpgsqlConnection connection, Plan plan, CancellationToken ct)
    {
        // Decided before the commit, so a checkpoint only ever follows a flushed commit.
        if (plan.Appended.Count > 0 && plan.CheckpointDue)
        {
            try
            {
                await CheckpointAsync(connection, force: false, ct);
            }
            catch (Exception ex)
            {
                // The events are committed; say so, so the caller does not treat this as a failed append.
                throw new CheckpointFailedException(plan.Results, ex);
            }
        }
    }

    /// <summary>
    /// Makes a signed checkpoint at the current head (for <c>auditportal ledger checkpoint</c>).
    /// Returns the existing checkpoint when the head already has one, and null for an empty ledger.
    /// </summary>
    /// <exception cref="InvalidOperationException">No <see cref="AppenderOptions.Signer"/> was configured.</exception>
    public async Task<SignedCheckpoint?> CreateCheckpointAsync(CancellationToken ct = default)
    {
        if (options.Signer is null)
            throw new InvalidOperationException("this appender has no checkpoint signer (AppenderOptions.Signer)");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await CheckpointAsync(connection, force: true, ct);
    }

    public async ValueTask DisposeAsync()
    {
        treeGate.Dispose();
        if (ownsDataSource)
            await dataSource.DisposeAsync();
    }

    private bool IsCheckpointDue(long head, (long Size, DateTime Time)? last)
    {
        var lastSize = last?.Size ?? 0;
        if (head <= lastSize)
            return false;
        if (head - lastSize >= options.CheckpointEveryEvents)
            return true;
        var since = time.GetUtcNow().UtcDateTime - (last?.Time ?? startedAt);
        return since >= TimeSpan.FromSeconds(options.CheckpointEverySeconds);
    }

    private sealed record Prepared(NewEvent Source, int Index, Guid EventId, byte[] PayloadUtf8, DateTime OccurredAt, DateTime RecordedAt);

    private sealed record Plan(long HeadBefore, byte[] HeadHashBefore, bool CheckpointDue, List<LedgerEvent> Appended, AppendedEvent[] Results);

    private async Task<Prepared[]> PrepareAsync(IReadOnlyList<NewEvent> batch, CancellationToken ct)
    {
        var sets = batchSets.Rent();
        try
        {
            return await PrepareAsync(batch, sets, ct);
        }
        finally
        {
            batchSets.Return(sets);
        }
    }

    private async Task<Prepared[]> PrepareAsync(IReadOnlyList<NewEvent> batch, BatchSets sets, CancellationToken ct)
    {
        var ids = sets.Ids;
        ids.EnsureCapacity(batch.Count);
        var subjects = sets.Subjects;
        for (var i = 0; i < batch.Count; i++)
        {
            var e = batch[i] ?? throw new ArgumentException($"batch[{i}] is null", nameof(batch));
            Validate(e, i);
            if (e.EventId is { } id && !ids.Add(id))
                throw new ArgumentException($"batch[{i}]: event id {id} appears twice in the batch", nameof(batch));
            foreach (var field in e.PersonalFields)
                subjects.Add(field.SubjectId);
        }

        var keys = subjects.Count == 0
            ? new Dictionary<string, byte[]>(StringComparer.Ordinal)
            : await keyStore.GetOrCreateKeysAsync(subjects, ct);

        var now = time.GetUtcNow();
        var result = new Prepared[batch.Count];
        // One expanded key per subject for the whole batch instead of one per field.
        var subjectCiphers = new Dictionary<string, AesGcm>(StringComparer.Ordinal);
        try
        {
            for (var i = 0; i < batch.Count; i++)
                result[i] = Prepare(batch[i], i, keys, subjectCiphers, now);
        }
        finally
        {
            foreach (var aes in subjectCiphers.Values)
                aes.Dispose();
        }
        return result;
    }

    private Prepared Prepare(NewEvent e, int i, IReadOnlyDictionary<string, byte[]> keys,
        Dictionary<string, AesGcm> subjectCiphers, DateTimeOffset now)
    {
        byte[] json;
        try
        {
            json = e.Payload.CanonicalUtf8();
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"batch[{i}]: {ex.Message}", "batch", ex);
        }
        if (e.PersonalFields.Count > 0)
            json = EncryptPersonalFields(e, json, keys, subjectCiphers);
        return new Prepared(
            e, i,
            e.EventId ?? Guid.CreateVersion7(now),
            json,
            LedgerTime.Truncate(e.OccurredAt),
            LedgerTime.Truncate(e.RecordedAt ?? now.UtcDateTime));
    }

    /// <summary>
    /// The canonical payload with each personal field's value replaced by its envelope, whose plaintext is that
    /// value's canonical bytes. Fields are encrypted in the order listed, so IVs are drawn in that order.
    /// </summary>
    private byte[] EncryptPersonalFields(NewEvent e, byte[] json, IReadOnlyDictionary<string, byte[]> keys,
        Dictionary<string, AesGcm> subjectCiphers)
    {
        var fields = e.PersonalFields;
        var ranges = new (int Start, int Length)[fields.Count];
        var envelopes = new byte[fields.Count][];
        for (var f = 0; f < fields.Count; f++)
        {
            var field = fields[f];
            if (!subjectCiphers.TryGetValue(field.SubjectId, out var aes))
                subjectCiphers[field.SubjectId] = aes = PersonalDataCipher.CreateAes(keys[field.SubjectId]);
            ranges[f] = CanonicalMembers.IndexOf(json, field.Name); // Validate checked it is there
            envelopes[f] = cipher.EncryptCanonical(field.SubjectId, field.Name, json.AsSpan(ranges[f].Start, ranges[f].Length), aes);
        }
        return CanonicalMembers.Replace(json, ranges, envelopes);
    }

    // Runs once per event: messages are built only when a check fails (an interpolated argument would
    // format on every call), and duplicate personal-field names are found without a set per event.
    private static void Validate(NewEvent e, int i)
    {
        static void Require(bool ok, int i, string message)
        {
            if (!ok)
                Fail(i, message);
        }

        static void Fail(int i, string message) => throw new ArgumentException($"batch[{i}]: {message}", "batch");

        Require(!string.IsNullOrEmpty(e.StreamType), i, "StreamType is empty");
        Require(!string.IsNullOrEmpty(e.StreamId), i, "StreamId is empty");
        Require(!string.IsNullOrEmpty(e.Actor), i, "Actor is empty");
        Require(!string.IsNullOrEmpty(e.Action), i, "Action is empty");
        if (e.SchemaVersion < 1)
            Fail(i, $"SchemaVersion must be ≥ 1, got {e.SchemaVersion}");
        Require(e.Payload is not null, i, "Payload is null");
        Require(e.OccurredAt.Kind != DateTimeKind.Unspecified, i, "OccurredAt has DateTimeKind.Unspecified; give UTC");
        Require(e.RecordedAt is null || e.RecordedAt.Value.Kind != DateTimeKind.Unspecified, i, "RecordedAt has DateTimeKind.Unspecified; give UTC");
        Require(e.IdempotencyKey is null || e.IdempotencyKey.Length > 0, i, "IdempotencyKey is empty (use null for none)");
        Require(e.EventId != Guid.Empty, i, "EventId is the empty UUID");
        Require(e.Supersedes != Guid.Empty, i, "Supersedes is the empty UUID");
        Require(e.Supersedes is null || e.Supersedes != e.EventId, i, "an event cannot supersede itself");
        if (e.Lineage is { } lineage)
        {
            Require(lineage.Inputs is not null, i, "Lineage.Inputs is null");
            Require(!string.IsNullOrEmpty(lineage.RuleId), i, "Lineage.RuleId is empty");
            Require(!string.IsNullOrEmpty(lineage.RuleVersion), i, "Lineage.RuleVersion is empty");
            Require(!lineage.Inputs!.Contains(Guid.Empty), i, "Lineage.Inputs contains the empty UUID");
            Require(e.EventId is null || !lineage.Inputs!.Contains(e.EventId.Value), i, "an event cannot be its own lineage input");
        }
        Require(e.PersonalFields is not null, i, "PersonalFields is null");
        var fields = e.PersonalFields!;
        for (var f = 0; f < fields.Count; f++)
        {
            var field = fields[f];
            Require(field is not null && !string.IsNullOrEmpty(field.Name), i, "a personal field has no name");
            if (string.IsNullOrEmpty(field!.SubjectId))
                Fail(i, $"personal field '{field.Name}' has no subject id");
            for (var g = 0; g < f; g++)
            {
                if (string.Equals(fields[g].Name, field.Name, StringComparison.Ordinal))
                    Fail(i, $"personal field '{field.Name}' is listed twice");
            }
            if (!e.Payload!.HasMember(field.Name))
                Fail(i, $"personal field '{field.Name}' is not a member of the payload");
        }
        if (e.Payload!.ObjectWithEncMember(fields) is { } encPath)
            Fail(i, $"payload object at {encPath} has a member 'enc': only personal-data envelopes have one (docs/ledger-format.md §7); rename it");
    }

    private async Task<Plan> AppendInTransactionAsync(NpgsqlConnection connection, Prepared[] prepared, AppendDurability durability, CancellationToken ct)
    {
        var sets = batchSets.Rent();
        try
        {
            return await AppendInTransactionAsync(connection, prepared, durability, sets, ct);
        }
        finally
        {
            batchSets.Return(sets);
        }
    }

    private async Task<Plan> AppendInTransactionAsync(
        NpgsqlConnection connection, Prepared[] prepared, AppendDurability durability, BatchSets sets, CancellationToken ct)
    {
        CollectReferences(prepared, sets);
        var idempotencyKeys = sets.Keys.ToArray();
        var mentionedIds = sets.Ids.ToArray();
        var streams = sets.Streams.ToArray();

        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var batch = HeadBatch(connection, tx, durability);
        batch.BatchCommands.Add(new(KeyLookupQuery)
        {
            Parameters = { new() { Value = idempotencyKeys, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text } },
        });
        batch.BatchCommands.Add(new("""
            SELECT e.event_id
            FROM unnest($1::uuid[]) AS t(id)
            CROSS JOIN LATERAL (SELECT event_id FROM ledger.events WHERE event_id = t.id LIMIT 1) e
            """)
        {
            Parameters = { new() { Value = mentionedIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid } },
        });
        batch.BatchCommands.Add(new("""
            SELECT t.st, t.sid, e.stream_seq, e.hash
            FROM unnest($1::text[], $2::text[]) AS t(st, sid)
            CROSS JOIN LATERAL (
              SELECT stream_seq, hash FROM ledger.events
              WHERE stream_type = t.st AND stream_id = t.sid
              ORDER BY stream_seq DESC LIMIT 1) e
            """)
        {
            Parameters =
            {
                new() { Value = Array.ConvertAll(streams, s => s.Type), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { Value = Array.ConvertAll(streams, s => s.Id), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            },
        });

        var existingIds = sets.ExistingIds;
        var streamHeads = sets.StreamHeads;
        streamHeads.EnsureCapacity(streams.Length);
        long head;
        byte[] prevHash;
        (long, DateTime)? lastCheckpoint;
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            (head, prevHash, lastCheckpoint) = await ReadHeadAsync(reader, ct);
            await reader.NextResultAsync(ct);
            await ReadExistingKeysAsync(reader, sets.ExistingByKey, ct);
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
                existingIds.Add(reader.GetGuid(0));
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
                streamHeads[new StreamKey(reader.GetString(0), reader.GetString(1))] = (reader.GetInt64(2), reader.GetFieldValue<byte[]>(3));
        }

        var built = BuildPlan(prepared, head, prevHash, sets);
        var checkpointDue = false;
        if (built.Appended.Count > 0)
        {
            await CopyRowsAsync(connection, built.Appended, ct);
            checkpointDue = options.Signer is not null && IsCheckpointDue(built.Head, lastCheckpoint);
            if (checkpointDue && durability == AppendDurability.Deferred)
                await FlushCommitAsync(connection, tx, ct);
            await tx.CommitAsync(ct);
        }
        else
        {
            await tx.RollbackAsync(ct);
        }
        return new Plan(head, prevHash, checkpointDue, built.Appended, built.Results);
    }

    // The checkpoint after this batch will be signed and witnessed: its events must be on disk first.
    private static async Task FlushCommitAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var flushed = new NpgsqlCommand("SET LOCAL synchronous_commit TO DEFAULT", connection, tx);
        await flushed.ExecuteNonQueryAsync(ct);
    }

    private const string HeadQuery = "SELECT seq, hash FROM ledger.events ORDER BY seq DESC LIMIT 1";
    private const string LastCheckpointQuery = CheckpointStore.LatestSql;

    // One index probe per key (LATERAL … LIMIT 1 cannot become a hash join): with `= ANY($1)` and
    // thousands of keys the planner picks a (parallel) sequential scan of the whole ledger, which made
    // every batch cost O(ledger size) — 350 ms per 5,000 keys at 1M rows.
    private const string KeyLookupQuery = """
        SELECT e.idempotency_key, e.event_id, e.seq, e.stream_seq
        FROM unnest($1::text[]) AS t(k)
        CROSS JOIN LATERAL (
          SELECT idempotency_key, event_id, seq, stream_seq FROM ledger.events
          WHERE idempotency_key = t.k LIMIT 1) e
        """;

    /// <summary>
    /// What every append transaction sends first, in one round trip: the durability setting, the append
    /// lock, <see cref="HeadQuery"/> and <see cref="LastCheckpointQuery"/> (read by <see cref="ReadHeadAsync"/>).
    /// </summary>
    private static NpgsqlBatch HeadBatch(NpgsqlConnection connection, NpgsqlTransaction tx, AppendDurability durability) =>
        new(connection, tx)
        {
            BatchCommands =
            {
                // Deferred: set for this transaction only, in the same round trip; switched back before the
                // commit if a checkpoint will follow. Either way one result set, so the readings stay in place.
                new(durability == AppendDurability.Deferred
                    ? "SELECT set_config('synchronous_commit', 'off', true)"
                    : "SELECT current_setting('synchronous_commit')"),
                new($"SELECT pg_advisory_xact_lock({AppendLockKey})"),
                new(HeadQuery),
                new(LastCheckpointQuery),
            },
        };

    /// <summary>
    /// Reads the results of <see cref="HeadBatch"/>'s commands and stays on the last of them.
    /// </summary>
    private static async Task<(long Head, byte[] HeadHash, (long Size, DateTime Time)? LastCheckpoint)> ReadHeadAsync(
        NpgsqlDataReader reader, CancellationToken ct)
    {
        long head = 0;
        var headHash = HashHex.Zero;
        (long, DateTime)? lastCheckpoint = null;
        await reader.NextResultAsync(ct); // past the durability setting
        await reader.NextResultAsync(ct); // past the lock
        if (await reader.ReadAsync(ct))
        {
            head = reader.GetInt64(0);
            headHash = reader.GetFieldValue<byte[]>(1);
        }
        await reader.NextResultAsync(ct);
        if (await reader.ReadAsync(ct) && CheckpointStore.Map(reader) is { } row)
            lastCheckpoint = (row.Size, row.Time);
        return (head, headHash, lastCheckpoint);
    }

    /// <summary>The rows of <see cref="KeyLookupQuery"/>: events already in the ledger, by idempotency key.</summary>
    private static async Task ReadExistingKeysAsync(NpgsqlDataReader reader, Dictionary<string, AppendedEvent> existingByKey, CancellationToken ct)
    {
        while (await reader.ReadAsync(ct))
            existingByKey[reader.GetString(0)] = new AppendedEvent(reader.GetGuid(1), reader.GetInt64(2), reader.GetInt64(3), AlreadyPresent: true);
    }

    /// <summary>
    /// The ids, idempotency keys and streams a batch mentions, into <paramref name="sets"/>. Generated ids
    /// are fresh UUIDv7s (a collision would still hit the unique constraint), so only caller-chosen ids and
    /// references need looking up.
    /// </summary>
    private static void CollectReferences(Prepared[] prepared, BatchSets sets)
    {
        // Plain loops, not LINQ: this runs for every batch (tens of thousands of elements when seeding).
        // The sets and maps come from the pool (BatchSets), sized for the batch up front.
        var keySet = sets.Keys;
        keySet.EnsureCapacity(prepared.Length);
        var idSet = sets.Ids;
        idSet.EnsureCapacity(prepared.Length);
        var streamSet = sets.Streams;
        streamSet.EnsureCapacity(prepared.Length);
        foreach (var p in prepared)
        {
            var source = p.Source;
            if (source.IdempotencyKey is { } k)
                keySet.Add(k);
            if (source.Lineage is { } lineage)
            {
                foreach (var input in lineage.Inputs)
                    idSet.Add(input);
            }
            if (source.EventId is { } id)
                idSet.Add(id);
            if (source.Supersedes is { } s)
                idSet.Add(s);
            streamSet.Add(new StreamKey(source.StreamType, source.StreamId));
        }
    }

    private sealed record BuiltPlan(long Head, byte[] HeadHash, List<LedgerEvent> Appended, AppendedEvent[] Results,
        Dictionary<StreamKey, (long Seq, byte[] Hash)> StreamHeads);

    /// <summary>
    /// Assigns sequences and links both chains for the events of <paramref name="prepared"/> after the ledger
    /// head (<paramref name="head"/>, <paramref name="headHash"/>). Known to exist: <c>sets.ExistingByKey</c> and
    /// <c>sets.ExistingIds</c>; stream heads from <c>sets.StreamHeads</c>, else from the bulk load's memory.
    /// The returned stream heads are <c>sets.StreamHeads</c>, valid until the sets go back to the pool.
    /// </summary>
    /// <exception cref="ArgumentException">An id is already in the ledger, or a reference dangles.</exception>
    private BuiltPlan BuildPlan(Prepared[] prepared, long head, byte[] headHash, BatchSets sets)
    {
        // Holds results of this batch too (AlreadyPresent false); a repeat of their key within the batch is
        // answered with AlreadyPresent set (see below), so no second record per event is made up front.
        var existingByKey = sets.ExistingByKey;
        existingByKey.EnsureCapacity(prepared.Length);
        var existingIds = sets.ExistingIds;
        var streamHeads = sets.StreamHeads;
        var prevHash = headHash;
        var results = new AppendedEvent[prepared.Length];
        var appended = new List<LedgerEvent>(prepared.Length);
        var appendedIds = sets.AppendedIds;
        appendedIds.EnsureCapacity(prepared.Length);
        foreach (var p in prepared)
        {
            var e = p.Source;
            if (e.IdempotencyKey is { } key && existingByKey.TryGetValue(key, out var existing))
            {
                results[p.Index] = existing.AlreadyPresent ? existing : existing with { AlreadyPresent = true };
                existingIds.Add(existing.EventId);
                continue;
            }
            if (existingIds.Contains(p.EventId) || appendedIds.Contains(p.EventId))
                throw new ArgumentException($"batch[{p.Index}]: event id {p.EventId} is already in the ledger", "batch");
            if (e.Supersedes is { } superseded && !existingIds.Contains(superseded) && !appendedIds.Contains(superseded))
                throw new ArgumentException(
                    $"batch[{p.Index}]: supersedes {superseded}, which is neither in the ledger nor earlier in the batch; nothing was appended", "batch");
            foreach (var input in e.Lineage?.Inputs ?? [])
            {
                if (!existingIds.Contains(input) && !appendedIds.Contains(input))
                    throw new ArgumentException(
                        $"batch[{p.Index}]: lineage input {input} is neither in the ledger nor earlier in the batch; nothing was appended", "batch");
            }

            var stream = new StreamKey(e.StreamType, e.StreamId);
            var (streamSeq, streamPrev) = streamHeads.TryGetValue(stream, out var sh) ? sh
                : bulkHeads is not null && bulkHeads.TryGet(stream, out var bh) ? bh
                : (0L, HashHex.Zero);
            // The leaf hash covers every member but Hash itself, so it is written into the record's own
            // array: no second record (a `with` copy per event was a visible share of the seed's GC).
            var hash = new byte[HashHex.HashSize];
            var record = new LedgerEvent
            {
                Seq = head + 1,
                EventId = p.EventId,
                StreamType = e.StreamType,
                StreamId = e.StreamId,
                StreamSeq = streamSeq + 1,
                OccurredAt = p.OccurredAt,
                RecordedAt = p.RecordedAt,
                Actor = e.Actor,
                Action = e.Action,
                ClientAddress = e.ClientAddress,
                SchemaVersion = e.SchemaVersion,
                PayloadUtf8 = p.PayloadUtf8, // hashed and copied as they are: no UTF-16 round trip
                Supersedes = e.Supersedes,
                Lineage = e.Lineage,
                IdempotencyKey = e.IdempotencyKey,
                PrevHash = prevHash,
                StreamPrevHash = streamPrev,
                Hash = hash,
            };
            EventRecord.ComputeLeafHash(record, hash);
            appended.Add(record);
            appendedIds.Add(p.EventId);
            head = record.Seq;
            prevHash = hash;
            streamHeads[stream] = (record.StreamSeq, hash);
            var result = new AppendedEvent(record.EventId, record.Seq, record.StreamSeq, AlreadyPresent: false);
            results[p.Index] = result;
            if (e.IdempotencyKey is { } newKey)
                existingByKey[newKey] = result;
        }
        return new BuiltPlan(head, prevHash, appended, results, streamHeads);
    }

    /// <summary>
    /// Writes <paramref name="rows"/> with one binary COPY (<see cref="EventCopyRows"/>), in chunks, then their
    /// forward-lineage edges (<see cref="CopyLineageEdgesAsync"/>) in the same transaction.
    /// </summary>
    private static async Task CopyRowsAsync(NpgsqlConnection connection, List<LedgerEvent> rows, CancellationToken ct)
    {
        await CopyEventsAsync(connection, rows, ct);
        await CopyLineageEdgesAsync(connection, rows, ct);
    }

    private const string LineageEdgesCopyCommand = "COPY ledger.lineage_edges (input_id, output_seq, input_ord, output_id) FROM STDIN (FORMAT BINARY)";

    /// <summary>
    /// One row of <c>ledger.lineage_edges</c> (V005) per lineage input of <paramref name="rows"/>: (input, output seq,
    /// 1-based position, output id), so "which events used this one" is a B-tree range. Derived, never hashed; written with the
    /// events so a committed event always has its edges. Nothing to write for a batch without lineage.
    /// </summary>
    private static async Task CopyLineageEdgesAsync(NpgsqlConnection connection, List<LedgerEvent> rows, CancellationToken ct)
    {
        if (!rows.Exists(r => r.Lineage is { Inputs.Count: > 0 }))
            return;
        await using var import = await connection.BeginBinaryImportAsync(LineageEdgesCopyCommand, ct);
        foreach (var r in rows)
        {
            if (r.Lineage is not { } lineage)
                continue;
            for (var i = 0; i < lineage.Inputs.Count; i++)
            {
                await import.StartRowAsync(ct);
                await import.WriteAsync(lineage.Inputs[i], NpgsqlDbType.Uuid, ct);
                await import.WriteAsync(r.Seq, NpgsqlDbType.Bigint, ct);
                await import.WriteAsync(i + 1, NpgsqlDbType.Integer, ct);
                await import.WriteAsync(r.EventId, NpgsqlDbType.Uuid, ct);
            }
        }
        await import.CompleteAsync(ct);
    }

    private static async Task CopyEventsAsync(NpgsqlConnection connection, List<LedgerEvent> rows, CancellationToken ct)
    {
        var copy = await connection.BeginRawBinaryCopyAsync(CopyCommand, ct);
        using var data = new EventCopyRows();
        try
        {
            foreach (var r in rows)
            {
                data.WriteRow(r);
                if (data.IsFull)
                {
                    await copy.WriteAsync(data.Written, ct);
                    data.Clear();
                }
            }
            data.WriteTrailer();
            await copy.WriteAsync(data.Written, ct);
        }
        catch
        {
            // Disposing would end the COPY with a partial row and throw the server's complaint about it
            // instead of this exception; cancelling ends it quietly. Either way the transaction rolls back.
            try
            {
                await copy.CancelAsync();
            }
            catch (NpgsqlException)
            {
                // The connection is broken; the exception being thrown says why.
            }
            throw;
        }
        await copy.DisposeAsync(); // ends the COPY; the server's error for any bad row is thrown here
    }

    /// <summary>
    /// Under the append lock: checkpoint the current head (when due, or always when forced), insert
    /// it, record it in the witness, then commit. The witness is written before the commit so a
    /// checkpoint the database holds is never missing from the witness; if the commit fails after
    /// that, the witness holds a true checkpoint of events that are committed, which is harmless.
    /// </summary>
    /// <param name="knownRoot">The tree head and stream-head commitment at a given size, if the caller knows them (a
    /// bulk load, whose in-memory trees may already hold batches planned after the one it checkpoints); used when
    /// the ledger head is that size. Null heads: the bulk load did not expect a checkpoint at that size; if a later
    /// batch is planned already, no checkpoint is made now (the next batch's is due, LedgerAppender.Bulk.cs).</param>
    private async Task<SignedCheckpoint?> CheckpointAsync(NpgsqlConnection connection, bool force, CancellationToken ct,
        (long Size, byte[] Root, StreamHeadCommitment? Heads, byte[]? Frontier)? knownRoot = null)
    {
        var signer = options.Signer!;
        await using var tx = await connection.BeginTransactionAsync(ct);
        long head = 0;
        (long Size, DateTime Time)? last = null;
        await using (var batch = new NpgsqlBatch(connection, tx)
        {
            BatchCommands =
            {
                new($"SELECT pg_advisory_xact_lock({AppendLockKey})"),
                new("SELECT seq FROM ledger.events ORDER BY seq DESC LIMIT 1"),
                new(CheckpointStore.LatestSql),
            },
        })
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            await reader.NextResultAsync(ct);
            if (await reader.ReadAsync(ct))
                head = reader.GetInt64(0);
            await reader.NextResultAsync(ct);
            if (await reader.ReadAsync(ct) && CheckpointStore.Map(reader) is { } row)
                last = (row.Size, row.Time);
        }

        if (head == 0)
            return null;
        if (last is { } l && l.Size == head)
            return force ? await ReadCheckpointAsync(connection, tx, head, ct) : null;
        if (!force && !IsCheckpointDue(head, last))
            return null; // another appender checkpointed meanwhile

        if (options.AwaitWalFlushBeforeCheckpoint)
            await AwaitWalFlushAsync(connection, tx, ct);
        // Format 2 (stream heads, signed note) when the signer has its Ed25519 key; a configuration without one
        // (an access log set up before format 2) keeps writing format 1.
        var version2 = signer.Ed25519 is not null;
        byte[] root;
        StreamHeadCommitment? streamHeads;
        byte[]? frontier;
        if (knownRoot is { } known && known.Size == head)
        {
            (root, streamHeads, frontier) = (known.Root, known.Heads, known.Frontier);
            if (version2 && streamHeads is null && await HeadsIfAtAsync(head, ct) is { } now)
                (streamHeads, frontier) = now;
            if (version2 && streamHeads is null)
                return null;
        }
        else
        {
            (root, streamHeads, frontier) = await HeadsAtAsync(connection, tx, head, ct);
        }
        var checkpoint = new Checkpoint(options.Origin, head, root, LedgerTime.Truncate(time.GetUtcNow().UtcDateTime),
            version2 ? streamHeads : null);
        var signed = signer.Sign(checkpoint);
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO ledger.checkpoints (size, origin, root_hash, checkpoint_time, text, signature, key_id,
                                            stream_heads_count, stream_heads_root, note, frontier)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """, connection, tx))
        {
            insert.Parameters.Add(new() { Value = checkpoint.Size });
            insert.Parameters.Add(new() { Value = checkpoint.Origin });
            insert.Parameters.Add(new() { Value = checkpoint.RootHash });
            insert.Parameters.Add(new() { Value = checkpoint.Time, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            insert.Parameters.Add(new() { Value = checkpoint.ToText() });
            insert.Parameters.Add(new() { Value = signed.Signature });
            insert.Parameters.Add(new() { Value = signer.PublicKey.KeyId });
            insert.Parameters.Add(new() { Value = (object?)checkpoint.StreamHeads?.Count ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
            insert.Parameters.Add(new() { Value = (object?)checkpoint.StreamHeads?.Root ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bytea });
            insert.Parameters.Add(new() { Value = (object?)signed.Note ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new() { Value = (object?)frontier ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bytea });
            await insert.ExecuteNonQueryAsync(ct);
        }
        options.Witness?.Record(signed);
        await tx.CommitAsync(ct);
        return signed;
    }

    /// <summary>
    /// Under the append lock: waits until the WAL is flushed up to where it was inserted now, which covers
    /// the commit records of every event up to the head (all committed before the lock was taken), so
    /// <see cref="AppendDurability.Deferred"/> commits cannot be lost once the checkpoint names them.
    /// Usually already true (the batch before a due checkpoint commits flushed); otherwise the WAL writer
    /// flushes within a few <c>wal_writer_delay</c>s.
    /// </summary>
    private async Task AwaitWalFlushAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT pg_current_wal_insert_lsn()::text, pg_current_wal_flush_lsn() >= pg_current_wal_insert_lsn()", connection, tx);
        string target;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            if (reader.GetBoolean(1))
                return;
            target = reader.GetString(0);
        }
        await using var poll = new NpgsqlCommand("SELECT pg_current_wal_flush_lsn() >= $1::pg_lsn", connection, tx);
        poll.Parameters.Add(new() { Value = target, NpgsqlDbType = NpgsqlDbType.Text });
        var started = System.Diagnostics.Stopwatch.GetTimestamp(); // a real wait on a real server, not the injected clock
        while (!(bool)(await poll.ExecuteScalarAsync(ct))!)
        {
            if (System.Diagnostics.Stopwatch.GetElapsedTime(started) > options.WalFlushTimeout)
                throw new TimeoutException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"the WAL was not flushed up to {target} within {options.WalFlushTimeout.TotalSeconds:0.#} s; no checkpoint was made"));
            await Task.Delay(TimeSpan.FromMilliseconds(5), ct);
        }
    }

    private static async Task<SignedCheckpoint> ReadCheckpointAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long size, CancellationToken ct)
    {
        var row = await CheckpointStore.AtSizeAsync(connection, tx, size, ct) ?? throw new KeyNotFoundException($"no checkpoint of size {size}");
        return row.Signed;
    }

    /// <summary>
    /// MTH and the stream-head commitment of the first <paramref name="head"/> events: the in-memory trees, caught
    /// up from the database if other appenders wrote meanwhile (or, in a new process, from the start: this is how an
    /// existing ledger gets its first stream-head commitment after the upgrade to format 2).
    /// </summary>
    private async Task<(byte[] Root, StreamHeadCommitment Heads, byte[] Frontier)> HeadsAtAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long head, CancellationToken ct)
    {
        await treeGate.WaitAsync(ct);
        try
        {
            if (tree.Size > head && options.AwaitWalFlushBeforeCheckpoint)
            {
                // With deferred commits a database crash may legitimately lose a tail of events this
                // process saw committed; never a checkpointed one (the flush wait before every checkpoint),
                // so rebuild the frontier from what the database holds instead of refusing forever.
                ResetTrees();
            }
            if (tree.Size > head)
                throw new InvalidOperationException(
                    $"the ledger head is seq {head} but this appender already saw {tree.Size} events: the ledger was truncated");
            if (tree.Size == 0 && head > 0)
                await FastForwardAsync(connection, head, ct);
            if (tree.Size < head)
            {
                await Proofs.StreamHeadRows.ReadAsync(connection, tree.Size, head, (_, hash, stream, streamSeq) =>
                {
                    tree.Append(hash);
                    headTree.Set(stream, streamSeq, hash);
                    treeLastLeaf = hash;
                    RowsCaughtUp++;
                }, ct);
            }
            return (tree.RootHash(), headTree.Commit(), tree.NodeHashes());
        }
        finally
        {
            treeGate.Release();
        }
    }

    /// <summary>Rows a new process read to catch its trees up (tests tell the fast path from the full pass by it).</summary>
    internal long RowsCaughtUp { get; private set; }

    /// <summary>
    /// Under the append lock, in a process whose trees are empty: the Merkle frontier of the latest checkpoint that
    /// stored one (checked against its signed root) and the rows after it, and the stream heads at the head by an index
    /// skip scan — O(streams + events since that checkpoint) instead of a pass over the whole ledger. Leaves the trees
    /// empty when there is no such checkpoint, its frontier does not reproduce its root, or the stream index is
    /// missing; the caller then reads every row.
    /// </summary>
    private async Task FastForwardAsync(NpgsqlConnection connection, long head, CancellationToken ct)
    {
        var start = await CheckpointStore.LatestFrontierAsync(connection, head, ct);
        if (start is null || !await Proofs.StreamHeadRows.ReadCurrentHeadsAsync(connection, (stream, streamSeq, hash) => headTree.Set(stream, streamSeq, hash), ct))
        {
            headTree.Clear();
            return;
        }
        tree = start;
        await Proofs.StreamHeadRows.ReadAsync(connection, tree.Size, head, (_, hash, _, _) =>
        {
            tree.Append(hash);
            treeLastLeaf = hash;
            RowsCaughtUp++;
        }, ct);
        if (RowsCaughtUp == 0)
        {
            await using var last = new NpgsqlCommand("SELECT hash FROM ledger.events WHERE seq = $1", connection);
            last.Parameters.Add(new() { Value = head });
            treeLastLeaf = (byte[])(await last.ExecuteScalarAsync(ct))!;
        }
    }

    /// <summary>The stream-head commitment and frontier at <paramref name="head"/> if the in-memory trees are at that size, else null.</summary>
    private async Task<(StreamHeadCommitment Heads, byte[] Frontier)?> HeadsIfAtAsync(long head, CancellationToken ct)
    {
        await treeGate.WaitAsync(ct);
        try
        {
            return tree.Size == head ? (headTree.Commit(), tree.NodeHashes()) : null;
        }
        finally
        {
            treeGate.Release();
        }
    }

    private void ResetTrees()
    {
        tree = CompactRange.Empty();
        headTree.Clear();
        treeLastLeaf = HashHex.Zero;
    }
}
