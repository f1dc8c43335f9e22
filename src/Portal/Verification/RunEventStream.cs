using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using AuditPortal.Data.Requests;

namespace AuditPortal.Portal.Verification;

/// <summary>
/// <c>GET /verification/runs/{id}/events</c>: a run as <c>text/event-stream</c> for clients outside the
/// browser (the portal-verify benchmark, scripts; the run page follows runs through its circuit instead).
/// First every finding after <c>Last-Event-ID</c> (or <c>?after=</c>), then <c>progress</c>, <c>finding</c>
/// and <c>done</c> as they happen (<see cref="RunFeed"/>), written by the framework's
/// <see cref="TypedResults.ServerSentEvents{T}(IAsyncEnumerable{SseItem{T}}, string?)"/>.
/// </summary>
public static class RunEventStream
{
    /// <summary>How long a client that lost the stream waits before reconnecting (it resumes with Last-Event-ID).</summary>
    public static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);

    public static IEndpointRouteBuilder MapRunEventStream(this IEndpointRouteBuilder app)
    {
        app.MapGet(PortalUrls.VerificationRunEventsPattern, EventsAsync).RequireAuthorization(Auth.PortalPolicies.VerificationViewer);
        return app;
    }

    private static async Task<IResult> EventsAsync(Guid id, HttpContext context, RunFeed feed)
    {
        if (!feed.Available)
            return TypedResults.Problem(title: "Verification unavailable", detail: "The run registry is not configured.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        if (await feed.LoadAsync(id, context.RequestAborted) is null)
            return TypedResults.NotFound();
        // Cache-Control: no-store, as on every response (SecurityHeadersMiddleware sets it when the response starts).
        return TypedResults.ServerSentEvents(Items(feed.FollowAsync(id, LastEventId(context.Request), context.RequestAborted)));
    }

    internal static int LastEventId(HttpRequest request)
    {
        var text = request.Headers["Last-Event-ID"].ToString();
        if (string.IsNullOrEmpty(text))
            text = request.Query["after"].ToString();
        // A resume point, not a query parameter: anything that is not a finding ordinal replays from the start.
        return RequestInteger.Check("after", text, 0, int.MaxValue, out int n) is null ? n : 0;
    }

    private static async IAsyncEnumerable<SseItem<object>> Items(IAsyncEnumerable<RunEvent> events, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var e in events.WithCancellation(ct))
        {
            yield return e switch
            {
                RunFinding f => new SseItem<object>(FindingView.From(f), "finding")
                {
                    EventId = f.Ordinal.ToString(CultureInfo.InvariantCulture),
                    ReconnectionInterval = Retry,
                },
                RunDone d => new SseItem<object>(DoneView.From(d), "done"),
                _ => new SseItem<object>(e, "progress"),
            };
        }
    }
}
