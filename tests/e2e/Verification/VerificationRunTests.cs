using System.Net;
using System.Text.Json;
using AuditPortal.Data.VerificationRuns;
using AuditPortal.Portal.Verification;
using AuditPortal.Tests.E2e.Gateway;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

using AuditPortal.Portal;

namespace AuditPortal.Tests.E2e.Verification;

/// <summary>
/// Live verification through the real portal over a real primary + standby: who may start, watch and
/// cancel; the event stream (replay with Last-Event-ID, done); cancellation; a portal restart mid-run.
/// </summary>
public sealed class VerificationRunTests(TamperableLedger ledger) : IClassFixture<TamperableLedger>, IDisposable
{
    /// <summary>Paced runs: 600 rows at 100 rows/s take about 6 s, long enough to watch, cancel or interrupt.</summary>
    private static readonly Dictionary<string, string?> Slow = new()
    {
        ["Portal:Verification:Continuous"] = "false",
        ["Portal:Verification:MaxRowsPerSecond"] = "100",
        ["Portal:Verification:HeartbeatInterval"] = "00:00:00.500",
        ["Portal:Verification:StaleAfter"] = "00:00:03",
    };

    private readonly List<GatewayPortalFactory> factories = [];

    /// <summary>A run that cannot finish while a loaded host is still waiting for its first progress (600 rows at 10 rows/s: a minute).</summary>
    private static readonly Dictionary<string, string?> Slowest = new(Slow) { ["Portal:Verification:MaxRowsPerSecond"] = "10" };

    private GatewayPortalFactory Portal(bool slow = false, bool slowest = false)
    {
        var overrides = slowest ? Slowest : slow ? Slow : new Dictionary<string, string?> { ["Portal:Verification:Continuous"] = "false" };
        var factory = new GatewayPortalFactory(ledger.Databases, overrides);
        factories.Add(factory);
        return factory;
    }

