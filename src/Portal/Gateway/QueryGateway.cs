using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Replica;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Redaction;
using Npgsql;
using NpgsqlTypes;

namespace AuditPortal.Portal.Gateway;

/// <summary>
/// The only path to ledger data (docs/gateway.md). <see cref="RunAsync{TResult}"/>, in order:
/// <list type="number">
/// <item>authorizes the query kind for the caller's roles (deny: 403; the request and a <c>query.refused</c> outcome are logged);</item>
/// <item>appends the <c>query.requested</c> access-log entry, and refuses to answer (503) if that fails;</item>
/// <item>runs the query on the standby as the SELECT-only role in a read-only transaction;</item>
/// <item>appends the outcome (row count, digest of the returned record ids);</item>
/// <item>applies the redaction policy to the result.</item>
/// </list>
/// </summary>
public sealed class QueryGateway(
    PortalDatabases databases,
    TimeProvider time,
    ClientConnection client,
    ILogger<QueryGateway> logger)
{
    public const string ReplicaUnavailableMessage =
        "The ledger replica is not reachable right now, so no ledger data can be shown. Please try again shortly.";
    public const string AccessLogReadUnavailableMessage =
        "The access log cannot be read right now. Please try again shortly.";
    public const string AccessLogUnavailableMessage =
        "The access log cannot be written right now. Every query must be logged before it runs, so none ran. Please try again shortly.";

    /// <param name="kind">What kind of query; decides who may run it.</param>
    /// <param name="user">The caller.</param>
    /// <param name="canonicalParameters">The query's parameters, serialized to JSON for the access log (an anonymous object is fine).</param>
    /// <param name="purpose">Stated purpose or unmask justification, or null.</param>
    /// <param name="query">The SQL work, on a read-only replica session; returns the value and the ids of the records in it.</param>
    public async Task<GatewayResult<TResult>> RunAsync<TResult>(
        QueryKind kind,
        ClaimsPrincipal user,
        object canonicalParameters,
        QueryPurpose? purpose,
        Func<ReplicaSession, CancellationToken, Task<QueryAnswer<TResult>>> query,
        CancellationToken ct)
        where TResult : IRedactable
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(query);

        var started = time.GetTimestamp();
        var entry = Describe(kind, user, canonicalParameters, purpose);
        if (await RefuseAsync<TResult>(kind, user, entry, purpose, started, ct) is { } refused)
            return refused;

        // The snapshot the query will run on is taken first, and its ledger size goes into the request entry, so
        // the query can be re-run later bounded by it ("what did they see", docs/access-log-review.md). Only the
        // head's seq is read before the entry is written; no ledger record is.
        ReadOnlySession? session = null;
        long? ledgerSize = null;
        Exception? unavailable = null;
        try
        {
            var replica = databases.Replica ?? throw new ReplicaNotConfiguredException();
            session = await replica.BeginReadOnlyAsync(ct);
            await using var head = session.CreateCommand("SELECT coalesce(max(seq), 0) FROM ledger.events");
            ledgerSize = (long)(await head.ExecuteScalarAsync(ct))!;
        }
        catch (Exception ex) when (IsUnavailable(ex) || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            unavailable = ex;
            if (session is not null)
                await session.DisposeAsync();
            session = null;
        }

        try
        {
            // 2. log the request, fail closed
            if (await LogRequestAsync(entry with { LedgerSize = ledgerSize }, ct) is not { } logged)
                return GatewayResult<TResult>.Fail(GatewayStatus.AccessLogUnavailable, AccessLogUnavailableMessage);
            var (requestEventId, requestSeq) = logged;

            // 3. query the replica, then gather what redaction needs in the same snapshot
            QueryAnswer<TResult> answer;
            RedactionContext redaction;
            try
            {
                if (unavailable is not null)
                    throw new ReplicaUnavailableException(unavailable);
                var replicaSession = new ReplicaSession(session!, databases.Replica!.DataSource);
                answer = await query(replicaSession, ct);
                redaction = await LoadRedactionContextAsync(replicaSession, answer.Value, purpose is { Unmask: true }, ct);
            }
            catch (Exception ex) when (IsUnavailable(ex) || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                logger.LogError(ex, "Replica: {Kind} for {User} failed (access-log entry {Seq})", kind.Name, entry.SubjectId, requestSeq);
                await TryRecordFailureAsync(entry, requestEventId, started, ct);
                return GatewayResult<TResult>.Fail(GatewayStatus.ReplicaUnavailable, ReplicaUnavailableMessage, requestSeq);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A bug in the query: log the failure in the chain too, then let the error page handle it.
                await TryRecordFailureAsync(entry, requestEventId, started, ct);
                throw;
            }

            // 4. record the outcome; 5. redact
            if (!await LogOutcomeAsync(entry, requestEventId, requestSeq, answer.RecordIds, started, ct))
                return GatewayResult<TResult>.Fail(GatewayStatus.AccessLogUnavailable, AccessLogUnavailableMessage, requestSeq);
            foreach (var payload in answer.Value.Payloads)
                RedactionPolicy.Apply(payload, redaction);
            return GatewayResult<TResult>.Ok(answer.Value, requestSeq);
        }
        finally
        {
            if (session is not null)
                await session.DisposeAsync();
        }
    }

    /// <summary>
    /// A query of the access log itself (the admins' review): the same steps as <see cref="RunAsync{TResult}"/>
    /// (authorize, log the request and fail closed, query, log the outcome) on the access log's reader instead of
    /// the ledger's replica. The record ids are access-log event ids; nothing here holds ledger personal data, so
    /// there is nothing to redact, and the entry has no <c>ledger_size</c>.
    /// </summary>
    public async Task<GatewayResult<TResult>> RunOnAccessLogAsync<TResult>(
        QueryKind kind,
        ClaimsPrincipal user,
        object canonicalParameters,
        Func<AccessLogQueryContext, CancellationToken, Task<QueryAnswer<TResult>>> query,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(query);

        var started = time.GetTimestamp();
        var entry = Describe(kind, user, canonicalParameters, purpose: null);
        if (await RefuseAsync<TResult>(kind, user, entry, purpose: null, started, ct) is { } refused)
            return refused;
        if (await LogRequestAsync(entry, ct) is not { } logged)
            return GatewayResult<TResult>.Fail(GatewayStatus.AccessLogUnavailable, AccessLogUnavailableMessage);
        var (requestEventId, requestSeq) = logged;

        QueryAnswer<TResult> answer;
        try
        {
            var reader = databases.AccessLogReader ?? throw new AccessLogUnavailableException("ConnectionStrings:AccessLog is not set");
            answer = await query(new AccessLogQueryContext(reader, requestSeq), ct);
        }
        catch (Exception ex) when (IsUnavailable(ex) || ex is AccessLogUnavailableException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogError(ex, "Access log: {Kind} for {User} failed (access-log entry {Seq})", kind.Name, entry.SubjectId, requestSeq);
            await TryRecordFailureAsync(entry, requestEventId, started, ct);
            return GatewayResult<TResult>.Fail(GatewayStatus.AccessLogUnavailable, AccessLogReadUnavailableMessage, requestSeq);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await TryRecordFailureAsync(entry, requestEventId, started, ct);
            throw;
        }
        if (!await LogOutcomeAsync(entry, requestEventId, requestSeq, answer.RecordIds, started, ct))
            return GatewayResult<TResult>.Fail(GatewayStatus.AccessLogUnavailable, AccessLogUnavailableMessage, requestSeq);
        return GatewayResult<TResult>.Ok(answer.Value, requestSeq);
    }

    /// <summary>Step 1: a kind the roles may not run, or an unmask by a non-investigator, is logged as refused and answered 403.</summary>
    private async Task<GatewayResult<TResult>?> RefuseAsync<TResult>(QueryKind kind, ClaimsPrincipal user, AccessLogEntry entry, QueryPurpose? purpose,
        long started, CancellationToken ct)
    {
        var refusal = !kind.Allows(user.Roles()) ? $"role(s) [{string.Join(", ", user.Roles())}] may not run {kind.Name}"
            : purpose is { Unmask: true } && !RedactionPolicy.MayUnmask(user) ? "only investigators may unmask personal data"
            : null;
        if (refusal is not null)
        {
            logger.LogWarning("Gateway: refused {Kind} for {User}: {Reason}", kind.Name, entry.SubjectId, refusal);
            try
            {
                var refused = await Writer.AppendAsync(entry, ct);
                await Writer.AppendCompletionAsync(Completion(entry, refused.EventId, AccessLogOutcome.Refused, null, null, started), ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogError(ex, "Access log: could not record the refusal of {Kind} for {User}", kind.Name, entry.SubjectId);
            }
            return GatewayResult<TResult>.Fail(GatewayStatus.Forbidden, "Your role does not allow this query.");
        }
        if (kind.RequiresPurpose && purpose is null)
            return GatewayResult<TResult>.Fail(GatewayStatus.BadRequest, "This query needs a stated purpose.");
        return null;
    }

    /// <summary>Step 2: the request entry; null when it could not be confirmed (the caller answers 503 and runs nothing).</summary>
    private async Task<(Guid EventId, long Seq)?> LogRequestAsync(AccessLogEntry entry, CancellationToken ct)
    {
        try
        {
            var appended = await Writer.AppendAsync(entry, ct);
            return (appended.EventId, appended.Seq);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(ex, "Access log: could not record {Kind} for {User}; refusing to answer", entry.Kind, entry.SubjectId);
            return null;
        }
    }

    /// <summary>Step 4: the completed outcome with the row count and digest; false when it could not be confirmed (the answer is withheld).</summary>
    private async Task<bool> LogOutcomeAsync(AccessLogEntry entry, Guid requestEventId, long requestSeq, IReadOnlyList<string> recordIds, long started,
        CancellationToken ct)
    {
        try
        {
            await Writer.AppendCompletionAsync(Completion(entry, requestEventId, AccessLogOutcome.Completed,
                recordIds.Count, RecordDigest.Compute(recordIds), started), ct);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(ex, "Access log: could not record the outcome of entry {Seq}; withholding the answer", requestSeq);
            return false;
        }
    }

    private AccessLogWriter Writer => databases.AccessLogWriter
        ?? throw new AccessLogUnavailableException("ConnectionStrings:AccessLog is not set");

    private AccessLogCompletion Completion(AccessLogEntry entry, Guid requestEventId, AccessLogOutcome outcome, long? rows, string? digest, long started) =>
        AccessLogCompletion.For(entry, requestEventId, outcome, rows, digest, time.GetElapsedTime(started), time.GetUtcNow().UtcDateTime);

    /// <summary>
    /// The access-log entry: a fresh request id (the entry's idempotency key), the OIDC subject and display
    /// name, roles, kind, canonical parameters (with <c>"unmask": true</c> when personal data is to be
    /// opened), the stated purpose, client address and time.
    /// </summary>
    private AccessLogEntry Describe(QueryKind kind, ClaimsPrincipal user, object canonicalParameters, QueryPurpose? purpose)
    {
        var parameters = canonicalParameters as JsonObject
            ?? JsonSerializer.SerializeToNode(canonicalParameters) as JsonObject
            ?? throw new ArgumentException("query parameters must serialize to a JSON object", nameof(canonicalParameters));
        if (purpose is { Unmask: true })
            parameters["unmask"] = true;
        var subject = user.FindFirst("sub")?.Value ?? user.UserName() ?? "unknown";
        return new AccessLogEntry
        {
            RequestId = Guid.CreateVersion7(time.GetUtcNow()).ToString("D"),
            SubjectId = subject,
            DisplayName = user.FindFirst(PortalPrincipal.NameClaim)?.Value ?? user.UserName() ?? subject,
            Roles = user.Roles(),
            Kind = kind.Name,
            Parameters = parameters,
            Purpose = purpose?.Text,
            ClientAddress = client.Address,
            RequestedAt = time.GetUtcNow().UtcDateTime,
        };
    }

    private async Task TryRecordFailureAsync(AccessLogEntry entry, Guid requestEventId, long started, CancellationToken ct)
    {
        try
        {
            await Writer.AppendCompletionAsync(Completion(entry, requestEventId, AccessLogOutcome.Failed, null, null, started), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Access log: could not record the failure of request {RequestId}", entry.RequestId);
        }
    }

    /// <summary>
    /// Erased subjects always (everyone sees <c>[erased]</c>); subject keys only when unmasking, so a
    /// masked query never even reads a key.
    /// </summary>
    private static async Task<RedactionContext> LoadRedactionContextAsync(ReplicaSession session, IRedactable value, bool unmask, CancellationToken ct)
    {
        var subjects = RedactionPolicy.SubjectsIn(value.Payloads).ToArray();
        var erased = new HashSet<string>(StringComparer.Ordinal);
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (subjects.Length == 0)
            return new RedactionContext(unmask ? RedactionMode.Unmasked : RedactionMode.Masked, keys, erased);

        await using (var cmd = session.CreateCommand("SELECT subject_id FROM keystore.erasures WHERE subject_id = ANY($1)"))
        {
            cmd.Parameters.Add(new() { Value = subjects, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                erased.Add(reader.GetString(0));
        }
        if (unmask)
        {
            await using var cmd = session.CreateCommand("SELECT subject_id, key FROM keystore.subject_keys WHERE subject_id = ANY($1)");
            cmd.Parameters.Add(new() { Value = subjects, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                keys[reader.GetString(0)] = reader.GetFieldValue<byte[]>(1);
        }
        return new RedactionContext(unmask ? RedactionMode.Unmasked : RedactionMode.Masked, keys, erased);
    }

    /// <summary>The replica cannot answer (down, starting, unreachable, not configured), as opposed to a bug in a query.</summary>
    private static bool IsUnavailable(Exception ex) => ex switch
    {
        ReplicaNotConfiguredException or ReplicaUnavailableException or TimeoutException => true,
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
            || pg.SqlState.StartsWith("57", StringComparison.Ordinal)                   // operator intervention (shutdown, starting up)
            || pg.SqlState.StartsWith("53", StringComparison.Ordinal)                   // insufficient resources
            || pg.SqlState == "40001",                                                  // conflict with recovery on a standby
        NpgsqlException => true,                                                        // I/O, socket, timeout
        _ => false,
    };

    /// <summary>What a query of the access log gets: the reader, and the seq of its own request entry (already committed).</summary>
    public sealed record AccessLogQueryContext(AccessLogReader Reader, long RequestSeq);

    private sealed class ReplicaNotConfiguredException() : InvalidOperationException("ConnectionStrings:Replica is not set");

    /// <summary>The snapshot could not be opened before the request was logged; rethrown after logging it, as a failure.</summary>
    private sealed class ReplicaUnavailableException(Exception inner) : InvalidOperationException("the ledger replica is unavailable", inner);
}
