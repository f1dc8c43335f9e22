using System.Net;
using System.Text.Json.Nodes;
using AuditPortal.Portal;
using AuditPortal.Tests.E2e.Verification;
using Npgsql;

namespace AuditPortal.Tests.E2e.Gateway;

/// <summary>
/// Regression (issue 12): integers above 2^53 − 1 passed validation and then broke the access-log writer
/// (503 "Access log unavailable"), and a verification run accepted a 10,000-character or bidi-override
/// stream name and stored it. Both are now a 400 naming the parameter, before anything is logged or stored.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class OversizedIntegerAndHostileNameTests(LedgerDatabasesFixture databases) : IDisposable
{
    private const string Huge = "9223372036854775807";
    private const string JustAboveSafe = "9007199254740992";

    private readonly GatewayPortalFactory portal = new(databases, new Dictionary<string, string?> { ["Portal:Verification:Continuous"] = "false" });

    private Task<long> LoggedAsync(string user) =>
        databases.CountAsync("SELECT count(*) FROM ledger.events WHERE stream_type = 'user' AND stream_id = $1", user);

    private Task<long> RunsStartedByAsync(string user) =>
        databases.CountAsync("SELECT count(*) FROM portal.verification_runs WHERE started_by_name = $1", user);

    /// <summary>Posts the start form; the access-log entries counted are those after the token was fetched (the home page is a query).</summary>
    private async Task<(HttpResponseMessage Response, long Logged)> StartAsync(string user, params (string Key, string Value)[] form)
    {
        var client = portal.ClientFor("auditor", user);
        var token = await VerificationHttp.AntiforgeryTokenAsync(client);
        var before = await LoggedAsync(user);
        var fields = form.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)).Append(new("__RequestVerificationToken", token));
        var response = await client.PostAsync(PortalUrls.VerificationRuns, new FormUrlEncodedContent(fields));
        return (response, await LoggedAsync(user) - before);
    }

    [Theory]
    [InlineData("inclusion.json?seq=1&size=" + Huge, "size")]
    [InlineData("inclusion.json?seq=" + JustAboveSafe + "&size=600", "seq")]
    [InlineData("consistency.json?size1=1&size2=" + Huge, "size2")]
    [InlineData("consistency.json?size1=" + JustAboveSafe + "&size2=600", "size1")]
    public async Task ProofDownload_IntegerAboveMaxSafe_400BeforeAnythingIsLogged(string query, string parameter)
    {
        var user = "huge-proof-" + parameter;
        var client = portal.ClientFor("auditor", user);
        client.DefaultRequestHeaders.Accept.Clear();
        client.DefaultRequestHeaders.Accept.ParseAdd("application/json");

        var response = await client.GetAsync(PortalUrls.Proofs + "/" + query);

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
        JsonNode.Parse(body)!["detail"]!.GetValue<string>().ShouldStartWith(parameter + ": a whole number from 1 to 9007199254740991", Case.Sensitive, body);
        (await LoggedAsync(user)).ShouldBe(0, "nothing is logged for a request that is refused as malformed");
    }

    [Fact]
    public async Task ProofsPage_SizeAboveMaxSafe_400Page()
    {
        var response = await portal.ClientFor("auditor", "huge-proof-page").GetAsync(PortalUrls.Proofs + "?seq=1&size=" + Huge);

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
        body.ShouldContain("size: a whole number from 1 to 9007199254740991");
        (await LoggedAsync("huge-proof-page")).ShouldBe(0);
    }

    [Theory]
    [InlineData("to", "1", Huge)]
    [InlineData("to", "1", JustAboveSafe)]
    [InlineData("from", Huge, Huge)]
    public async Task RunStart_RangeAboveMaxSafe_400BeforeAnythingIsLogged(string parameter, string from, string to)
    {
        var user = $"huge-run-{parameter}-{to.Length}";

        var (response, logged) = await StartAsync(user, ("scope", "range"), ("from", from), ("to", to), ("stream", ""));

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
        body.ShouldContain(parameter + ": a whole number from 1 to 9007199254740991");
        logged.ShouldBe(0);
        (await RunsStartedByAsync(user)).ShouldBe(0);
    }

    [Theory]
    [InlineData("bidi", "a\u202Eb/c", "stream type: must not contain")]
    [InlineData("zero-width", "account/acc\u200B-000001", "stream id: must not contain")]
    [InlineData("long", null, "stream id: at most 200 characters, got 10000")]
    public async Task RunStart_HostileStreamName_400NothingStored(string what, string? stream, string message)
    {
        var user = "hostile-run-" + what;

        var (response, logged) = await StartAsync(user, ("scope", "stream"), ("from", ""), ("to", ""),
            ("stream", stream ?? "account/" + new string('x', 10_000)));

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
        body.ShouldContain(message);
        logged.ShouldBe(0);
        (await RunsStartedByAsync(user)).ShouldBe(0);
    }

    [Theory]
    [InlineData("account", "acc\u202E-1", "", "id")]
    [InlineData("account", "acc\u200B-1", "", "id")]
    [InlineData("account", "acc-000001", "?limit=" + Huge, "limit")]
    public async Task StreamApi_HostileNameOrHugeLimit_400NothingLogged(string type, string id, string query, string parameter)
    {
        var user = "hostile-api-" + parameter + id.Length;
        var response = await portal.ClientFor("auditor", user).GetAsync(PortalUrls.StreamEvents(type, id) + query);

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
        JsonNode.Parse(body)!["errors"]![parameter].ShouldNotBeNull(body);
        (await LoggedAsync(user)).ShouldBe(0);
    }

    public void Dispose()
    {
        portal.Dispose();
        NpgsqlConnection.ClearAllPools();
    }
}
