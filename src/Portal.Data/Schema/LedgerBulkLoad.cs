using Npgsql;

namespace AuditPortal.Data.Schema;

/// <summary>
/// The bulk-load path of <c>auditportal ledger seed</c> (PostgreSQL manual, "Populating a Database"):
/// into an <em>empty</em> ledger, drop the non-unique secondary indexes of <c>ledger.events</c> and every
/// unique constraint but the primary key, append, and build them once at the end, which is far cheaper
/// than maintaining them row by row.
/// </summary>
/// <remarks>
/// <para>Dropped: the investigation access paths (actor, action, occurred_at, recorded_at, supersedes,
/// lineage inputs, the per-stream time orders and the first-event-of-stream indexes) and the unique
/// constraints on (stream_type, stream_id, stream_seq), event_id and idempotency_key, whose B-trees take
/// inserts in random order: with them the server spent about twice the CPU per row of a load with the
/// primary key only (docs/performance.md §1). While they are dropped the seeding appender keeps the stream
/// heads, event ids and idempotency keys it wrote in memory (<see cref="Appending.AppenderOptions.BulkLoad"/>);
/// <see cref="RestoreAsync"/> adds the constraints back, which checks every row, so a duplicate can never
/// survive a seed silently. The primary key on seq stays: its inserts are in order, so it is cheap.</para>
/// <para>Runs as the table owner (the superuser that ran <c>ledger init</c>); the writer role cannot
/// drop indexes. Idempotent and safe if interrupted: <see cref="RestoreAsync"/> uses
/// <c>CREATE [UNIQUE] INDEX IF NOT EXISTS</c>, and <c>ledger init</c> and <c>ledger seed</c> both call it, so a
/// seed killed half-way leaves a ledger whose indexes come back on the next init or seed. Missing
/// secondary indexes only make investigation queries slower; they never change what is stored or
/// verified.</para>
/// <para>Never used by the normal appender: dropping indexes of a ledger that other writers and readers
/// use would stall their queries.</para>
/// </remarks>
public static class LedgerBulkLoad
{
    /// <summary>
    /// Name and definition of every non-unique secondary index of <c>ledger.events</c>, exactly as in the
    /// migrations (V001__ledger.sql, V002__timeline_indexes.sql, V003__payload_text_search.sql, V006__corrections_index.sql). A test compares this list with the migrated schema.
    /// </summary>
    public static IReadOnlyList<(string Name, string Definition)> SecondaryIndexes { get; } =
    [
        ("events_actor_idx", "ON ledger.events (actor, seq)"),
        ("events_action_idx", "ON ledger.events (action, seq)"),
        ("events_occurred_at_idx", "ON ledger.events (occurred_at)"),
        ("events_recorded_at_idx", "ON ledger.events (recorded_at)"),
        ("events_supersedes_idx", "ON ledger.events (supersedes) WHERE supersedes IS NOT NULL"),
        ("events_corrections_idx", "ON ledger.events (seq) INCLUDE (supersedes) WHERE supersedes IS NOT NULL"),
        ("events_lineage_inputs_idx", "ON ledger.events USING gin (lineage_inputs) WHERE lineage_inputs IS NOT NULL"),
        ("events_stream_occurred_idx", "ON ledger.events (stream_type, stream_id, occurred_at, stream_seq)"),
        ("events_stream_recorded_idx", "ON ledger.events (stream_type, stream_id, recorded_at, stream_seq)"),
        ("events_stream_first_idx", "ON ledger.events (stream_type, stream_id) WHERE stream_seq = 1"),
        ("events_stream_first_prefix_idx", "ON ledger.events (stream_type, stream_id text_pattern_ops) WHERE stream_seq = 1"),
        ("events_search_text_idx", "ON ledger.events USING gin (search_text gin_trgm_ops)"),
    ];

    /// <summary>Text search's generated column (ledger migration V003); the access log's database drops it (portal migration V005).</summary>
    public const string SearchTextColumn = "search_text";

    /// <summary>The unique constraint on (stream_type, stream_id, stream_seq), as PostgreSQL named it in V001__ledger.sql.</summary>
    public const string StreamPositionConstraint = "events_stream_type_stream_id_stream_seq_key";

