using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Data.AccessLog;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Redaction;
using Npgsql;
using NpgsqlTypes;

namespace AuditPortal.Portal.Gateway;

/// <summary>
/// The only path to ledger data (DESIGN §4). <see cref="RunAsync{TResult}"/>, in order:
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

        // 1. authorize
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

        // 2. log the request, fail closed
        Guid requestEventId;
        long requestSeq;
        try
        {
            var appended = await Writer.AppendAsync(entry, ct);
            (requestEventId, requestSeq) = (appended.EventId, appended.Seq);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(ex, "Access log: could not record {Kind} for {User}; refusing to answer", kind.Name, entry.SubjectId);
            return GatewayResult<TResult>.Fail(GatewayStatus.AccessLogUnavailable, AccessLogUnavailableMessage);
        }

        // 3. query the replica, then gather what redaction needs in the same snapshot
        QueryAnswer<TResult> answer;
        RedactionContext redaction;
        try
        {
            var replica = databases.Replica ?? throw new ReplicaNotConfiguredException();
            await using var session = await replica.BeginReadOnlyAsync(ct);
            var replicaSession = new ReplicaSession(session, replica.DataSource);
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

        // 4. record the outcome; an answer whose outcome is not logged is not given either
        try
        {
            await Writer.AppendCompletionAsync(Completion(entry, requestEventId, AccessLogOutcome.Completed,
                answer.RecordIds.Count, RecordDigest.Compute(answer.RecordIds), started), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(ex, "Access log: could not record the outcome of entry {Seq}; withholding the answer", requestSeq);
            return GatewayResult<TResult>.Fail(GatewayStatus.AccessLogUnavailable, AccessLogUnavailableMessage, requestSeq);
        }

        // 5. redact
        foreach (var payload in answer.Value.Payloads)
            RedactionPolicy.Apply(payload, redaction);
        return GatewayResult<TResult>.Ok(answer.Value, requestSeq);
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
        ReplicaNotConfiguredException or TimeoutException => true,
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
            || pg.SqlState.StartsWith("57", StringComparison.Ordinal)                   // operator intervention (shutdown, starting up)
            || pg.SqlState.StartsWith("53", StringComparison.Ordinal)                   // insufficient resources
            || pg.SqlState == "40001",                                                  // conflict with recovery on a standby
        NpgsqlException => true,                                                        // I/O, socket, timeout
        _ => false,
    };

    private sealed class ReplicaNotConfiguredException() : InvalidOperationException("ConnectionStrings:Replica is not set");
}
