using System.Net;
using System.Security.Claims;
using System.Text.Json;
using AuditPortal.Data.VerificationRuns;
using AuditPortal.Portal.AccessLogReview;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Verification;
using AuditPortal.Tests.E2e.Gateway;
using AuditPortal.Tests.E2e.Verification;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.E2e.AccessLogReview;

/// <summary>
/// The access log verified in the portal: a run started by an admin (accesslog.verify) checks the access log's chain
/// with the ledger's verifier and reports an edited entry and a deleted entry at the exact seq, in its event stream
/// and the registry, while the ledger's open findings stay the ledger's. Own databases, so the tampering stays here.
/// </summary>
public sealed class AccessLogTamperDrillTests : IAsyncLifetime
{
    private readonly TamperableLedger ledger = new();
    private GatewayPortalFactory portal = null!;

    public async Task InitializeAsync()
    {
        await ledger.InitializeAsync();
        portal = new GatewayPortalFactory(ledger.Databases, new Dictionary<string, string?> { ["Portal:Verification:Continuous"] = "false" });
    }

    public async Task DisposeAsync()
    {
        await portal.DisposeAsync();
        await ledger.DisposeAsync();
    }

    private async Task<(Guid Run, List<(string Kind, long? Seq)> Findings)> VerifyAccessLogAsync()
    {
        using var scope = portal.Services.CreateScope();
        var start = scope.ServiceProvider.GetRequiredService<AccessLogVerificationStart>();
        var admin = PortalPrincipal.Create([new Claim("sub", "admin-drill"), new Claim("name", "admin-drill")], [PortalRoles.Admin]);
        var (gateway, started) = await start.StartAsync(admin, CancellationToken.None);
        gateway.IsOk.ShouldBeTrue(gateway.Message);
        started!.Outcome.ShouldBe(StartOutcome.Started);
        var run = started.RunId!.Value;
        using var client = portal.ClientFor("admin", "admin-drill");
        var events = await VerificationHttp.ReadEventsAsync(client, run);
        events[^1].Event.ShouldBe("done");
        return (run, events.Where(e => e.Event == "finding").Select(e =>
        {
            var f = JsonDocument.Parse(e.Data).RootElement;
            return (f.GetProperty("kind").GetString()!, f.GetProperty("seq").ValueKind == JsonValueKind.Null ? (long?)null : f.GetProperty("seq").GetInt64());
        }).ToList());
    }

    private async Task TamperAccessLogAsync(string sql)
    {
        await LedgerDatabasesFixture.ExecuteAsync(ledger.Databases.Primary(ledger.Databases.PortalDb), $"""
            BEGIN; ALTER TABLE ledger.events DISABLE TRIGGER ALL; {sql}; ALTER TABLE ledger.events ENABLE TRIGGER ALL; COMMIT;
            """);
        await ledger.WaitForStandbyAsync();
    }

    [Fact]
    public async Task Drill_EditedThenDeletedEntry_FoundAtTheirSeqs_NotAmongTheLedgersFindings()
    {
        using (var client = portal.ClientFor("investigator", "inv-drill"))
        {
            for (var i = 0; i < 5; i++)
                (await client.GetAsync("/api/streams/account/acc-000001/events?limit=2")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        await ledger.WaitForStandbyAsync();
        var (_, clean) = await VerifyAccessLogAsync();
        clean.ShouldBeEmpty("the access log as the gateway wrote it");

        await TamperAccessLogAsync("UPDATE ledger.events SET payload = replace(payload, '\"limit\":2', '\"limit\":3') WHERE seq = 3");
        var (editedRun, edited) = await VerifyAccessLogAsync();
        edited.Where(f => f.Kind == "HashMismatch").Select(f => f.Seq).ShouldBe([3L], string.Join("\n", edited));

        await TamperAccessLogAsync("DELETE FROM ledger.events WHERE seq = 6");
        var (_, deleted) = await VerifyAccessLogAsync();
        deleted.ShouldContain(("GlobalSequenceGap", 7L), string.Join("\n", deleted));

        var store = portal.Services.GetRequiredService<IVerificationBackend>().Store!;
        (await store.GetAsync(editedRun))!.Scope.ShouldBe(RunScope.AccessLog);
        (await store.LatestOfKindAsync(RunScopeKind.AccessLog))!.FindingsRecorded.ShouldBeGreaterThan(0);
        (await store.OpenFindingCountAsync(null, DateTimeOffset.UnixEpoch)).ShouldBe(0, "the ledger's open findings are the ledger's");

        // The run page links the finding to the access-log entry; the dashboard names the access log's last run.
        using var admin = portal.ClientFor("admin", "admin-drill");
        var runPage = await admin.GetStringAsync(AuditPortal.Portal.PortalUrls.VerificationRun(editedRun));
        runPage.ShouldContain("href=\"/access-log/entries/3\"");
        var home = await admin.GetStringAsync("/");
        home.ShouldContain("finding(s)");
    }

    [Fact]
    public async Task ContinuousVerifier_ByDefault_VerifiesTheAccessLogOnItsOwn()
    {
        using (var client = portal.ClientFor("auditor", "aud-before"))
            (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK); // an access log with entries, before the verifier starts
        await ledger.WaitForStandbyAsync();
        using var continuous = new GatewayPortalFactory(ledger.Databases, new Dictionary<string, string?>
        {
            ["Portal:Verification:PollInterval"] = "00:00:00.200", // AccessLogPassInterval: the default (a day; the first pass at once)
        });
        using (var client = continuous.ClientFor("auditor", "aud-continuous"))
            (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK); // starts the host and logs a query
        var store = continuous.Services.GetRequiredService<IVerificationBackend>().Store!;

        var deadline = DateTime.UtcNow.AddSeconds(60);
        VerificationRun? run;
        while ((run = await store.LatestOfKindAsync(RunScopeKind.AccessLog)) is not { Status: RunStatus.Completed })
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"no completed access-log pass; latest: {run?.Status}");
            await Task.Delay(100);
        }

        run.StartedBy.ShouldBe(ContinuousVerifier.Starter.Subject);
        run.Outcome!.TotalFindings.ShouldBe(0);
        run.Outcome.Rows.ShouldBeGreaterThanOrEqualTo(2); // at least the earlier query's request and outcome
    }
}
