using AngleSharp.Dom;
using AuditPortal.Data.VerificationRuns;
using AuditPortal.Portal;
using AuditPortal.Portal.Verification;
using AuditPortal.Tests.E2e.Gateway;
using AuditPortal.Verification.Verifying;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AuditPortal.Tests.E2e.Verification;

/// <summary>
/// Regression: the dashboard counted every finding recorded after the last full pass as a new open finding,
/// so while the next scheduled full pass was running (or after an auditor re-checked a range) one tampered
/// row showed as two, three... open findings. The registry is written directly here, as passes would, to
/// hold the moment a pass is in progress still.
/// </summary>
public sealed class OpenFindingsCountedOnceTests(TamperableLedger ledger) : IClassFixture<TamperableLedger>, IDisposable
{
    private readonly GatewayPortalFactory portal = new(ledger.Databases, new Dictionary<string, string?>
    {
        ["Portal:Verification:Continuous"] = "false",
        // The registry is written directly between two dashboard loads: read it every time.
        ["Portal:Verification:StatusCacheTtl"] = "00:00:00",
    });

    private static Finding Tampered(long seq) => new(FindingKind.HashMismatch, seq, new("account", "acc-1"), 3, "aa", "bb", "hash mismatch");

    private async Task<Guid> RunAsync(VerificationRunStore store, RunScope scope, DateTimeOffset at, Finding[] findings, bool finish)
    {
        var id = Guid.CreateVersion7(at);
        await store.CreateAsync(new NewVerificationRun(id, scope, "system:test", "test", at, "test", null));
        await store.AppendFindingsAsync(id, 1, findings.Select(f => (f, at.AddMilliseconds(10))).ToList());
        if (finish)
            await store.FinishAsync(id, new RunOutcome(RunStatus.Completed, at.AddMilliseconds(20), 600, 1000, 600, new string('0', 64), null, findings.Length));
        return id;
    }

    [Fact]
    public async Task Dashboard_SameFindingRefoundByARunningPassAndARangeRun_CountsOnce_NewFindingCountsToo()
    {
        var store = portal.Services.GetRequiredService<IVerificationBackend>().Store!;
        var client = portal.ClientFor("auditor", "open-findings");
        var t = DateTimeOffset.UtcNow.AddMinutes(-10);
        await RunAsync(store, RunScope.Whole, t, [Tampered(123)], finish: true);

        await RunAsync(store, RunScope.Whole, t.AddMinutes(1), [Tampered(123)], finish: false); // the next pass, in progress
        await RunAsync(store, RunScope.ForRange(100, 150), t.AddMinutes(2), [Tampered(123)], finish: true);
        var refound = await OpenFindingsAsync(client);

        refound.ShouldBe([("HashMismatch", "123")]);
        (await CardCountAsync(client)).ShouldBe("1 open finding");

        await RunAsync(store, RunScope.ForRange(300, 350), t.AddMinutes(3), [Tampered(321)], finish: true);

        (await OpenFindingsAsync(client)).ShouldBe([("HashMismatch", "123"), ("HashMismatch", "321")]);
        (await CardCountAsync(client)).ShouldBe("2 open findings");
    }

    private static async Task<List<(string?, string?)>> OpenFindingsAsync(HttpClient client)
    {
        var page = await AuditPortal.Tests.E2e.Portal.Browser.ParseAsync(await client.GetAsync(PortalUrls.Home));
        return page.QuerySelectorAll("[data-testid=open-finding-list] td[data-kind]")
            .Select(li => (li.GetAttribute("data-kind"), li.GetAttribute("data-seq"))).ToList();
    }

    private static async Task<string?> CardCountAsync(HttpClient client)
    {
        var page = await AuditPortal.Tests.E2e.Portal.Browser.ParseAsync(await client.GetAsync(PortalUrls.Home));
        return page.QuerySelector("[data-testid=open-findings] strong")?.TextContent.Trim();
    }

    public void Dispose()
    {
        portal.Dispose();
        NpgsqlConnection.ClearAllPools();
    }
}
