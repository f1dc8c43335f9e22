using System.Security.Claims;
using AuditPortal.Data.AccessLog;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Workspace;
using AuditPortal.Tests.E2e.Gateway;
using Microsoft.Extensions.DependencyInjection;

namespace AuditPortal.Tests.E2e.Workspace;

/// <summary>Annotations and saved views: members only, access-log entries first, the timeline shows and filters them, the case page lists them.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AnnotationAndSavedViewTests(LedgerDatabasesFixture databases) : IDisposable
{
    private readonly GatewayPortalFactory factory = new(databases);

    public void Dispose() => factory.Dispose();

    private async Task<(Guid EventId, long StreamSeq)> EventAsync(string account, long streamSeq)
    {
        await using var connection = new Npgsql.NpgsqlConnection(databases.Primary(databases.LedgerDb));
        await connection.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT event_id FROM ledger.events WHERE stream_type = 'account' AND stream_id = $1 AND stream_seq = $2", connection);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = account });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = streamSeq });
        return ((Guid)(await cmd.ExecuteScalarAsync())!, streamSeq);
    }

    private async Task<GatewayResult<AuditPortal.Data.Workspace.Annotation?>> AnnotateAsync(ClaimsPrincipal user, Guid caseId, AnnotationInput input)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AnnotationService>().SetAsync(user, caseId, input, CancellationToken.None);
    }

    [Fact]
    public async Task Annotate_ShownAndFilteredOnTheTimeline_ListedOnTheCasePage_EachChangeLogged()
    {
        var investigation = new Investigation(factory);
        var owner = "ann-" + Guid.NewGuid().ToString("N")[..8];
        var auditor = "annaud-" + Guid.NewGuid().ToString("N")[..8];
        var caseId = await investigation.OpenCaseAsync(owner);
        await investigation.AddMemberAsync(owner, caseId, auditor, PortalRoles.Auditor);
        var (first, firstSeq) = await EventAsync("acc-000001", 1);
        var (second, secondSeq) = await EventAsync("acc-000001", 2);

        // An auditor member annotates too; the comment's text stays out of the access log.
        (await AnnotateAsync(Investigation.Principal(owner, PortalRoles.Investigator), caseId,
            new AnnotationInput(first, "account", "acc-000001", firstSeq, true, "opening", "first look at the account"))).IsOk.ShouldBeTrue();
        (await AnnotateAsync(Investigation.Principal(auditor, PortalRoles.Auditor), caseId,
            new AnnotationInput(second, "account", "acc-000001", secondSeq, false, "follow-up", null))).IsOk.ShouldBeTrue();

        using var client = investigation.ClientIn("investigator", owner, caseId);
        var all = await (await client.GetAsync("/timeline/account/acc-000001")).Content.ReadAsStringAsync();
        var starred = await (await client.GetAsync("/timeline/account/acc-000001?mark=starred")).Content.ReadAsStringAsync();
        var labelled = await (await client.GetAsync("/timeline/account/acc-000001?label=follow-up")).Content.ReadAsStringAsync();
        var casePage = await (await client.GetAsync($"/cases/{caseId:D}")).Content.ReadAsStringAsync();

        all.ShouldContain("data-testid=\"annotation-star\"");
        all.ShouldContain("first look at the account");
        Count(all, "data-testid=\"annotation\"").ShouldBe(2);
        Count(starred, "data-testid=\"annotation\"").ShouldBe(1);
        Count(starred, "data-testid=\"event\"").ShouldBe(1);
        Count(labelled, "data-testid=\"event\"").ShouldBe(1);
        labelled.ShouldContain("follow-up");
        casePage.ShouldContain("first look at the account");
        casePage.ShouldContain("follow-up");

        (await databases.CountAsync("SELECT count(*) FROM ledger.events WHERE stream_id = ANY($1) AND action = $2 AND payload::jsonb ->> 'kind' = 'annotation.set' AND payload::jsonb ->> 'case' = $3",
            new[] { owner, auditor }, AccessLogEvents.RequestedAction, caseId.ToString("D"))).ShouldBe(2);
        (await databases.CountAsync("SELECT count(*) FROM ledger.events WHERE stream_id = $1 AND payload LIKE '%first look%'", owner)).ShouldBe(0);

        // Clearing everything removes the annotation (and is logged too).
        (await AnnotateAsync(Investigation.Principal(owner, PortalRoles.Investigator), caseId,
            new AnnotationInput(first, "account", "acc-000001", firstSeq, false, null, null))).IsOk.ShouldBeTrue();
        (await databases.CountAsync("SELECT count(*) FROM workspace.annotations WHERE case_id = $1", caseId)).ShouldBe(1);
    }

    /// <summary>
    /// The annotation filter is a query of its own (issue 14): the case's matching event ids from the workspace, those
    /// events from the replica, keyset-paged and counted, logged with the filter. A star beyond the first page shows on
    /// the filtered first page; the filtered pages follow one another.
    /// </summary>
    [Fact]
    public async Task AnnotationFilter_ReadsTheCasesEventsAcrossPages_PagedCountedAndLogged()
    {
        var investigation = new Investigation(factory);
        var owner = "annfilter-" + Guid.NewGuid().ToString("N")[..8];
        var caseId = await investigation.OpenCaseAsync(owner);
        var user = Investigation.Principal(owner, PortalRoles.Investigator);
        foreach (var (seq, starred, label) in new[] { (5L, true, (string?)null), (9L, true, "follow-up"), (2L, false, "follow-up") })
        {
            var (id, _) = await EventAsync("acc-000001", seq);
            (await AnnotateAsync(user, caseId, new AnnotationInput(id, "account", "acc-000001", seq, starred, label, null))).IsOk.ShouldBeTrue();
        }
        using var client = investigation.ClientIn("investigator", owner, caseId);
        async Task<AngleSharp.Html.Dom.IHtmlDocument> PageAsync(string url)
        {
            using var response = await client.GetAsync(url);
            response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, url);
            return new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        }
        static long[] Seqs(AngleSharp.Html.Dom.IHtmlDocument page) =>
            page.QuerySelectorAll("[data-testid=event]").Select(e => long.Parse(e.GetAttribute("data-stream-seq")!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        // Two rows a page: event 5 is on the third plain page, yet the first filtered page.
        (await PageAsync("/timeline/account/acc-000001?size=2")).QuerySelectorAll("[data-testid=event]").Length.ShouldBe(2);
        var first = await PageAsync("/timeline/account/acc-000001?mark=starred&size=1");
        Seqs(first).ShouldBe([5L]);
        first.QuerySelector("[data-testid=result-count]")!.TextContent.ShouldStartWith("2 of ");
        var next = first.QuerySelector("a[rel=next]")!.GetAttribute("href")!;
        next.ShouldContain("mark=starred");
        var second = await PageAsync(next);
        Seqs(second).ShouldBe([9L]);
        second.QuerySelector("a[rel=next]").ShouldBeNull();
        second.QuerySelector("[data-testid=page-label]")!.TextContent.ShouldContain("page 2");

        var labelled = await PageAsync("/timeline/account/acc-000001?label=follow-up");
        Seqs(labelled).ShouldBe([2L, 9L]);
        Seqs(await PageAsync("/timeline/account/acc-000001?mark=annotated&order=system&dir=desc")).ShouldBe([9L, 5L, 2L]);
        labelled.QuerySelectorAll("[data-testid=filter-label]").Select(a => a.TextContent.Trim()).ShouldBe(["follow-up"]);

        // Audited: each filtered page is a timeline.read with its filter.
        (await databases.CountAsync("""
            SELECT count(*) FROM ledger.events WHERE stream_type = 'user' AND stream_id = $1 AND action = $2
              AND payload::jsonb ->> 'kind' = 'timeline.read' AND payload::jsonb -> 'parameters' ->> 'mark' = 'starred'
              AND payload::jsonb ->> 'case' = $3
            """, owner, AccessLogEvents.RequestedAction, caseId.ToString("D"))).ShouldBe(2);

        // Without a case there are no annotations to filter by: a 400 that says so, nothing queried.
        using var noCase = investigation.ClientIn("investigator", owner, null);
        using var refused = await noCase.GetAsync("/timeline/account/acc-000001?mark=starred");
        refused.StatusCode.ShouldBe(System.Net.HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("choose one at the top");
        // Someone else's case: refused by the gateway, no annotation read.
        using var stranger = investigation.ClientIn("investigator", "stranger-" + Guid.NewGuid().ToString("N")[..6], caseId);
        (await stranger.GetAsync("/timeline/account/acc-000001?mark=starred")).StatusCode.ShouldBe(System.Net.HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("two words", null, "A label is one word")]
    [InlineData("label\u202E", null, "invisible text-direction characters")]
    [InlineData(null, "\u0001", "control characters")]
    public async Task Annotate_BadText_400_NothingStored(string? label, string? comment, string problem)
    {
        var investigation = new Investigation(factory);
        var owner = "annbad-" + Guid.NewGuid().ToString("N")[..8];
        var caseId = await investigation.OpenCaseAsync(owner);
        var (eventId, seq) = await EventAsync("acc-000001", 1);

        var result = await AnnotateAsync(Investigation.Principal(owner, PortalRoles.Investigator), caseId,
            new AnnotationInput(eventId, "account", "acc-000001", seq, true, label, comment ?? "x"));

        result.Status.ShouldBe(GatewayStatus.BadRequest);
        result.Message.ShouldNotBeNull().ShouldContain(problem);
        (await databases.CountAsync("SELECT count(*) FROM workspace.annotations WHERE case_id = $1", caseId)).ShouldBe(0);
    }

    [Fact]
    public async Task Annotate_NotAMember_403()
    {
        var investigation = new Investigation(factory);
        var caseId = await investigation.OpenCaseAsync("annowner-" + Guid.NewGuid().ToString("N")[..8]);
        var (eventId, seq) = await EventAsync("acc-000001", 1);

        var result = await AnnotateAsync(Investigation.Principal("stranger-" + Guid.NewGuid().ToString("N")[..6], PortalRoles.Auditor), caseId,
            new AnnotationInput(eventId, "account", "acc-000001", seq, true, null, null));

        result.Status.ShouldBe(GatewayStatus.Forbidden);
    }

    [Theory]
    [InlineData("https://evil.example/timeline")]
    [InlineData("//evil.example/timeline")]
    [InlineData("/cases")]
    [InlineData("/timelinex")]
    public async Task SaveView_NotAPortalTimelineUrl_400(string url)
    {
        var investigation = new Investigation(factory);
        var owner = "view-" + Guid.NewGuid().ToString("N")[..8];
        var caseId = await investigation.OpenCaseAsync(owner);
        using var scope = factory.Services.CreateScope();

        var result = await scope.ServiceProvider.GetRequiredService<SavedViewService>()
            .SaveAsync(Investigation.Principal(owner, PortalRoles.Investigator), caseId, "v", url, CancellationToken.None);

        result.Status.ShouldBe(GatewayStatus.BadRequest);
        result.Message.ShouldBe("Only a timeline, search, as-of or diff page of the portal can be saved.");
    }

    [Fact]
    public async Task SaveView_ListedOnTheCasePage_NameUniquePerCase()
    {
        var investigation = new Investigation(factory);
        var owner = "view-" + Guid.NewGuid().ToString("N")[..8];
        var caseId = await investigation.OpenCaseAsync(owner);
        using var scope = factory.Services.CreateScope();
        var views = scope.ServiceProvider.GetRequiredService<SavedViewService>();
        var user = Investigation.Principal(owner, PortalRoles.Investigator);

        (await views.SaveAsync(user, caseId, "Account 1 trades", "/timeline/account/acc-000001?action=trade.executed", CancellationToken.None)).IsOk.ShouldBeTrue();
        var again = await views.SaveAsync(user, caseId, "Account 1 trades", "/timeline/account/acc-000001", CancellationToken.None);

        again.Status.ShouldBe(GatewayStatus.BadRequest);
        again.Message.ShouldBe("The case already has a view named 'Account 1 trades'.");
        using var client = investigation.ClientIn("investigator", owner, caseId);
        var page = await (await client.GetAsync($"/cases/{caseId:D}")).Content.ReadAsStringAsync();
        page.ShouldContain("Account 1 trades");
        page.ShouldContain("/timeline/account/acc-000001?action=trade.executed");
    }

    private static int Count(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
