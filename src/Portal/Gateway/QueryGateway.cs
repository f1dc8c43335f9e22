using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.PersonalData;
using AuditPortal.Data.Reading;
using AuditPortal.Data.Replica;
using AuditPortal.Portal.Auth;
using AuditPortal.Data.Workspace;
using AuditPortal.Portal.Redaction;
using AuditPortal.Portal.Workspace;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
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
    ActiveCase activeCase,
    IDbContextFactory<WorkspaceDbContext> workspace,
    IOptions<WorkspaceOptions> workspaceOptions,
    ILogger<QueryGateway> logger)
{
    public const string ReplicaUnavailableMessage =
        "The ledger replica is not reachable right now, so no ledger data can be shown. Please try again shortly.";
    public const string AccessLogReadUnavailableMessage =
        "The access log cannot be read right now. Please try again shortly.";
    public const string AccessLogUnavailableMessage =
        "The access log cannot be written right now. Every query must be logged before it runs, so none ran. Please try again shortly.";
    public const string WorkspaceUnavailableMessage =
        "The workspace (cases and grants) cannot be reached right now, so nothing was shown or changed. Please try again shortly.";
    public const string CaseRequiredMessage =
        "Choose a case in the bar at the top first: every ledger query must be made for the purpose of a case.";

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
        // Only auditors and investigators work in cases; an admin's (stale) case cookie means nothing.
        var activeCaseId = PortalPolicies.Allows(PortalPolicies.Auditor, user.Roles()) ? activeCase.Id : null;
        var entry = Describe(kind, user, canonicalParameters, purpose, activeCaseId);

        // 1. authorize: the role, then the case (member, open) and the caller's live grants in it
        CaseAccess? access = null;
        if (activeCaseId is { } caseId && kind.Allows(user.Roles()))
        {
            try
            {
                await using var db = await workspace.CreateDbContextAsync(ct);
                access = await CaseAccess.LoadAsync(db, caseId, entry.SubjectId, time.GetUtcNow(), ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                logger.LogError(ex, "Workspace: could not load case {Case} for {User}", caseId, entry.SubjectId);
                return GatewayResult<TResult>.Fail(GatewayStatus.WorkspaceUnavailable, WorkspaceUnavailableMessage);
            }
        }
        var refusal = !kind.Allows(user.Roles()) ? RoleRefusal(kind, user)
            : activeCaseId is not null && access is null ? "the chosen case does not exist or the caller is not a member"
            : access is { IsOpen: false } ? "the chosen case is closed"
            : null;
        if (refusal is not null)
            return await RefuseAsync<TResult>(entry, refusal, started, !kind.Allows(user.Roles()) ? "Your role does not allow this query."
                : access is null ? "The case chosen at the top is not one of yours (or no longer exists). Choose another case."
                : "The case chosen at the top is closed. Choose an open case.", ct);
        if (kind.RequiresPurpose && purpose is null && access is null)
            return GatewayResult<TResult>.Fail(GatewayStatus.BadRequest, "This query needs a stated purpose.");
        if (access is null && workspaceOptions.Value.RequireCase && kind.Policy == PortalPolicies.Auditor)
            return GatewayResult<TResult>.Fail(GatewayStatus.BadRequest, CaseRequiredMessage);

        // Only investigators are ever revealed anything; the grants in force are logged with the request.
        IReadOnlyList<UnmaskGrant> grants = access is not null && RedactionPolicy.MayUnmask(user) ? access.LiveGrants : [];
        var reveal = new RevealScope(grants.Select(g => (g.DataSubject, g.FieldName)));
        if (grants.Count > 0)
            entry.Parameters["grants"] = new JsonArray([.. grants.Select(g => (JsonNode)g.Id.ToString("D"))]);
        if (access is not null && purpose is null)
            entry = entry with { Purpose = access.Case.Purpose };

        // The snapshot the query will run on is taken first, and its ledger size and latest checkpoint size go into the
        // request entry, so the query can be re-run later bounded by them ("what did they see", docs/access-log-review.md).
        // Only the head's seq and the checkpoint's size are read before the entry is written; no ledger record is.
        ReadOnlySession? session = null;
        long? ledgerSize = null, checkpointSize = null;
        Exception? unavailable = null;
        try
        {
            var replica = databases.Replica ?? throw new ReplicaNotConfiguredException();
            session = await replica.BeginReadOnlyAsync(ct);
            (ledgerSize, checkpointSize) = await LedgerHeadQuery.WithCheckpointSizeAsync(session.Connection, session.Transaction, ct);
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
            if (await LogRequestAsync(entry with { LedgerSize = ledgerSize, CheckpointSize = checkpointSize }, ct) is not { } logged)
                return GatewayResult<TResult>.Fail(GatewayStatus.AccessLogUnavailable, AccessLogUnavailableMessage);
            var (requestEventId, requestSeq) = logged;

            // 3. query the replica, then gather what redaction needs in the same snapshot
            QueryAnswer<TResult> answer;
            RedactionContext redaction;
            try
            {
                if (unavailable is not null)
                    throw new ReplicaUnavailableException(unavailable);
                var replicaSession = new ReplicaSession(session!, databases.Replica!.DataSource, ledgerSize!.Value, checkpointSize!.Value);
                answer = await query(replicaSession, ct);
                redaction = await LoadRedactionContextAsync(replicaSession, answer.Value, reveal, ct);
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
            if (!await LogOutcomeAsync(entry, requestEventId, requestSeq, answer.RecordIds, started, ct))
                return GatewayResult<TResult>.Fail(GatewayStatus.AccessLogUnavailable, AccessLogUnavailableMessage, requestSeq);

            // 5. redact
            var summary = new RedactionSummary();
            foreach (var payload in answer.Value.Payloads)
                RedactionPolicy.Apply(payload, redaction, summary);
            return GatewayResult<TResult>.Ok(answer.Value, requestSeq) with { Redaction = summary, Grants = grants, Case = access?.Case };
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
    /// there is nothing to redact, and the entry has no <c>ledger_size</c> and no case.
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
        var entry = Describe(kind, user, canonicalParameters, purpose: null, caseId: null);
        if (!kind.Allows(user.Roles()))
            return await RefuseAsync<TResult>(entry, RoleRefusal(kind, user), started, "Your role does not allow this query.", ct);
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

    /// <summary>
    /// A workspace change recorded like a query (DESIGN §8): the role is checked, the request entry appended
    /// (fail closed: 503 and <paramref name="change"/> never runs), then the change runs, then its outcome is
    /// appended. A <see cref="WorkspaceRefusal"/> thrown by the change is the caller's problem (400/403, logged as
    /// refused); a database error is a 503 (logged as failed). The change must be one transaction: it happened or not.
    /// </summary>
    /// <param name="caseId">The case the change belongs to (the entry's <c>case</c>).</param>
    /// <param name="change">Does the change, given the <c>seq</c> of its request entry; returns its value and the ids of the records it wrote (the outcome's digest).</param>
    public async Task<GatewayResult<T>> RecordAsync<T>(
        QueryKind kind, ClaimsPrincipal user, Guid? caseId, object canonicalParameters, QueryPurpose? purpose,
        Func<long, CancellationToken, Task<(T Value, IReadOnlyList<Guid> RecordIds)>> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(change);
        var started = time.GetTimestamp();
        if (user.Identity?.IsAuthenticated != true)
            return GatewayResult<T>.Fail(GatewayStatus.Forbidden, "Your session has ended. Sign in again; nothing was changed.");
        var entry = Describe(kind, user, canonicalParameters, purpose, caseId);
        if (!kind.Allows(user.Roles()))
            return await RefuseAsync<T>(entry, RoleRefusal(kind, user), started, "Your role does not allow this.", ct);

        Guid requestEventId;
        long requestSeq;
        try
        {
            var appended = await Writer.AppendAsync(entry, ct);
            (requestEventId, requestSeq) = (appended.EventId, appended.Seq);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(ex, "Access log: could not record {Kind} for {User}; nothing changed", kind.Name, entry.SubjectId);
            return GatewayResult<T>.Fail(GatewayStatus.AccessLogUnavailable, ChangeNotLoggedMessage);
        }

        (T Value, IReadOnlyList<Guid> RecordIds) done;
        try
        {
            done = await change(requestSeq, ct);
        }
        catch (WorkspaceRefusal refused)
        {
            await TryRecordOutcomeAsync(entry, requestEventId, AccessLogOutcome.Refused, started, ct);
            return GatewayResult<T>.Fail(refused.Status, refused.Message, requestSeq);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(ex, "Workspace: {Kind} for {User} failed (access-log entry {Seq})", kind.Name, entry.SubjectId, requestSeq);
            await TryRecordOutcomeAsync(entry, requestEventId, AccessLogOutcome.Failed, started, ct);
            return GatewayResult<T>.Fail(GatewayStatus.WorkspaceUnavailable, WorkspaceUnavailableMessage, requestSeq);
        }

        try
        {
            await Writer.AppendCompletionAsync(Completion(entry, requestEventId, AccessLogOutcome.Completed,
                done.RecordIds.Count, RecordDigest.Compute(done.RecordIds), started), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The change is made and its request is in the chain (over-logging, never under-logging).
            logger.LogError(ex, "Access log: could not record the outcome of entry {Seq}", requestSeq);
        }
        return GatewayResult<T>.Ok(done.Value, requestSeq);
    }

    public const string ChangeNotLoggedMessage =
        "The access log cannot be written right now. Every change must be logged first, so nothing was changed. Please try again shortly.";

    private async Task<GatewayResult<T>> RefuseAsync<T>(AccessLogEntry entry, string reason, long started, string message, CancellationToken ct)
    {
        logger.LogWarning("Gateway: refused {Kind} for {User}: {Reason}", entry.Kind, entry.SubjectId, reason);
        try
        {
            var refused = await Writer.AppendAsync(entry, ct);
            await Writer.AppendCompletionAsync(Completion(entry, refused.EventId, AccessLogOutcome.Refused, null, null, started), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(ex, "Access log: could not record the refusal of {Kind} for {User}", entry.Kind, entry.SubjectId);
        }
        return GatewayResult<T>.Fail(GatewayStatus.Forbidden, message);
    }

    /// <summary>Why a query or change is refused for the caller's roles, as the server log says it.</summary>
    private static string RoleRefusal(QueryKind kind, ClaimsPrincipal user) =>
        $"role(s) [{string.Join(", ", user.Roles())}] may not run {kind.Name}";

    private AccessLogWriter Writer => databases.AccessLogWriter
        ?? throw new AccessLogUnavailableException("ConnectionStrings:AccessLog is not set");

    private AccessLogCompletion Completion(AccessLogEntry entry, Guid requestEventId, AccessLogOutcome outcome, long? rows, string? digest, long started) =>
        AccessLogCompletion.For(entry, requestEventId, outcome, rows, digest, time.GetElapsedTime(started), time.GetUtcNow().UtcDateTime);

    /// <summary>
    /// The access-log entry: a fresh request id (the entry's idempotency key), the OIDC subject and display
    /// name, roles, kind, canonical parameters (with <c>"grants"</c>, the ids of the live grants that may
    /// reveal personal data in the answer), the stated purpose (or the case's), the case, client address and time.
    /// </summary>
    private AccessLogEntry Describe(QueryKind kind, ClaimsPrincipal user, object canonicalParameters, QueryPurpose? purpose, Guid? caseId)
    {
        var parameters = canonicalParameters as JsonObject
            ?? JsonSerializer.SerializeToNode(canonicalParameters) as JsonObject
            ?? throw new ArgumentException("query parameters must serialize to a JSON object", nameof(canonicalParameters));
        var subject = user.SubjectId();
        return new AccessLogEntry
        {
            RequestId = Guid.CreateVersion7(time.GetUtcNow()).ToString("D"),
            SubjectId = subject,
            DisplayName = user.DisplayName(),
            Roles = user.Roles(),
            Kind = kind.Name,
            Parameters = parameters,
            Purpose = purpose?.Text,
            CaseReference = caseId?.ToString("D"),
            ClientAddress = client.Address,
            RequestedAt = time.GetUtcNow().UtcDateTime,
        };
    }

    private Task TryRecordFailureAsync(AccessLogEntry entry, Guid requestEventId, long started, CancellationToken ct) =>
        TryRecordOutcomeAsync(entry, requestEventId, AccessLogOutcome.Failed, started, ct);

    private async Task TryRecordOutcomeAsync(AccessLogEntry entry, Guid requestEventId, AccessLogOutcome outcome, long started, CancellationToken ct)
    {
        try
        {
            await Writer.AppendCompletionAsync(Completion(entry, requestEventId, outcome, null, null, started), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Access log: could not record the failure of request {RequestId}", entry.RequestId);
        }
    }

    /// <summary>
    /// Erased subjects always (everyone sees "erased on &lt;date&gt;"); subject keys only of subjects a live grant
    /// covers and that are not erased, so a masked query never even reads a key.
    /// </summary>
    private static async Task<RedactionContext> LoadRedactionContextAsync(ReplicaSession session, IRedactable value, RevealScope reveal, CancellationToken ct)
    {
        var subjects = RedactionPolicy.SubjectsIn(value.Payloads).ToArray();
        if (subjects.Length == 0)
            return new RedactionContext(new Dictionary<string, byte[]>(StringComparer.Ordinal), new Dictionary<string, DateTimeOffset?>(StringComparer.Ordinal), reveal);

        var erasures = await KeyStore.ErasuresAsync(session.Connection, session.Transaction, subjects, ct);
        var erased = erasures.ToDictionary(e => e.Key, e => (DateTimeOffset?)e.Value, StringComparer.Ordinal);
        var granted = subjects.Where(s => !erased.ContainsKey(s) && reveal.Subjects.Contains(s, StringComparer.Ordinal)).ToArray();
        var keys = granted.Length > 0
            ? await KeyStore.KeysAsync(session.Connection, session.Transaction, granted, ct)
            : new Dictionary<string, byte[]>(StringComparer.Ordinal);
        return new RedactionContext(keys, erased, reveal);
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