    /// <summary>
    /// Name, columns and what a duplicate means of every unique constraint of <c>ledger.events</c> but the
    /// primary key, as PostgreSQL named them in V001__ledger.sql. A test compares this list with the migrated schema.
    /// </summary>
    public static IReadOnlyList<(string Name, string Columns, string Duplicate)> UniqueConstraints { get; } =
    [
        (StreamPositionConstraint, "stream_type, stream_id, stream_seq", "the same stream position"),
        ("events_event_id_key", "event_id", "the same event id"),
        ("events_idempotency_key_key", "idempotency_key", "the same idempotency key"),
    ];

    /// <summary>
    /// Drops the secondary indexes and the unique constraints but the primary key, only if <c>ledger.events</c> is empty (checked under a lock that
    /// keeps writers out until the drop commits). Returns false, dropping nothing, when it is not empty.
    /// </summary>
    public static async Task<bool> DropIfEmptyAsync(string ownerConnectionString, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE ledger.events IN SHARE ROW EXCLUSIVE MODE", connection, tx))
            await lockTable.ExecuteNonQueryAsync(ct);
        await using (var any = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM ledger.events)", connection, tx))
        {
            if ((bool)(await any.ExecuteScalarAsync(ct))!)
            {
                await tx.RollbackAsync(ct);
                return false;
            }
        }
        foreach (var (name, _) in SecondaryIndexes)
        {
            await using var drop = new NpgsqlCommand($"DROP INDEX IF EXISTS ledger.{name}", connection, tx);
            await drop.ExecuteNonQueryAsync(ct);
        }
        foreach (var (name, _, _) in UniqueConstraints)
        {
            await using var dropConstraint = new NpgsqlCommand($"ALTER TABLE ledger.events DROP CONSTRAINT IF EXISTS {name}", connection, tx);
            await dropConstraint.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// <c>maintenance_work_mem</c> of each index build. Small on purpose: the expensive keys (stream
    /// position, per-stream times, actor, action) begin with text columns of a few distinct values, so
    /// nearly every comparison reads both index tuples. One in-memory quicksort of a million such tuples
    /// (~85 MB) misses the CPU caches on almost every comparison; an external sort of runs of this size
    /// that are merged while the index is written cost about 20 % less CPU for the same five builds
    /// (1M demo rows, 1–16 MB all alike, 64 MB and 512 MB alike and worse; docs/performance.md §1).
    /// </summary>
    public const string BuildSortMemory = "8MB";

    /// <summary>Index builds that run at once during <see cref="RestoreAsync"/>: one per core of the database server here (docs/performance.md §1).</summary>
    public const int RestoreConnections = 2;

    /// <summary>
    /// Creates every secondary index that is missing and adds every unique constraint back that is
    /// missing; returns how many were created. Cheap when all exist.
    /// </summary>
    /// <remarks>
    /// The builds run on <see cref="RestoreConnections"/> connections at once, largest first: one build
    /// is a heap scan and a sort in one backend (plus at most one parallel worker), so a second connection
    /// keeps the other core busy. A unique constraint is built as a unique index (which takes a lock that
    /// lets other index builds run) and attached with <c>ADD CONSTRAINT … UNIQUE USING INDEX</c> after all
    /// builds (that lock does not); the result is the constraint the migration made. An interrupted restore
    /// leaves at most a unique index without its constraint, which the next restore attaches.
    /// Each session sets <c>maintenance_work_mem</c> to <see cref="BuildSortMemory"/>, deliberately small.
    /// </remarks>
    /// <exception cref="InvalidOperationException">Two events share a stream position, an event id or an
    /// idempotency key, so that constraint cannot be added back; the message names one such value.</exception>
    public static async Task<int> RestoreAsync(string ownerConnectionString, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        // Three reads of the catalog, not one query per constraint and index: this runs on every init and seed.
        var constraints = await NamesAsync(connection, "SELECT conname FROM pg_constraint WHERE conrelid = 'ledger.events'::regclass", ct);
        var relations = await NamesAsync(connection, "SELECT relname FROM pg_class WHERE relnamespace = 'ledger'::regnamespace", ct);
        // The access log's ledger.events has no search_text (portal migration V005 drops it), so no text-search index either.
        var columns = await NamesAsync(connection, "SELECT attname FROM pg_attribute WHERE attrelid = 'ledger.events'::regclass AND attnum > 0 AND NOT attisdropped", ct);
        var builds = new List<string>();
        var missingConstraints = new List<(string Name, string Columns, string Duplicate)>();
        foreach (var constraint in UniqueConstraints)
        {
            if (constraints.Contains(constraint.Name))
                continue;
            missingConstraints.Add(constraint);
            builds.Add($"CREATE UNIQUE INDEX IF NOT EXISTS {constraint.Name} ON ledger.events ({constraint.Columns})");
        }
        var missingIndexes = 0;
        foreach (var (name, definition) in SecondaryIndexes)
        {
            if (relations.Contains(name) || (definition.Contains(SearchTextColumn, StringComparison.Ordinal) && !columns.Contains(SearchTextColumn)))
                continue;
            missingIndexes++;
            builds.Add($"CREATE INDEX IF NOT EXISTS {name} {definition}");
        }
        if (builds.Count == 0)
            return 0;

        // Unique indexes first (they can fail, and the wide text keys are the largest), then in list order.
        var queue = new System.Collections.Concurrent.ConcurrentQueue<string>(builds);
        var workers = new Task[Math.Min(RestoreConnections, builds.Count)];
        for (var w = 0; w < workers.Length; w++)
            workers[w] = BuildIndexesAsync(ownerConnectionString, queue, ct);
        try
        {
            await Task.WhenAll(workers);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw await DuplicateAsync(connection, missingConstraints, ex, ct);
        }
        foreach (var (name, _, _) in missingConstraints)
        {
            await using var attach = new NpgsqlCommand($"ALTER TABLE ledger.events ADD CONSTRAINT {name} UNIQUE USING INDEX {name}", connection);
            await attach.ExecuteNonQueryAsync(ct);
        }
        await using (var analyze = new NpgsqlCommand("ANALYZE ledger.events", connection) { CommandTimeout = 0 })
            await analyze.ExecuteNonQueryAsync(ct);
        return missingIndexes + missingConstraints.Count;
    }

    private static async Task<HashSet<string>> NamesAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            names.Add(reader.GetString(0));
        return names;
    }

    private static async Task BuildIndexesAsync(string ownerConnectionString, System.Collections.Concurrent.ConcurrentQueue<string> queue, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        await using (var mem = new NpgsqlCommand($"SET maintenance_work_mem = '{BuildSortMemory}'", connection))
            await mem.ExecuteNonQueryAsync(ct);
        while (queue.TryDequeue(out var sql))
        {
            try
            {
                await using var create = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
                await create.ExecuteNonQueryAsync(ct);
            }
            catch
            {
                queue.Clear(); // the other connection stops after its current build
                throw;
            }
        }
    }

    /// <summary>The error for a unique index that could not be built: names one duplicated value.</summary>
    private static async Task<InvalidOperationException> DuplicateAsync(NpgsqlConnection connection,
        IReadOnlyList<(string Name, string Columns, string Duplicate)> constraints, PostgresException ex, CancellationToken ct)
    {
        // The server's detail names the key only with "Include Error Detail"; find one ourselves.
        foreach (var (name, columns, duplicate) in constraints)
        {
            await using var find = new NpgsqlCommand($"""
                SELECT format('(%s)', concat_ws(', ', {columns})) FROM ledger.events
                WHERE ROW({columns}) IS NOT NULL -- NULLs never collide (many events have no idempotency key)
                GROUP BY {columns} HAVING count(*) > 1 LIMIT 1
                """, connection) { CommandTimeout = 0 };
            if (await find.ExecuteScalarAsync(ct) is string value)
                return new InvalidOperationException(
                    $"ledger.events holds two events with {duplicate} {value} ({columns}), so {name} cannot be restored", ex);
        }
        return new InvalidOperationException("a unique index of ledger.events could not be rebuilt: " + ex.MessageText, ex);
    }
}
