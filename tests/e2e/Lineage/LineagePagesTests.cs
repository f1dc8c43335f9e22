using System.Globalization;
using System.Net;
using AngleSharp.Html.Dom;
using AuditPortal.Portal;
using AuditPortal.Portal.Redaction;
using AuditPortal.Tests.E2e.Gateway;
using Npgsql;

namespace AuditPortal.Tests.E2e.Lineage;

/// <summary>
/// The lineage pages over the real primary + standby of the seeded demo ledger: what they show, strict parameters
/// (400, nothing logged), unknown events (404), admins refused (403), redaction of the replay's payloads, and one
/// access-log request + outcome per view.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class LineagePagesTests(LedgerDatabasesFixture databases) : IDisposable
{
    private readonly GatewayPortalFactory _factory = new(databases);

    private static string NewUser(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private Task<long> EntriesAsync(string user, string action, string kind) =>
        databases.CountAsync("""
            SELECT count(*) FROM ledger.events r
            WHERE r.stream_type = 'user' AND r.stream_id = $1 AND r.action = $2
              AND (r.action <> 'query.requested' OR r.payload::jsonb ->> 'kind' = $3)
            """, user, action, kind);

    /// <summary>A derived event (a tax form when the ledger has one): id, seq, stream, lineage inputs.</summary>
    private async Task<(Guid Id, long Seq, Guid[] Inputs)> DerivedAsync()
    {
        await using var connection = new NpgsqlConnection(databases.Replica(databases.LedgerDb));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT event_id, seq, lineage_inputs FROM ledger.events WHERE rule_id IS NOT NULL ORDER BY (stream_type = 'tax_form') DESC, seq LIMIT 1", connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue("the demo ledger has derived events");
        return (reader.GetGuid(0), reader.GetInt64(1), reader.GetFieldValue<Guid[]>(2));
    }

    private static async Task<IHtmlDocument> GetPageAsync(HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(url);
        var doc = await AuditPortal.Tests.E2e.Portal.Browser.ParseAsync(response);
        response.StatusCode.ShouldBe(expected, $"{url}: {doc.QuerySelector("main")?.TextContent ?? doc.Body?.TextContent}");
        return doc;
    }

    [Fact]
    public async Task Lineage_ShowsRuleAndInputsLinkedToTimelines_OneQueryPerView()
    {
        var (id, _, inputs) = await DerivedAsync();
        var user = NewUser("lineage");
        using var client = _factory.ClientFor("auditor", user);

        var doc = await GetPageAsync(client, PortalUrls.Lineage(id));

        doc.QuerySelector("[data-testid=rule]")!.TextContent.ShouldContain(" v");
        var rows = doc.QuerySelectorAll("[data-testid=lineage-row]");
        rows.Select(r => r.GetAttribute("data-event")).ShouldBe(inputs.Select(i => i.ToString("D")));
        doc.QuerySelectorAll("[data-testid=input-timeline-link]").Select(a => a.GetAttribute("href")!).ShouldAllBe(h => h.StartsWith("/timeline/", StringComparison.Ordinal));
        doc.QuerySelector("[data-testid=lineage-graph]").ShouldNotBeNull();
        (await EntriesAsync(user, "query.requested", "lineage.read")).ShouldBe(1);
        (await EntriesAsync(user, "query.completed", "lineage.read")).ShouldBe(1);

        // Forward impact of its first input lists it; the replay reproduces it byte for byte, personal data masked.
        var impact = await GetPageAsync(client, PortalUrls.LineageImpact(inputs[0]));
        impact.QuerySelectorAll("[data-testid=impact-row]").Select(r => r.GetAttribute("data-seq")).ShouldContain((await DerivedAsync()).Seq.ToString(CultureInfo.InvariantCulture));
        var replay = await GetPageAsync(client, PortalUrls.LineageReplay(id));
        replay.QuerySelector("[data-testid=replay-outcome]")!.GetAttribute("data-outcome").ShouldBe("Reproduced");
        var html = replay.DocumentElement.OuterHtml;
        html.ShouldNotContain("A256GCM");
        if (html.Contains("recipient_name", StringComparison.Ordinal))
            html.ShouldContain(RedactionPolicy.MaskedText);
        (await EntriesAsync(user, "query.requested", "lineage.replay")).ShouldBe(1);

        await GetPageAsync(client, PortalUrls.StaleOutputs());
        (await EntriesAsync(user, "query.requested", "lineage.stale")).ShouldBe(1);
    }

    [Theory]
    [InlineData("?expand=not-a-uuid")]
    [InlineData("?expand=0190A000-0000-7000-8000-000000000001")]
    [InlineData("?expand=%E2%80%AE")]
    [InlineData("?expand=a&expand=b")]
    public async Task Lineage_BadParameter_400_NothingLogged(string query)
    {
        var (id, _, _) = await DerivedAsync();
        var user = NewUser("bad");
        using var client = _factory.ClientFor("auditor", user);

        var doc = await GetPageAsync(client, PortalUrls.Lineage(id) + query, HttpStatusCode.BadRequest);

        doc.QuerySelectorAll("[data-testid=problem]").ShouldNotBeEmpty();
        (await EntriesAsync(user, "query.requested", "lineage.read")).ShouldBe(0);
    }

    [Theory]
    [InlineData("/lineage/stale?pages=x-y-z")]
    [InlineData("/lineage/stale?pages=99999999999999999999-1-1")]
    [InlineData("/lineage/{0}/impact?pages=5.3")]
    [InlineData("/lineage/{0}/impact?pages=abc")]
    [InlineData("/lineage/{0}/replay?unmask=because%20I%20want%20to%20see")]
    public async Task BadTrailOrUnmaskInTheUrl_400(string template)
    {
        var (id, _, _) = await DerivedAsync();
        using var client = _factory.ClientFor("auditor", NewUser("trail"));
        await GetPageAsync(client, string.Format(CultureInfo.InvariantCulture, template, id), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task UnknownEvent_404_AndAdmin_403()
    {
        var unknown = Guid.CreateVersion7();
        using var auditor = _factory.ClientFor("auditor", NewUser("unknown"));
        await GetPageAsync(auditor, PortalUrls.Lineage(unknown), HttpStatusCode.NotFound);
        await GetPageAsync(auditor, PortalUrls.LineageImpact(unknown), HttpStatusCode.NotFound);
        await GetPageAsync(auditor, PortalUrls.LineageReplay(unknown), HttpStatusCode.NotFound);

        var (id, _, _) = await DerivedAsync();
        using var admin = _factory.ClientFor("admin", NewUser("admin"));
        using var response = await admin.GetAsync(PortalUrls.Lineage(id));
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    public void Dispose() => _factory.Dispose();
}