    [Theory]
    [InlineData("auditor", HttpStatusCode.Redirect)]
    [InlineData("investigator", HttpStatusCode.Redirect)]
    [InlineData("admin", HttpStatusCode.Forbidden)]
    public async Task Start_Role_GetsExpectedStatus(string caller, HttpStatusCode expected)
    {
        var client = Portal().ClientFor(caller, caller + "-start");

        var response = await VerificationHttp.StartAsync(client, ("scope", "range"), ("from", "1"), ("to", "10"));

        response.StatusCode.ShouldBe(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Start_WithoutAntiforgeryToken_IsRejected()
    {
        var client = Portal().ClientFor("auditor");

        var response = await client.PostAsync(PortalUrls.VerificationRuns, new FormUrlEncodedContent([new("scope", "whole")]));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("anonymous", HttpStatusCode.Redirect)]
    [InlineData("norole", HttpStatusCode.Forbidden)]
    [InlineData("auditor", HttpStatusCode.OK)]
    [InlineData("investigator", HttpStatusCode.OK)]
    [InlineData("admin", HttpStatusCode.OK)]
    public async Task Events_Role_GetsExpectedStatus(string caller, HttpStatusCode expected)
    {
        var portal = Portal();
        var run = VerificationHttp.RunIdOf(await VerificationHttp.StartAsync(portal.ClientFor("auditor"), ("scope", "range"), ("from", "1"), ("to", "20")));
        using var request = new HttpRequestMessage(HttpMethod.Get, PortalUrls.VerificationRunEvents(run));

        using var response = await portal.ClientFor(caller).SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        response.StatusCode.ShouldBe(expected);
        if (expected == HttpStatusCode.OK)
        {
            response.Content.Headers.ContentType?.MediaType.ShouldBe("text/event-stream");
            response.Headers.CacheControl?.NoStore.ShouldBe(true, "findings are ledger data");
        }
    }

    [Fact]
    public async Task Events_UnknownRun_NotFound()
    {
        var response = await Portal().ClientFor("auditor").GetAsync(PortalUrls.VerificationRunEvents(Guid.NewGuid()));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task WholeRun_Clean_StreamsProgressAndDoneCompletedAndIsRegisteredWithStarter()
    {
        var portal = Portal();
        var client = portal.ClientFor("auditor", "auditor-whole");
        var run = VerificationHttp.RunIdOf(await VerificationHttp.StartAsync(client, ("scope", "whole")));

        var events = await VerificationHttp.ReadEventsAsync(client, run);

        var done = JsonDocument.Parse(events[^1].Data).RootElement;
        events[^1].Event.ShouldBe("done");
        done.GetProperty("status").GetString().ShouldBe("completed");
        done.GetProperty("rows").GetInt64().ShouldBe(LedgerDatabasesFixture.EventCount);
        done.GetProperty("totalFindings").GetInt64().ShouldBe(0);
        var stored = (await portal.Services.GetRequiredService<IVerificationBackend>().Store!.GetAsync(run))!;
        stored.Status.ShouldBe(RunStatus.Completed);
        stored.StartedByName.ShouldBe("auditor-whole");
        stored.AccessLogSeq.ShouldNotBeNull();
        (await ledger.Databases.CountAsync(
            "SELECT count(*) FROM ledger.events WHERE stream_type = 'user' AND stream_id = $1 AND action = 'query.requested' AND payload::jsonb->>'kind' = 'verification.start'",
            "auditor-whole"))
            .ShouldBe(1, "each start is an access-log entry");
    }

    [Fact]
    public async Task SecondStartOfSameScope_WhileRunning_OpensTheRunningRun()
    {
        var portal = Portal(slow: true);
        var first = VerificationHttp.RunIdOf(await VerificationHttp.StartAsync(portal.ClientFor("auditor", "a1"), ("scope", "range"), ("from", "1"), ("to", "600")));

        var second = VerificationHttp.RunIdOf(await VerificationHttp.StartAsync(portal.ClientFor("investigator", "i1"), ("scope", "range"), ("from", "1"), ("to", "600")));

        second.ShouldBe(first);
        (await VerificationHttp.CancelAsync(portal.ClientFor("auditor", "a1"), first)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Cancel_ByOtherAuditorForbidden_ByAdminCancelled_StreamSaysCancelled()
    {
        var portal = Portal(slow: true);
        var starter = portal.ClientFor("auditor", "starter");
        var run = VerificationHttp.RunIdOf(await VerificationHttp.StartAsync(starter, ("scope", "whole")));
        var watching = VerificationHttp.ReadEventsAsync(portal.ClientFor("investigator", "viewer"), run);
        await HasProgressedAsync(portal, run);

        (await VerificationHttp.CancelAsync(portal.ClientFor("auditor", "someone-else"), run)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await VerificationHttp.CancelAsync(portal.ClientFor("admin", "the-admin"), run)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var events = await watching;
        events.ShouldContain(e => e.Event == "progress", "a second viewer attached to the run in progress");
        var done = JsonDocument.Parse(events[^1].Data).RootElement;
        done.GetProperty("status").GetString().ShouldBe("cancelled");
        done.GetProperty("actor").GetString().ShouldBe("the-admin");
        (await VerificationHttp.ReadEventsAsync(starter, run))[^1].Data.ShouldContain("\"status\":\"cancelled\"", Case.Sensitive,
            "a stream opened after the end replays the registry");
        var page = await starter.GetStringAsync(PortalUrls.VerificationRun(run));
        page.ShouldContain("data-status=\"cancelled\"");
    }

    [Fact]
    public async Task PortalRestart_MidRun_RunShownAsInterruptedNotClean()
    {
        // At 100 rows/s the run could end (completed) before a busy host saw its first progress: then there is no mid-run.
        var first = Portal(slowest: true);
        var run = VerificationHttp.RunIdOf(await VerificationHttp.StartAsync(first.ClientFor("auditor", "restart"), ("scope", "whole")));
        await HasProgressedAsync(first, run);

        await first.DisposeAsync();
        var second = Portal(slow: true);
        var client = second.ClientFor("auditor", "restart");

        var page = await client.GetStringAsync(PortalUrls.VerificationRun(run));
        page.ShouldContain("data-status=\"interrupted\"");
        page.ShouldContain("not verified to the end");
        (await client.GetStringAsync(PortalUrls.Verification)).ShouldContain($"data-run-id=\"{run}\" data-status=\"interrupted\"");
        var events = await VerificationHttp.ReadEventsAsync(client, run);
        events[^1].Data.ShouldContain("\"status\":\"interrupted\"");
    }

    [Fact]
    public async Task DeadProcess_SilentRun_IsInterruptedAfterStaleLimit()
    {
        var portal = Portal(slow: true);
        var store = portal.Services.GetRequiredService<IVerificationBackend>().Store!;
        // Runs registered by processes that died at once: no heartbeat, no terminal event. Their start is their
        // last sign of life, so one started just now still counts as running and one started longer ago than
        // the stale limit is interrupted (the store compares with its clock; nothing here waits for it).
        var fresh = Guid.CreateVersion7();
        var silent = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        await store.CreateAsync(new NewVerificationRun(fresh, RunScope.Whole, "ghost", "ghost", now, "dead-process", null));
        await store.CreateAsync(new NewVerificationRun(silent, RunScope.Whole, "ghost", "ghost", now - store.StaleAfter - TimeSpan.FromSeconds(1), "dead-process", null));

        (await store.GetAsync(fresh))!.Status.ShouldBe(RunStatus.Running);
        (await store.GetAsync(silent))!.Status.ShouldBe(RunStatus.Interrupted);
        (await VerificationHttp.ReadEventsAsync(portal.ClientFor("auditor"), silent))[^1].Data.ShouldContain("\"status\":\"interrupted\"");
    }

    /// <summary>Waits until <paramref name="run"/> has a heartbeat with verified rows: it is mid-run, not just registered.</summary>
    private static async Task HasProgressedAsync(GatewayPortalFactory portal, Guid run)
    {
        var store = portal.Services.GetRequiredService<IVerificationBackend>().Store!;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await store.GetAsync(run))?.LastHeartbeat is not { Rows: > 0 })
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"run {run} showed no progress within 30 s");
            await Task.Delay(50); // poll interval; the condition decides
        }
    }

    public void Dispose()
    {
        foreach (var f in factories)
            f.Dispose();
        NpgsqlConnection.ClearAllPools();
    }
}
