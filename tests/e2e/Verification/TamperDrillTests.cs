using System.Text.Json;
using AuditPortal.Tests.E2e.Gateway;
using Npgsql;

using AuditPortal.Portal;

namespace AuditPortal.Tests.E2e.Verification;

/// <summary>
/// The tamper drill over HTTP: each tamper is made on the primary as a superuser with triggers
/// disabled, replicated to the standby, and a run started in the portal reports it at the exact
/// sequence number in its event stream, in the registry and on the checkpoints page.
/// </summary>
/// <remarks>
/// Each test has a ledger of its own (xUnit makes a new instance per test; <see cref="InitializeAsync"/>
/// seeds it): a tamper of one test never reaches another, whatever order they run in.
/// </remarks>
public sealed class TamperDrillTests : IAsyncLifetime
{
    private readonly TamperableLedger ledger = new();
    private GatewayPortalFactory portal = null!;

    public async Task InitializeAsync()
    {
        await ledger.InitializeAsync();
        portal = new GatewayPortalFactory(ledger.Databases, new Dictionary<string, string?> { ["Portal:Verification:Continuous"] = "false" });
    }

    private async Task<List<(string Kind, long? Seq, string Id)>> RunAsync(params (string, string)[] scope)
    {
        var client = portal.ClientFor("auditor", "drill");
        var run = VerificationHttp.RunIdOf(await VerificationHttp.StartAsync(client, scope));
        var events = await VerificationHttp.ReadEventsAsync(client, run);
        events[^1].Event.ShouldBe("done");
        return events.Where(e => e.Event == "finding").Select(e =>
        {
            var f = JsonDocument.Parse(e.Data).RootElement;
            return (f.GetProperty("kind").GetString()!, f.GetProperty("seq").ValueKind == JsonValueKind.Null ? (long?)null : f.GetProperty("seq").GetInt64(), e.Id!);
        }).ToList();
    }

    [Fact]
    public async Task Drill_PayloadThenGapThenReforgedHead_EachFoundAtItsSeq()
    {
        (await RunAsync(("scope", "whole"))).ShouldBeEmpty("the seeded ledger is clean");

        await ledger.ChangePayloadAsync(123);
        var afterPayload = await RunAsync(("scope", "whole"));
        afterPayload.ShouldContain(f => f.Kind == "HashMismatch" && f.Seq == 123, string.Join("\n", afterPayload));
        var range = await RunAsync(("scope", "range"), ("from", "100"), ("to", "150"));
        range.ShouldBe([("HashMismatch", 123L, "1")]);

        await ledger.DeleteRowAsync(321);
        var afterGap = await RunAsync(("scope", "whole"));
        afterGap.ShouldContain(f => f.Kind == "GlobalSequenceGap" && f.Seq == 322, string.Join("\n", afterGap));

        await ledger.TruncateAndReforgeAsync(keep: 550, reforged: 50);
        var afterReforge = await RunAsync(("scope", "whole"));
        afterReforge.ShouldContain(f => f.Kind == "WitnessMismatch" && f.Seq == 600, string.Join("\n", afterReforge));
        afterReforge.ShouldContain(f => f.Kind == "WitnessNotInLedger" && f.Seq == 600, string.Join("\n", afterReforge));

        var checkpoints = await portal.ClientFor("auditor", "drill").GetStringAsync(PortalUrls.Checkpoints);
        checkpoints.ShouldContain("the witness has it, the ledger&#x27;s checkpoint table does not");
    }

    [Fact]
    public async Task Drill_SeededLedger_IsClean()
    {
        (await RunAsync(("scope", "whole"))).ShouldBeEmpty("a ledger of this test's own, untampered");
    }

    [Fact]
    public async Task Events_LastEventId_ReplaysOnlyLaterFindings()
    {
        await ledger.ChangePayloadAsync(10);
        await ledger.ChangePayloadAsync(20);
        var client = portal.ClientFor("auditor", "replay");
        var run = VerificationHttp.RunIdOf(await VerificationHttp.StartAsync(client, ("scope", "range"), ("from", "1"), ("to", "30")));
        var all = await VerificationHttp.ReadEventsAsync(client, run);
        var findings = all.Where(e => e.Event == "finding").ToList();
        findings.Count.ShouldBeGreaterThanOrEqualTo(2, string.Join("\n", findings));
        findings.Select(f => f.Id).ShouldBe(Enumerable.Range(1, findings.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var resumed = await VerificationHttp.ReadEventsAsync(client, run, lastEventId: "1");

        resumed.Where(e => e.Event == "finding").ShouldBe(findings.Skip(1));
        resumed[^1].Event.ShouldBe("done");
    }

    public async Task DisposeAsync()
    {
        await portal.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await ledger.DisposeAsync();
    }
}
