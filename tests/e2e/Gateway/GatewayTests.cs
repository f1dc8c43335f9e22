using System.Net;
using System.Text.Json;
using AuditPortal.Data.AccessLog;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Redaction;
using AuditPortal.Portal.Auth;
using AuditPortal.Tests.E2e.Portal;
using AuditPortal.Tests.E2e.Workspace;
using AuditPortal.Verification.Ledger;
using Npgsql;

namespace AuditPortal.Tests.E2e.Gateway;

/// <summary>The gateway end to end: the dashboard, the access-log entries, redaction, unmasking.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayTests(LedgerDatabasesFixture databases) : IDisposable
{
    private readonly GatewayPortalFactory _factory = new(databases);

    private static string NewUser(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private Task<long> EntriesAsync(string user, string action) =>
        databases.CountAsync("SELECT count(*) FROM ledger.events WHERE stream_type = 'user' AND stream_id = $1 AND action = $2", user, action);

    private async Task WaitOnAccessLogReplicaAsync(string user, string action)
    {
        await using var connection = new NpgsqlConnection(databases.Replica(databases.PortalDb));
        await connection.OpenAsync();
        for (var i = 0; i < 200; i++)
        {
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM ledger.events WHERE stream_type = 'user' AND stream_id = $1 AND action = $2", connection);
            cmd.Parameters.Add(new NpgsqlParameter { Value = user });
            cmd.Parameters.Add(new NpgsqlParameter { Value = action });
            if ((long)(await cmd.ExecuteScalarAsync())! > 0)
                return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"{action} of {user} did not reach the access log's standby");
    }

    private async Task<string> ReplicaScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(databases.Replica(databases.LedgerDb));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        return Convert.ToString(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    [Fact]
    public async Task Dashboard_Auditor_ShowsHeadVerifiedCheckpointLagAndOwnQueries()
    {
        var user = NewUser("dash");
        using var client = _factory.ClientFor("auditor", user);
        // The recent queries are read from the access log's standby: let the first query's outcome arrive there.
        (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await WaitOnAccessLogReplicaAsync(user, AccessLogEvents.CompletedAction);

        using var response = await client.GetAsync("/");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var doc = await AuditPortal.Tests.E2e.Portal.Browser.ParseAsync(response);
        doc.QuerySelector("[data-testid=head-size]")!.TextContent.ShouldBe("600 events");
        doc.QuerySelector("[data-testid=head-hash]")!.TextContent
            .ShouldBe(await ReplicaScalarAsync("SELECT encode(hash, 'hex') FROM ledger.events ORDER BY seq DESC LIMIT 1"));
        doc.QuerySelector("[data-testid=checkpoint]")!.TextContent.ShouldContain("size 600");
        doc.QuerySelector("[data-testid=checkpoint-signature]")!.TextContent.ShouldBe("signature verifies");
        // The access-log entry of this very request was just written on the same primary, so the standby
        // may legitimately be a few bytes behind when the dashboard reads it.
        doc.QuerySelector("[data-testid=replica-lag]")!.TextContent.ShouldMatch(@"^(replica is current|[\d,]+ bytes behind); last transaction replayed \d+\.\d s ago$");
        var recent = doc.QuerySelector("[data-testid=recent-queries] tbody")!;
        recent.TextContent.ShouldContain("dashboard.read");
        recent.TextContent.ShouldContain("completed");
    }

    [Fact]
    public async Task EveryGatewayQuery_LeavesExactlyOneRequestAndOneOutcome()
    {
        var user = NewUser("count");
        using var client = _factory.ClientFor("investigator", user);

        (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var api = await client.GetAsync("/api/streams/account/acc-000001/events?limit=5");
        api.StatusCode.ShouldBe(HttpStatusCode.OK);

        (await EntriesAsync(user, AccessLogEvents.RequestedAction)).ShouldBe(2);
        (await EntriesAsync(user, AccessLogEvents.CompletedAction)).ShouldBe(2);
        (await EntriesAsync(user, AccessLogEvents.FailedAction)).ShouldBe(0);

        // The outcome of the API query carries the row count and the digest of exactly what was returned.
        using var body = JsonDocument.Parse(await api.Content.ReadAsStringAsync());
        var ids = body.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("eventId").GetGuid()).ToList();
        ids.Count.ShouldBe(5);
        (await databases.CountAsync("""
            SELECT count(*) FROM ledger.events o JOIN ledger.events r ON o.payload::jsonb ->> 'request_event_id' = r.event_id::text
            WHERE o.stream_id = $1 AND o.action = 'query.completed' AND r.payload::jsonb -> 'parameters' ->> 'limit' = '5'
              AND (o.payload::jsonb ->> 'row_count')::int = 5 AND o.payload::jsonb ->> 'record_digest' = $2
            """, user, RecordDigest.Compute(ids))).ShouldBe(1);
    }

    private Task<long> GrantEntriesAsync(string user, string action) =>
        databases.CountAsync("""
            SELECT count(*) FROM ledger.events r
            WHERE r.stream_type = 'user' AND r.stream_id = $1 AND r.action = $2
              AND (r.payload::jsonb ->> 'kind' = 'unmask.grant'
                   OR EXISTS (SELECT 1 FROM ledger.events q WHERE q.event_id = r.lineage_inputs[1] AND q.payload::jsonb ->> 'kind' = 'unmask.grant'))
            """, user, action);

    private Task<long> GrantRowsAsync(Guid caseId) =>
        databases.CountAsync("SELECT count(*) FROM workspace.unmask_grants WHERE case_id = $1", caseId);

    private async Task<StreamKey> StreamWithPersonalDataAsync()
    {
        var stream = await ReplicaScalarAsync("""
            SELECT stream_type || '|' || stream_id FROM ledger.events e
            WHERE payload LIKE '%"enc":"A256GCM"%'
              AND NOT EXISTS (SELECT 1 FROM keystore.erasures er WHERE e.payload LIKE '%"sub":"' || er.subject_id || '"%')
            ORDER BY seq LIMIT 1
            """);
        stream.ShouldNotBeNullOrEmpty("the seeded demo ledger has personal data");
        return new StreamKey(stream.Split('|')[0], stream.Split('|')[1]);
    }

    [Fact]
    public async Task Grant_AuditorMember_IsRefusedLoggedAndNotStored()
    {
        var investigation = new Investigation(_factory);
        var owner = NewUser("owner");
        var caseId = await investigation.OpenCaseAsync(owner);
        var auditor = NewUser("aud");
        await investigation.AddMemberAsync(owner, caseId, auditor, PortalRoles.Auditor);

        var result = await investigation.GrantAsync(Investigation.Principal(auditor, PortalRoles.Auditor), caseId, await StreamWithPersonalDataAsync());

        result.Status.ShouldBe(GatewayStatus.Forbidden);
        (await GrantEntriesAsync(auditor, AccessLogEvents.RequestedAction)).ShouldBe(1);
        (await GrantEntriesAsync(auditor, AccessLogEvents.RefusedAction)).ShouldBe(1);
        (await GrantRowsAsync(caseId)).ShouldBe(0);
    }

    [Fact]
    public async Task PersonalData_MaskedWithoutGrant_RevealedInTheGrantsCase_ErasedForEveryone()
    {
        var stream = await StreamWithPersonalDataAsync();
        var url = PortalUrls(stream.Type, stream.Id) + "?limit=500";
        var investigation = new Investigation(_factory);
        var investigatorUser = NewUser("inv");
        var caseId = await investigation.OpenCaseAsync(investigatorUser);

        var grant = await investigation.GrantAsync(Investigation.Principal(investigatorUser, PortalRoles.Investigator), caseId, stream);
        grant.IsOk.ShouldBeTrue(grant.Message);

        using var auditor = _factory.ClientFor("auditor", NewUser("mask"));
        var masked = await (await auditor.GetAsync(url)).Content.ReadAsStringAsync();
        using var outsideTheCase = investigation.ClientIn("investigator", investigatorUser, null);
        var withoutCase = await (await outsideTheCase.GetAsync(url)).Content.ReadAsStringAsync();
        using var inTheCase = investigation.ClientIn("investigator", investigatorUser, caseId);
        using var revealedResponse = await inTheCase.GetAsync(url);
        revealedResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
        var revealed = await revealedResponse.Content.ReadAsStringAsync();

        masked.ShouldNotContain("A256GCM");
        masked.ShouldContain(RedactionPolicy.MaskedText);
        masked.ShouldNotContain("\"revealed\"");
        withoutCase.ShouldNotContain("\"revealed\"");
        revealed.ShouldNotContain("A256GCM");
        revealed.ShouldContain("\"revealed\"");
        revealed.ShouldNotContain("personal data: unreadable");
        // The grant is in the chain with its reason, the row names its entry, and the revealing query names the grant and the case.
        (await databases.CountAsync(
            "SELECT count(*) FROM ledger.events WHERE stream_id = $1 AND action = 'query.requested' AND payload::jsonb ->> 'kind' = 'unmask.grant' AND seq = $2",
            investigatorUser, grant.Value!.AccessLogSeq)).ShouldBe(1);
        (await databases.CountAsync(
            "SELECT count(*) FROM ledger.events WHERE stream_id = $1 AND action = 'query.requested' AND payload::jsonb ->> 'kind' = 'stream.read' AND payload::jsonb ->> 'case' = $2 AND payload::jsonb -> 'parameters' -> 'grants' ? $3",
            investigatorUser, caseId.ToString("D"), grant.Value.Id.ToString("D"))).ShouldBe(1);

        if (databases.ShreddedSubjects.Count > 0)
        {
            var shreddedStream = await ReplicaScalarAsync(
                $"SELECT stream_type || '|' || stream_id FROM ledger.events WHERE payload LIKE '%\"sub\":\"{databases.ShreddedSubjects[0]}\"%' ORDER BY seq LIMIT 1");
            var shreddedUrl = PortalUrls(shreddedStream.Split('|')[0], shreddedStream.Split('|')[1]) + "?limit=500";
            (await (await auditor.GetAsync(shreddedUrl)).Content.ReadAsStringAsync()).ShouldContain("[erased on ");
            (await (await inTheCase.GetAsync(shreddedUrl)).Content.ReadAsStringAsync()).ShouldContain("[erased on ");
            var refused = await investigation.GrantAsync(Investigation.Principal(investigatorUser, PortalRoles.Investigator), caseId,
                new StreamKey(shreddedStream.Split('|')[0], shreddedStream.Split('|')[1]), databases.ShreddedSubjects[0]);
            refused.Status.ShouldBe(GatewayStatus.BadRequest);
            refused.Message.ShouldNotBeNull().ShouldContain("cannot be revealed");
        }
    }

    private static string PortalUrls(string type, string id) => AuditPortal.Portal.PortalUrls.StreamEvents(type, id);

    [Theory]
    [InlineData("?limit=abc")]
    [InlineData("?limit=-1")]
    [InlineData("?limit=0")]
    [InlineData("?limit=99999999999999999999")]
    [InlineData("?limit=1e3")]
    [InlineData("?limit=%00")]
    [InlineData("?limit=1&limit=2")]
    [InlineData("?unmask=short")]
    [InlineData("?unmask=%00%01%02%03%04%05%06%07%08%09%0a")]
    [InlineData("?limit=%ff%fe")]
    public async Task HostileQueryString_Is400NotServerError(string query)
    {
        using var client = _factory.ClientFor("investigator", NewUser("hostile"));
        client.DefaultRequestHeaders.Accept.ParseAdd("application/json");

        using var response = await client.GetAsync("/api/streams/account/acc-000001/events" + query);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/api/streams/account/%01/events")]
    [InlineData("/api/streams/%E2%80%AEx%7F/acc/events")]
    [InlineData("/?returnUrl=%ff%fe%00&x=<script>alert(1)</script>")]
    [InlineData("/?%%%=%%%")]
    public async Task HostileInput_NeverServerError(string path)
    {
        using var client = _factory.ClientFor("investigator", NewUser("hostile"));

        using var response = await client.GetAsync(path);

        ((int)response.StatusCode).ShouldBeLessThan(500);
        (await response.Content.ReadAsStringAsync()).ShouldNotContain("<script>alert(1)</script>");
    }

    [Fact]
    public async Task LongStreamId_Is400()
    {
        using var client = _factory.ClientFor("auditor", NewUser("long"));

        using var response = await client.GetAsync("/api/streams/account/" + new string('x', 5000) + "/events");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task HealthzDetails_Admin_PrimaryAndReplicaHealthyWithLag()
    {
        using var client = _factory.ClientFor("admin");

        using var response = await client.GetAsync(AuditPortal.Portal.PortalUrls.HealthDetails);

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        checks["primary"].GetProperty("status").GetString().ShouldBe("healthy");
        checks["replica"].GetProperty("status").GetString().ShouldBe("healthy");
        checks["replica"].GetProperty("data").GetProperty("inRecovery").GetBoolean().ShouldBeTrue();
        checks["replica"].GetProperty("data").TryGetProperty("replayBytesBehind", out _).ShouldBeTrue();
        checks.ShouldContainKey("oidc-discovery");
    }

    public void Dispose() => _factory.Dispose();
}
