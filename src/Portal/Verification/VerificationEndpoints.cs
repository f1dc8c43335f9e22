using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using AuditPortal.Data.Requests;
using AuditPortal.Data.VerificationRuns;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
using AuditPortal.Verification.Ledger;
using Microsoft.AspNetCore.Mvc;

namespace AuditPortal.Portal.Verification;

/// <summary>
/// The verification run endpoints: start (form post), cancel (form post), and the live event
/// stream (Server-Sent Events) of a run.
/// </summary>
public static class VerificationEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapVerificationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(PortalUrls.VerificationRuns, StartAsync).RequireAuthorization(PortalPolicies.VerificationViewer);
        app.MapPost(PortalUrls.VerificationRunCancelPattern, Cancel).RequireAuthorization(PortalPolicies.VerificationViewer);
        app.MapGet(PortalUrls.VerificationRunEventsPattern, EventsAsync).RequireAuthorization(PortalPolicies.VerificationViewer);
        app.MapProofDownloads();
        return app;
    }

    /// <summary>Form: <c>scope</c> = whole | range | stream, <c>from</c>, <c>to</c>, <c>stream</c> (type/id).</summary>
    /// <remarks>Parsed by <see cref="RunScope.Parse"/>: a bad number or stream name is a 400 before anything is logged.</remarks>
    private static async Task<IResult> StartAsync(HttpContext context, [FromForm] string? scope, [FromForm] string? from, [FromForm] string? to,
        [FromForm] string? stream, VerificationStartQuery query, CancellationToken ct)
    {
        if (RunScope.Parse(scope, from, to, stream, out var problem) is not { } runScope)
            return Results.Problem(title: "Invalid scope", detail: problem, statusCode: StatusCodes.Status400BadRequest);
        var (gateway, start) = await query.StartAsync(runScope, context.User, ct);
        if (!gateway.IsOk)
            return Results.Problem(title: gateway.Title, detail: gateway.Message, statusCode: gateway.StatusCode);
        return start!.Outcome switch
        {
            StartOutcome.Started or StartOutcome.AlreadyRunning => Results.Redirect(PortalUrls.VerificationRun(start.RunId!.Value)),
            _ => Results.Problem(title: "Verification unavailable",
                detail: "The run registry or the ledger replica is not configured.", statusCode: StatusCodes.Status503ServiceUnavailable),
        };
    }

    private static IResult Cancel(Guid id, ClaimsPrincipal user, VerificationCoordinator coordinator) =>
        coordinator.Cancel(id, user) switch
        {
            CancelOutcome.Cancelling or CancelOutcome.AlreadyFinished => Results.Redirect(PortalUrls.VerificationRun(id)),
            CancelOutcome.Forbidden => Results.Problem(title: "No access", detail: "Only the starter of a run or an admin may cancel it.",
                statusCode: StatusCodes.Status403Forbidden),
            _ => Results.NotFound(),
        };

    /// <summary>
    /// <c>text/event-stream</c> of a run: first every finding after <c>Last-Event-ID</c> (or <c>?after=</c>,
    /// for a reloaded page that already shows some), then live <c>progress</c>, <c>finding</c> and
    /// <c>done</c>. A run of another process (or of a process that died) is followed in the registry.
    /// </summary>
    private static async Task EventsAsync(Guid id, HttpContext context, VerificationCoordinator coordinator, IVerificationBackend backend,
        TimeProvider time)
    {
        var ct = context.RequestAborted;
        var after = LastEventId(context.Request);
        var live = coordinator.Find(id);
        VerificationRun? stored = null;
        if (live is null)
        {
            if (backend.Store is null)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
            stored = await backend.Store.GetAsync(id, ct);
            if (stored is null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        await context.Response.WriteAsync("retry: 2000\n\n", ct);
        await context.Response.Body.FlushAsync(ct);
        try
        {
            if (live is not null)
                await StreamLiveAsync(context.Response, live, after, ct);
            else
                await FollowRegistryAsync(context.Response, backend.Store!, stored!, after, time, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // the viewer left
        }
    }

    private static int LastEventId(HttpRequest request)
    {
        var text = request.Headers["Last-Event-ID"].ToString();
        if (string.IsNullOrEmpty(text))
            text = request.Query["after"].ToString();
        // A resume point, not a query parameter: anything that is not a finding ordinal replays from the start.
        return RequestInteger.Check("after", text, 0, int.MaxValue, out int n) is null ? n : 0;
    }

    private static async Task StreamLiveAsync(HttpResponse response, LiveRun run, int after, CancellationToken ct)
    {
        var (findings, progress, done, events) = run.Attach();
        try
        {
            var sent = after;
            foreach (var f in findings.Where(f => f.Ordinal > after))
            {
                await WriteAsync(response, f, ct);
                sent = f.Ordinal;
            }
            if (progress is not null)
                await WriteAsync(response, progress, ct);
            if (done is not null)
            {
                await WriteAsync(response, done, ct);
                return;
            }
            await foreach (var e in events.ReadAllAsync(ct))
            {
                if (e is RunFinding f)
                {
                    if (f.Ordinal <= sent)
                        continue;
                    sent = f.Ordinal;
                }
                await WriteAsync(response, e, ct);
            }
        }
        finally
        {
            run.Detach(events);
        }
    }

    private static async Task FollowRegistryAsync(HttpResponse response, VerificationRunStore store, VerificationRun run, int after,
        TimeProvider time, CancellationToken ct)
    {
        var sent = after;
        while (true)
        {
            foreach (var f in await store.FindingsAsync(run.Id, sent, ct: ct))
            {
                await WriteAsync(response, new RunFinding(f.Ordinal, f.Finding, f.FoundAt), ct);
                sent = f.Ordinal;
            }
            if (run.IsFinished)
            {
                await WriteAsync(response, new RunDone(run.Status, run.Outcome), ct);
                return;
            }
            if (run.LastHeartbeat is { } beat)
                await WriteAsync(response, new RunProgress(beat.Rows, beat.RowsPerSecond, beat.CurrentSeq, beat.Findings, null, null), ct);
            await Task.Delay(TimeSpan.FromSeconds(1), time, ct);
            run = await store.GetAsync(run.Id, ct) ?? run;
        }
    }

    private static async Task WriteAsync(HttpResponse response, RunEvent e, CancellationToken ct)
    {
        var text = new StringBuilder();
        switch (e)
        {
            case RunFinding f:
                text.Append("event: finding\nid: ").Append(f.Ordinal.ToString(CultureInfo.InvariantCulture)).Append('\n');
                text.Append("data: ").Append(JsonSerializer.Serialize(FindingView.From(f), Json)).Append("\n\n");
                break;
            case RunProgress p:
                text.Append("event: progress\ndata: ").Append(JsonSerializer.Serialize(p, Json)).Append("\n\n");
                break;
            case RunDone d:
                text.Append("event: done\ndata: ").Append(JsonSerializer.Serialize(DoneView.From(d), Json)).Append("\n\n");
                break;
        }
        await response.WriteAsync(text.ToString(), ct);
        await response.Body.FlushAsync(ct);
    }
}

/// <summary>A finding as the page and the event stream show it.</summary>
public sealed record FindingView(int Ordinal, string Kind, long? Seq, string? Stream, long? StreamSeq, string Expected, string Actual,
    string Message, DateTimeOffset FoundAt, string? TimelineUrl)
{
    public static FindingView From(RunFinding f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var x = f.Finding;
        return new FindingView(f.Ordinal, x.Kind.ToString(), x.Seq, x.Stream is { } s ? LedgerName.ForDisplay($"{s.Type}/{s.Id}") : null, x.StreamSeq,
            x.Expected, x.Actual, x.Message, f.FoundAt,
            x.Stream is { } st ? PortalUrls.TimelineEvent(st.Type, st.Id, x.StreamSeq) : null);
    }
}

/// <summary>The <c>done</c> event's data.</summary>
public sealed record DoneView(string Status, long? Rows, double? RowsPerSecond, long? HeadSeq, string? Root, long? TotalFindings, string? Actor,
    string? Error)
{
    public static DoneView From(RunDone d)
    {
        ArgumentNullException.ThrowIfNull(d);
        var o = d.Outcome;
        return new DoneView(d.Status.ToString().ToLowerInvariant(), o?.Rows, o?.RowsPerSecond, o?.HeadSeq, o?.Root, o?.TotalFindings, o?.Actor,
            o?.Error);
    }
}
