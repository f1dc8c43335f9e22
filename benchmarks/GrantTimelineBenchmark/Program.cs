// Masked vs granted timeline page, side by side in one run (issue 14: "a timeline page of 50 events with a live
// grant over 10 subjects: server p95 within +20 ms of the same page masked").
//
//   benchmarks/GrantTimelineBenchmark/run.sh [events] [requests]
//
// run.sh starts a throw-away PostgreSQL primary + streaming standby (the test cluster's scripts, var/test-pg) and
// runs this program with BENCH_PRIMARY / BENCH_REPLICA. The program builds a ledger of `events` demo events and a
// portal database (migrations as `ledger init` applies them), boots the real portal in process (TestServer, Release,
// a header sign-in for the benchmark only), opens two cases for two investigators and gives one of them live grants
// over 10 data subjects — every subject on the measured page plus subjects of other streams. Then it requests the
// same page, `/timeline/<busiest account>?size=50&event=1` (50 events; the first one's payload open), alternately
// as the masked and the granted investigator, and reports both latency distributions. The time is the whole
// request in process: gateway (case + grant check, two access-log appends, replica query, redaction with
// decryption of the covered envelopes) and the prerendered HTML; no network.
using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Demo;
using AuditPortal.Data.Schema;
using AuditPortal.Data.Workspace;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Timeline;
using AuditPortal.Portal.Workspace;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Options;
using Npgsql;

