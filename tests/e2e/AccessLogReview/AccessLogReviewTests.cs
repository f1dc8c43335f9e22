using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text.Json;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Schema;
using AuditPortal.Portal.AccessLogReview;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Ledger;
using AuditPortal.Tests.E2e.Gateway;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AuditPortal.Tests.E2e.AccessLogReview;

/// <summary>The admins' access-log review over the real databases: browse and filter, one entry, what did they see, CSV.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AccessLogReviewTests(LedgerDatabasesFixture databases) : IDisposable
{
    private const string StreamApi = "/api/streams/account/acc-000001/events?limit=3";
    private readonly GatewayPortalFactory _factory = new(databases);

    private static string NewUser(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Waits until the access log's standby has <paramref name="count"/> events of this kind for this user (the review reads the standby).</summary>
    private Task WaitOnStandbyAsync(string user, string action, long count = 1) => AccessLogReplay.WaitOnStandbyAsync(databases, user, action, count);

    private Task<long> AdminReviewsAsync(string admin, string kind) => databases.CountAsync("""
        SELECT count(*) FROM ledger.events WHERE stream_type = 'user' AND stream_id = $1 AND action = 'query.requested'
          AND payload::jsonb ->> 'kind' = $2
        """, admin, kind);

    private static async Task<List<string>> ColumnAsync(HttpResponseMessage response, string testId)
    {
        var doc = await AuditPortal.Tests.E2e.Portal.Browser.ParseAsync(response);
        return doc.QuerySelectorAll($"[data-testid=access-log-entries] tbody [data-testid={testId}]").Select(e => e.TextContent.Trim()).ToList();
    }

    [Fact]
    public async Task Browse_FiltersByUserKindOutcomeRole_AndEveryReviewIsLogged()
    {
        var investigator = NewUser("inv");
        var auditor = NewUser("aud");
        var admin = NewUser("adm");
        using (var client = _factory.ClientFor("investigator", investigator))
            (await client.GetAsync(StreamApi)).StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var client = _factory.ClientFor("auditor", auditor))
        {
            (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
            // A case the auditor is not a member of: the gateway logs the request and refuses it.
            using var inForeignCase = new HttpRequestMessage(HttpMethod.Get, StreamApi);
            inForeignCase.Headers.Add("Cookie", $"{AuditPortal.Portal.Workspace.ActiveCase.CookieName}={Guid.NewGuid():D}");
            (await client.SendAsync(inForeignCase)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }
        await WaitOnStandbyAsync(investigator, AccessLogEvents.CompletedAction);
        await WaitOnStandbyAsync(auditor, AccessLogEvents.RefusedAction);
        using var reviewer = _factory.ClientFor("admin", admin);

        using var byUser = await reviewer.GetAsync("/access-log?user=" + investigator);
        byUser.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ColumnAsync(byUser, "entry-kind")).ShouldBe(["stream.read"]);
        (await ColumnAsync(byUser, "entry-outcome")).ShouldBe(["completed"]);

        using var refused = await reviewer.GetAsync($"/access-log?user={auditor}&outcome=refused");
        (await ColumnAsync(refused, "entry-kind")).ShouldBe(["stream.read"]);
        using var completed = await reviewer.GetAsync($"/access-log?user={auditor}&outcome=completed");
        (await ColumnAsync(completed, "entry-kind")).ShouldBe(["dashboard.read"]);
        using var byKind = await reviewer.GetAsync($"/access-log?user={auditor}&kind=dashboard.read&role=auditor");
        (await ColumnAsync(byKind, "entry-kind")).ShouldBe(["dashboard.read"]);
        using var otherRole = await reviewer.GetAsync($"/access-log?user={auditor}&role=investigator");
        (await ColumnAsync(otherRole, "entry-kind")).ShouldBeEmpty();
        using var future = await reviewer.GetAsync($"/access-log?user={auditor}&from=2999-01-01T00:00:00Z");
        (await ColumnAsync(future, "entry-kind")).ShouldBeEmpty();
        using var client2 = await reviewer.GetAsync($"/access-log?user={auditor}&client=192.0.2.99");
        (await ColumnAsync(client2, "entry-kind")).ShouldBeEmpty();

        using var userPage = await reviewer.GetAsync("/access-log/users/" + auditor);
        userPage.StatusCode.ShouldBe(HttpStatusCode.OK);
        var doc = await AuditPortal.Tests.E2e.Portal.Browser.ParseAsync(userPage);
        doc.QuerySelector("[data-testid=activity-kinds]")!.TextContent.ShouldContain("dashboard.read: 1");
        doc.QuerySelector("[data-testid=activity-kinds]")!.TextContent.ShouldContain("stream.read: 1");
        doc.QuerySelector("[data-testid=activity-days] tbody")!.TextContent.ShouldContain("2"); // two queries today, one refused

        // Eight views, eight access-log reads by the admin, each with its outcome: the review is audited like any query.
        (await AdminReviewsAsync(admin, "accesslog.read")).ShouldBe(8);
        (await databases.CountAsync("SELECT count(*) FROM ledger.events WHERE stream_id = $1 AND action = 'query.completed'", admin)).ShouldBe(8);
    }

    [Theory]
    [InlineData("outcome=bogus")]
    [InlineData("role=root")]
    [InlineData("from=yesterday")]
    [InlineData("from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")]
    [InlineData("pages=abc")]
    [InlineData("size=501")]
    [InlineData("size=99999999999999999999")]
    [InlineData("user=a%E2%80%AEb")]   // a bidi override
    [InlineData("kind=a&kind=b")]
    public async Task Browse_BadParameter_Is400NamingIt_NothingQueriedOrLogged(string query)
    {
        var admin = NewUser("adm");
        using var reviewer = _factory.ClientFor("admin", admin);

        using var response = await reviewer.GetAsync("/access-log?" + query);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var doc = await AuditPortal.Tests.E2e.Portal.Browser.ParseAsync(response);
        doc.QuerySelectorAll("[data-testid=problem]").ShouldNotBeEmpty();
        (await AdminReviewsAsync(admin, "accesslog.read")).ShouldBe(0);
    }

    [Fact]
    public async Task Entry_ShowsChainPositionHashAndLedgerSize()
    {
        var investigator = NewUser("inv");
        using (var client = _factory.ClientFor("investigator", investigator))
            (await client.GetAsync(StreamApi)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await WaitOnStandbyAsync(investigator, AccessLogEvents.CompletedAction);
        var (seq, hash, payload) = await RequestOfAsync(investigator);
        using var payloadJson = JsonDocument.Parse(payload);
        payloadJson.RootElement.GetProperty("ledger_size").GetInt64().ShouldBe(LedgerDatabasesFixture.EventCount);

        using var reviewer = _factory.ClientFor("admin", NewUser("adm"));
        using var response = await reviewer.GetAsync("/access-log/entries/" + seq.ToString(CultureInfo.InvariantCulture));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var doc = await AuditPortal.Tests.E2e.Portal.Browser.ParseAsync(response);
        doc.QuerySelector("[data-testid=detail-hash]")!.TextContent.ShouldBe(hash);
        doc.QuerySelector("[data-testid=detail-kind]")!.TextContent.ShouldBe("stream.read");
        doc.QuerySelector("[data-testid=detail-rows]")!.TextContent.ShouldBe("3");
        doc.QuerySelector("[data-testid=detail-ledger-size]")!.TextContent.ShouldBe("600 events");
        doc.QuerySelector("[data-testid=detail-position]")!.TextContent.ShouldStartWith($"seq {seq} of ");
    }

    [Fact]
    public async Task WhatTheySaw_RealQueryMatches_ForgedDigestIsAFinding_RefusedShowedNothing()
    {
        var investigator = NewUser("inv");
        using (var client = _factory.ClientFor("investigator", investigator))
            (await client.GetAsync(StreamApi)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await WaitOnStandbyAsync(investigator, AccessLogEvents.CompletedAction);
        var (seq, _, _) = await RequestOfAsync(investigator);
        var admin = NewUser("adm");

        var real = await WhatTheySawAsync(admin, seq);
        real.Verdict.ShouldBe(ReplayVerdict.Match, real.Explanation);
        real.ReplayedRows.ShouldBe(3);
        var events = real.Result.ShouldBeOfType<StreamEventsView>().Events;
        events.Count.ShouldBe(3);
        // Admins see the result masked: no personal-data envelope, no decrypted value.
        events.ShouldAllBe(e => !e.Payload.ToJsonString().Contains("\"enc\"", StringComparison.Ordinal));

        // A forged entry: the same query and ledger size, but the digest of other records.
        var forger = NewUser("forged");
        await using (var writer = new AccessLogWriter(NpgsqlDataSource.Create(databases.Primary(databases.PortalDb, LedgerRoles.AccessLog.Writer)),
            TimeProvider.System, new AccessLogWriterOptions { Deployment = "test" }))
        {
            var entry = new AccessLogEntry
            {
                RequestId = Guid.NewGuid().ToString("D"), SubjectId = forger, DisplayName = forger, Roles = [PortalRoles.Investigator],
                Kind = "stream.read", Parameters = new() { ["limit"] = 3, ["stream_id"] = "acc-000001", ["stream_type"] = "account" },
                RequestedAt = DateTime.UtcNow, LedgerSize = LedgerDatabasesFixture.EventCount,
            };
            var request = await writer.AppendAsync(entry);
            await writer.AppendCompletionAsync(AccessLogCompletion.For(entry, request.EventId, AccessLogOutcome.Completed, 3,
                RecordDigest.Compute(["00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002", "00000000-0000-0000-0000-000000000003"]),
                TimeSpan.FromMilliseconds(5), DateTime.UtcNow));
        }
        await WaitOnStandbyAsync(forger, AccessLogEvents.CompletedAction);
        var (forgedSeq, _, _) = await RequestOfAsync(forger);

        var forged = await WhatTheySawAsync(admin, forgedSeq);
        forged.Verdict.ShouldBe(ReplayVerdict.Mismatch, forged.Explanation);
        forged.IsFinding.ShouldBeTrue();
        forged.ReplayedDigest.ShouldBe(real.ReplayedDigest);
        forged.LoggedDigest.ShouldNotBe(forged.ReplayedDigest);

        // The admin's re-runs are themselves logged, with the re-run's own digest.
        (await AdminReviewsAsync(admin, "accesslog.replay")).ShouldBe(2);
    }

    [Fact]
    public async Task ExportCsv_HasOneRowPerEntry_FormulaCellsNeutralized()
    {
        var investigator = NewUser("=cmd");
        using (var client = _factory.ClientFor("investigator", investigator))
        {
            (await client.GetAsync(StreamApi)).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        await WaitOnStandbyAsync(investigator, AccessLogEvents.CompletedAction, 2);
        using var reviewer = _factory.ClientFor("admin", NewUser("adm"));

        using var response = await reviewer.GetAsync("/access-log/export.csv?user=" + Uri.EscapeDataString(investigator));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("seq,requested_at,subject_id,");
        lines.Length.ShouldBe(3);
        lines[1].Split(',')[2].ShouldBe("'" + investigator);
        lines.ShouldContain(l => l.Contains(",dashboard.read,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnomalyFlags_QueryWithoutCaseWhereOneIsExpected_IsFlaggedWithItsEntry_AsItArrives()
    {
        // Unmasking always happens in a case now (a grant needs one), so the expected-case kinds are what this rule
        // watches in practice: here stream reads (the configured list adds to the default, evidence.export).
        using var factory = new GatewayPortalFactory(databases, new Dictionary<string, string?>
        {
            ["Portal:AccessLog:Anomalies:PollInterval"] = "00:00:00.100",
            ["Portal:AccessLog:Anomalies:Rules:CaseExpectedKinds:0"] = "stream.read",
        });
        var investigator = NewUser("inv");
        using (var client = factory.ClientFor("investigator", investigator))
            (await client.GetAsync(StreamApi)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var (seq, _, _) = await RequestOfAsync(investigator);
        using var reviewer = factory.ClientFor("admin", NewUser("adm"));

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await reviewer.GetAsync("/access-log/flags");
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            var doc = await AuditPortal.Tests.E2e.Portal.Browser.ParseAsync(response);
            // Other rules may flag the same entry too (outside working hours, by the real clock of this run).
            var row = doc.QuerySelectorAll("[data-testid=flags] tbody tr").FirstOrDefault(r => r.TextContent.Contains(investigator, StringComparison.Ordinal)
                && r.QuerySelector("[data-testid=flag-rule]")?.TextContent == "query-without-case v1");
            if (row is not null)
            {
                row.QuerySelector("[data-testid=flag-rule]")!.TextContent.ShouldBe("query-without-case v1");
                row.QuerySelectorAll("a").Select(a => a.GetAttribute("href")).ShouldContain("/access-log/entries/" + seq.ToString(CultureInfo.InvariantCulture));
                doc.QuerySelector("[data-testid=rules]")!.TextContent.ShouldContain("unmask-burst");
                await AcknowledgeAsync(factory, investigator);
                return;
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("the stream read without a case was not flagged");
            await Task.Delay(100);
        }
    }

    /// <summary>Acknowledging writes the access-log entry first and the workspace row naming it; a blank note and a second acknowledgement are refused.</summary>
    private async Task AcknowledgeAsync(GatewayPortalFactory factory, string flaggedUser)
    {
        var flag = (await StoredFlagsAsync(factory)).First(f => f.SubjectId == flaggedUser);
        var admin = NewUser("adm");
        using var scope = factory.Services.CreateScope();
        var query = scope.ServiceProvider.GetRequiredService<AnomalyFlagsQuery>();

        var blank = await query.AcknowledgeAsync(Admin(admin), flag, "   ", CancellationToken.None);
        blank.Status.ShouldBe(AuditPortal.Portal.Gateway.GatewayStatus.BadRequest);
        (await AdminReviewsAsync(admin, "accesslog.acknowledge")).ShouldBe(0);

        var acknowledged = await query.AcknowledgeAsync(Admin(admin), flag, "Checked with the investigator: case opened afterwards.", CancellationToken.None);

        acknowledged.IsOk.ShouldBeTrue(acknowledged.Message);
        (await databases.CountAsync("""
            SELECT count(*) FROM ledger.events WHERE seq = $1 AND stream_id = $2 AND payload::jsonb ->> 'kind' = 'accesslog.acknowledge'
              AND payload::jsonb -> 'parameters' ->> 'flag' = $3
            """, acknowledged.AccessLogSeq!.Value, admin, flag.Key)).ShouldBe(1);
        (await databases.CountAsync("SELECT count(*) FROM workspace.review_acknowledgements WHERE flag_key = $1 AND access_log_seq = $2 AND acknowledged_by = $3",
            flag.Key, acknowledged.AccessLogSeq.Value, admin)).ShouldBe(1);

        await Should.ThrowAsync<Microsoft.EntityFrameworkCore.DbUpdateException>(() => query.AcknowledgeAsync(Admin(admin), flag, "again", CancellationToken.None));
        (await databases.CountAsync("SELECT count(*) FROM ledger.events WHERE stream_id = $1 AND action = 'query.failed'", admin)).ShouldBe(1);
    }

    /// <summary>The persisted flags, newest first (the flags page's store; the primary's portal database may lead the standby, so read until stable is not needed: the caller waits on the page first).</summary>
    private static async Task<List<AuditPortal.Data.AccessLog.Anomalies.AnomalyFlag>> StoredFlagsAsync(GatewayPortalFactory factory)
    {
        var store = factory.Services.GetRequiredService<AuditPortal.Portal.Gateway.PortalDatabases>().AnomalyFlags!;
        var flags = new List<AuditPortal.Data.AccessLog.Anomalies.AnomalyFlag>();
        long? cursor = null;
        do
        {
            var page = await store.PageAsync(cursor, AuditPortal.Data.AccessLog.Anomalies.AnomalyFlagStore.MaxPageSize);
            flags.AddRange(page.Flags.Select(f => f.Flag));
            cursor = page.NextBeforeId;
        }
        while (cursor is not null);
        return flags;
    }

    [Fact]
    public async Task AnomalyFlags_Persisted_ARestartResumesFromTheWatermark_EvaluatingOnlyTheEntriesAfterIt()
    {
        // A rule configuration of this test alone (its own watermark row): stream reads expect a case.
        var settings = new Dictionary<string, string?>
        {
            ["Portal:AccessLog:Anomalies:PollInterval"] = "00:00:00.100",
            ["Portal:AccessLog:Anomalies:Rules:CaseExpectedKinds:0"] = "stream.read",
            ["Portal:AccessLog:Anomalies:Rules:CaseExpectedKinds:1"] = "kind-of-" + Guid.NewGuid().ToString("N"),
        };
        var first = NewUser("inv");
        var second = NewUser("inv");
        long watermark, firstSeq;
        string rulesKey;
        using (var before = new GatewayPortalFactory(databases, settings))
        {
            using (var client = before.ClientFor("investigator", first))
                (await client.GetAsync(StreamApi)).StatusCode.ShouldBe(HttpStatusCode.OK);
            (firstSeq, _, _) = await RequestOfAsync(first);
            var status = before.Services.GetRequiredService<AnomalyMonitorStatus>();
            status.ResumedFromSeq.ShouldBeNull(); // a new configuration: no watermark yet, BaselineDays back
            // The flags page reads the portal database's standby: wait until the flag has replicated.
            await WaitForAsync(async () => status.LastSeq >= firstSeq && (await StoredFlagsAsync(before)).Any(f => f.SubjectId == first), "the first monitor flagged the stream read");
            (await StoredFlagsAsync(before)).Count(f => f.SubjectId == first && f.RuleId == "query-without-case").ShouldBe(1);
            status.EntriesObserved.ShouldBeGreaterThan(0);
            rulesKey = new AuditPortal.Data.AccessLog.Anomalies.AnomalyEngine(
                before.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AnomalyMonitorOptions>>().Value.Rules, _ => false).ConfigurationKey;
        }
        // Stopped: the watermark stays where this process left it, at or after the first read.
        watermark = await databases.CountAsync("SELECT evaluated_seq FROM portal.anomaly_watermark WHERE rules_key = $1", rulesKey);
        watermark.ShouldBeGreaterThanOrEqualTo(firstSeq);

        using var after = new GatewayPortalFactory(databases, settings);
        using (var client = after.ClientFor("investigator", second))
            (await client.GetAsync(StreamApi)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var (secondSeq, _, _) = await RequestOfAsync(second);
        var resumed = after.Services.GetRequiredService<AnomalyMonitorStatus>();
        await WaitForAsync(async () => resumed.LastSeq >= secondSeq && (await StoredFlagsAsync(after)).Any(f => f.SubjectId == second), "the restarted monitor flagged the second read");

        // It resumed from the watermark and evaluated only the requests after it: not the BaselineDays of log before.
        resumed.ResumedFromSeq.ShouldBe(watermark);
        var requestsAfter = await databases.CountAsync(
            "SELECT count(*) FROM ledger.events WHERE stream_type = 'user' AND action = 'query.requested' AND seq > $1 AND seq <= $2", watermark, resumed.LastSeq);
        resumed.EntriesObserved.ShouldBe(requestsAfter);
        (await databases.CountAsync("SELECT count(*) FROM ledger.events WHERE stream_type = 'user' AND action = 'query.requested' AND seq <= $1", watermark))
            .ShouldBeGreaterThan(requestsAfter); // a rescan would have evaluated these too
        // The first flag survived the restart, once.
        (await StoredFlagsAsync(after)).Count(f => f.SubjectId == first && f.RuleId == "query-without-case").ShouldBe(1);

        // The flags page reads them paged: below the newest flag's position, the newest is gone; a bad cursor is a 400.
        using var reviewer = after.ClientFor("admin", NewUser("adm"));
        var newest = (await after.Services.GetRequiredService<AuditPortal.Portal.Gateway.PortalDatabases>().AnomalyFlags!.PageAsync(null, 1)).Flags.Single();
        using (var page = await reviewer.GetAsync("/access-log/flags?before=" + newest.Id.ToString(CultureInfo.InvariantCulture)))
        {
            page.StatusCode.ShouldBe(HttpStatusCode.OK);
            var doc = await AuditPortal.Tests.E2e.Portal.Browser.ParseAsync(page);
            doc.QuerySelector("[data-testid=flags-pager]")!.TextContent.ShouldContain("Newest flags");
        }
        var older = await after.Services.GetRequiredService<AuditPortal.Portal.Gateway.PortalDatabases>().AnomalyFlags!.PageAsync(newest.Id, AuditPortal.Data.AccessLog.Anomalies.AnomalyFlagStore.MaxPageSize);
        older.Flags.ShouldAllBe(f => f.Id < newest.Id);
        older.Flags.ShouldContain(f => f.Flag.SubjectId == first); // the first process's flag lies below the second's
        foreach (var bad in new[] { "x", "-1", "0", "99999999999999999999" })
            (await reviewer.GetAsync("/access-log/flags?before=" + bad)).StatusCode.ShouldBe(HttpStatusCode.BadRequest, bad);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException(what + ": not within 60 s");
            await Task.Delay(50);
        }
    }

    private static ClaimsPrincipal Admin(string admin) =>
        PortalPrincipal.Create([new Claim("sub", admin), new Claim("preferred_username", admin), new Claim("name", admin)], [PortalRoles.Admin]);

    private async Task<WhatTheySawView> WhatTheySawAsync(string admin, long seq)
    {
        using var scope = _factory.Services.CreateScope();
        var queries = scope.ServiceProvider.GetRequiredService<AccessLogQueries>();
        var principal = PortalPrincipal.Create([new Claim("sub", admin), new Claim("preferred_username", admin), new Claim("name", admin)], [PortalRoles.Admin]);
        var result = await queries.WhatTheySawAsync(principal, seq, CancellationToken.None);
        result.IsOk.ShouldBeTrue(result.Message);
        return result.Value!;
    }

    private async Task<(long Seq, string Hash, string Payload)> RequestOfAsync(string user)
    {
        await using var connection = new NpgsqlConnection(databases.Primary(databases.PortalDb));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT seq, encode(hash, 'hex'), payload FROM ledger.events WHERE stream_id = $1 AND action = 'query.requested' ORDER BY seq LIMIT 1", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = user });
        await using var reader = await cmd.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        return (reader.GetInt64(0), reader.GetString(1), reader.GetString(2));
    }

    public void Dispose() => _factory.Dispose();
}
