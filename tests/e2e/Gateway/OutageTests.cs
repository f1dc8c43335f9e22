using System.Net;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Schema;
using AuditPortal.Portal;
using AuditPortal.Portal.Gateway;
using AuditPortal.Tests.E2e.Portal;
using Npgsql;

namespace AuditPortal.Tests.E2e.Gateway;

/// <summary>Real outages: a closed port, a revoked privilege. The portal fails closed and shows a 503 page, never a 500.</summary>
[Collection(GatewayCollection.Name)]
public sealed class OutageTests(LedgerDatabasesFixture databases)
{
    private const string Api = "/api/streams/account/acc-000001/events";

    private async Task<string> HeadHashAsync()
    {
        await using var connection = new NpgsqlConnection(databases.Replica(databases.LedgerDb));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT encode(hash, 'hex') FROM ledger.events ORDER BY seq DESC LIMIT 1", connection);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private static string ClosedPort(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Port = FreePort.Get(), Timeout = 3 }.ConnectionString;

    private static async Task AssertAccessLogRefusalAsync(GatewayPortalFactory factory, string headHash)
    {
        using var client = factory.ClientFor("investigator", "outage-" + Guid.NewGuid().ToString("N")[..8]);
        using var page = await client.GetAsync("/");
        page.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain("access log cannot be written");
        html.ShouldNotContain(headHash);
        html.ShouldNotContain("data-testid=\"head-size\"");

        client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        using var api = await client.GetAsync(Api);
        api.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var body = await api.Content.ReadAsStringAsync();
        body.ShouldNotContain("\"events\"");
        body.ShouldNotContain("acc-000001\",\"");
    }

    [Fact]
    public async Task AccessLogDatabaseDown_Dashboard503_NoLedgerData()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:AccessLog"] = ClosedPort(databases.Primary(databases.PortalDb, LedgerRoles.AccessLog.Writer)),
        };
        using var factory = new GatewayPortalFactory(databases, settings);

        await AssertAccessLogRefusalAsync(factory, await HeadHashAsync());
    }

    [Fact]
    public async Task AccessLogInsertRevoked_Dashboard503_NoLedgerData()
    {
        using var factory = new GatewayPortalFactory(databases);
        var superuser = databases.Primary(databases.PortalDb);
        await LedgerDatabasesFixture.ExecuteAsync(superuser, "REVOKE INSERT ON ledger.events FROM accesslog_writer");
        try
        {
            await AssertAccessLogRefusalAsync(factory, await HeadHashAsync());
        }
        finally
        {
            await LedgerDatabasesFixture.ExecuteAsync(superuser, "GRANT INSERT ON ledger.events TO accesslog_writer");
        }
    }

    [Fact]
    public async Task ReplicaDown_Dashboard503Page_FailureLogged_HealthzUnhealthy()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Replica"] = ClosedPort(databases.Replica(databases.LedgerDb, LedgerRoles.Ledger.Reader)),
        };
        using var factory = new GatewayPortalFactory(databases, settings);
        var user = "replica-down-" + Guid.NewGuid().ToString("N")[..8];
        using var client = factory.ClientFor("auditor", user);

        using var page = await client.GetAsync("/");

        page.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain("ledger replica is not reachable");
        html.ShouldNotContain("Exception");
        (await databases.CountAsync("SELECT count(*) FROM ledger.events WHERE stream_id = $1 AND action = $2", user, AccessLogEvents.RequestedAction)).ShouldBe(1);
        (await databases.CountAsync("SELECT count(*) FROM ledger.events WHERE stream_id = $1 AND action = $2", user, AccessLogEvents.FailedAction)).ShouldBe(1);

        client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        (await client.GetAsync(Api)).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        using var health = await client.GetAsync(PortalUrls.Health);
        health.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await health.Content.ReadAsStringAsync()).ShouldNotContain("replica", Case.Insensitive, "the reason is for admins only");
        using var details = await factory.ClientFor("admin").GetAsync(PortalUrls.HealthDetails);
        details.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await details.Content.ReadAsStringAsync()).ShouldContain("replica unreachable");
    }
}