internal static class GrantTimelineBenchmark
{
    public static async Task<int> Main(string[] args)
    {
        var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
        var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 300;
        var primary = Environment.GetEnvironmentVariable("BENCH_PRIMARY") ?? throw new InvalidOperationException("BENCH_PRIMARY is not set (use run.sh)");
        var replica = Environment.GetEnvironmentVariable("BENCH_REPLICA") ?? throw new InvalidOperationException("BENCH_REPLICA is not set (use run.sh)");
        string On(string server, string db, string? role = null) =>
            new NpgsqlConnectionStringBuilder(server) { Database = db, Username = role ?? new NpgsqlConnectionStringBuilder(server).Username }.ConnectionString;

        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (ledgerDb, portalDb) = ("bench_ledger_" + suffix, "bench_portal_" + suffix);
        await using (var c = new NpgsqlConnection(primary))
        {
            await c.OpenAsync();
            foreach (var db in new[] { ledgerDb, portalDb })
                await new NpgsqlCommand($"CREATE DATABASE \"{db}\"", c).ExecuteNonQueryAsync();
        }
        await LedgerMigrator.MigrateAsync(On(primary, ledgerDb), LedgerRoles.Ledger);
        await LedgerMigrator.MigrateAsync(On(primary, portalDb), LedgerRoles.AccessLog);
        await PortalMigrator.MigrateAsync(On(primary, portalDb), LedgerRoles.AccessLog);
        await WorkspaceMigrator.MigrateAsync(On(primary, portalDb), LedgerRoles.AccessLog);
        var keyDir = Directory.CreateTempSubdirectory("grant-bench-");
        using (var signer = CheckpointSigner.Generate())
        {
            await File.WriteAllTextAsync(Path.Combine(keyDir.FullName, "pub.pem"), signer.PublicKey.ToPem());
            var generator = new DemoLedgerGenerator(42, new DemoOptions { BaseAccounts = 40, AccountCap = 60 });
            await using var appender = new LedgerAppender(On(primary, ledgerDb, LedgerRoles.Ledger.Writer), TimeProvider.System,
                new AppenderOptions { Signer = signer, CheckpointEveryEvents = 5_000, Origin = "ledger/bench", Witness = new WitnessDirectory(Path.Combine(keyDir.FullName, "witness")) });
            foreach (var batch in generator.Batches(events, 1_000))
                await appender.AppendAsync(batch);
            await appender.CreateCheckpointAsync();
        }
        // The standby has every event before anything is measured.
        for (var i = 0; ; i++)
        {
            try
            {
                await using var r = new NpgsqlConnection(On(replica, ledgerDb));
                await r.OpenAsync();
                if ((long)(await new NpgsqlCommand("SELECT count(*) FROM ledger.events", r).ExecuteScalarAsync())! == events)
                    break;
            }
            catch (PostgresException) when (i < 600) { }
            catch (NpgsqlException) when (i < 600) { }
            await Task.Delay(100);
        }

        // The busiest account (the measured page), and nine more accounts whose subjects the other grants cover.
        var accounts = new List<string>();
        await using (var c = new NpgsqlConnection(On(primary, ledgerDb)))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                SELECT stream_id FROM ledger.events WHERE stream_type = 'account' AND payload LIKE '%"enc":"A256GCM"%'
                GROUP BY stream_id ORDER BY count(*) DESC LIMIT 10
                """, c);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                accounts.Add(reader.GetString(0));
        }
        if (accounts.Count < 10)
            throw new InvalidOperationException($"only {accounts.Count} accounts with personal data; seed more events");

        await using var factory = new BenchPortal(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Replica"] = On(replica, ledgerDb, LedgerRoles.Ledger.Reader),
            ["ConnectionStrings:AccessLog"] = On(primary, portalDb, LedgerRoles.AccessLog.Writer),
            ["ConnectionStrings:AccessLogReplica"] = On(replica, portalDb, LedgerRoles.AccessLog.Reader),
            ["Portal:Ledger:CheckpointPublicKeyPath"] = Path.Combine(keyDir.FullName, "pub.pem"),
            ["Portal:Workspace:RequireCase"] = "false",
            ["Portal:Oidc:Authority"] = "http://127.0.0.1:9",
            ["Portal:Oidc:ClientId"] = "bench",
            ["Portal:Oidc:ClientSecret"] = "unused",
            ["Portal:Oidc:RequireHttpsMetadata"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        var (masked, granted) = ("bench-masked", "bench-granted");
        var maskedCase = await OpenCaseAsync(masked);
        var grantedCase = await OpenCaseAsync(granted);
        var grants = 0;
        foreach (var account in accounts)
        {
            using var scope = factory.Services.CreateScope();
            scope.ServiceProvider.GetRequiredService<ActiveCase>().CaptureForCircuit(grantedCase.ToString("D"));
            var page = await scope.ServiceProvider.GetRequiredService<TimelineQueries>()
                .TimelineAsync(Principal(granted), TimelineCriteria.For(new StreamKey("account", account)), CancellationToken.None);
            foreach (var subject in page.Redaction.FieldsBySubject.Keys.Where(s => !page.Redaction.Erased.ContainsKey(s)))
            {
                if (grants == 10)
                    break;
                var result = await scope.ServiceProvider.GetRequiredService<GrantService>().GrantAsync(Principal(granted), grantedCase,
                    new GrantRequest(subject, null, "Benchmark: a page revealed by live grants", TimeSpan.FromHours(8)), page.Redaction, CancellationToken.None);
                if (!result.IsOk)
                    throw new InvalidOperationException(result.Message);
                grants++;
            }
        }

        var url = $"/timeline/account/{accounts[0]}?size=50&event=1";
        using var maskedClient = Client(masked, maskedCase);
        using var grantedClient = Client(granted, grantedCase);
        var maskedBody = await (await maskedClient.GetAsync(url)).Content.ReadAsStringAsync();
        var grantedBody = await (await grantedClient.GetAsync(url)).Content.ReadAsStringAsync();
        if (maskedBody.Contains("data-testid=\"revealed\"", StringComparison.Ordinal) || !grantedBody.Contains("data-testid=\"revealed\"", StringComparison.Ordinal))
            throw new InvalidOperationException("the granted page must show revealed values and the masked one none");

        for (var i = 0; i < 30; i++)
        {
            await TimeAsync(maskedClient);
            await TimeAsync(grantedClient);
        }
        var times = (Masked: new List<double>(), Granted: new List<double>());
        for (var i = 0; i < requests; i++)
        {
            // Alternate which goes first, so neither always follows the other.
            if (i % 2 == 0)
            {
                times.Masked.Add(await TimeAsync(maskedClient));
                times.Granted.Add(await TimeAsync(grantedClient));
            }
            else
            {
                times.Granted.Add(await TimeAsync(grantedClient));
                times.Masked.Add(await TimeAsync(maskedClient));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ledger {events} events; page {url} (50 events); {grants} live grants; {requests} requests each, alternating; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
        Report("masked ", times.Masked);
        Report("granted", times.Granted);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"p95 difference: {Percentile(times.Granted, 0.95) - Percentile(times.Masked, 0.95):+0.0;-0.0} ms (target: within +20 ms)"));

        await using (var c = new NpgsqlConnection(primary))
        {
            await factory.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            await c.OpenAsync();
            foreach (var db in new[] { ledgerDb, portalDb })
                await new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)", c).ExecuteNonQueryAsync();
        }
        keyDir.Delete(recursive: true);
        return 0;

        async Task<Guid> OpenCaseAsync(string user)
        {
            using var scope = factory.Services.CreateScope();
            var result = await scope.ServiceProvider.GetRequiredService<CaseService>()
                .OpenAsync(Principal(user), "Benchmark", "Benchmark of the grant check and decryption", null, CancellationToken.None);
            return result.IsOk ? result.Value!.Id : throw new InvalidOperationException(result.Message);
        }

        HttpClient Client(string user, Guid caseId)
        {
            var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
            client.DefaultRequestHeaders.Add(BenchSignIn.UserHeader, user);
            client.DefaultRequestHeaders.Add("Cookie", $"{ActiveCase.CookieName}={caseId:D}");
            return client;
        }

        async Task<double> TimeAsync(HttpClient client)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await client.GetAsync(url);
            await response.Content.ReadAsByteArrayAsync();
            response.EnsureSuccessStatusCode();
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        static ClaimsPrincipal Principal(string user) =>
            PortalPrincipal.Create([new Claim("sub", user), new Claim("preferred_username", user), new Claim("name", user)], [PortalRoles.Investigator]);

        static double Percentile(List<double> values, double p)
        {
            var sorted = values.Order().ToList();
            return sorted[(int)Math.Ceiling(p * sorted.Count) - 1];
        }

        static void Report(string name, List<double> values) =>
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: p50 {Percentile(values, 0.50):0.0} ms, p95 {Percentile(values, 0.95):0.0} ms, p99 {Percentile(values, 0.99):0.0} ms, mean {values.Average():0.0} ms"));
    }
}

/// <summary>The real portal in process, signed in by a header (this benchmark only; the portal has no such scheme).</summary>
internal sealed class BenchPortal(Dictionary<string, string?> settings) : WebApplicationFactory<global::Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
        builder.ConfigureTestServices(services =>
        {
            services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, BenchSignIn>(BenchSignIn.SchemeName, null);
            services.PostConfigure<AuthenticationOptions>(o => o.DefaultAuthenticateScheme = BenchSignIn.SchemeName);
        });
    }
}

internal sealed class BenchSignIn(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bench";
    public const string UserHeader = "X-Bench-User";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(UserHeader, out var user) || string.IsNullOrEmpty(user))
            return Task.FromResult(AuthenticateResult.NoResult());
        var principal = PortalPrincipal.Create([new Claim("sub", user!), new Claim("preferred_username", user!), new Claim("name", user!)], [PortalRoles.Investigator]);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
