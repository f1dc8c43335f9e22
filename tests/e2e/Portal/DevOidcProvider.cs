using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AuditPortal.Tests.E2e.Portal;

internal static class FreePort
{
    public static int Get()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// The real development OpenID Provider (<c>node dev/oidc/server.mjs</c>, oidc-provider 9.13) on a free
/// port, registered to redirect to the test portal at https://localhost. Needs <c>npm ci</c> first.
/// </summary>
public sealed class DevOidcProvider : IAsyncLifetime
{
    public const string ClientSecret = "auditportal-test-secret";

    private readonly StringBuilder _output = new();
    private Process? _process;

    public int Port { get; } = FreePort.Get();
    public string Issuer => $"http://127.0.0.1:{Port}";
    public PortalFactory Portal { get; private set; } = null!;

    /// <summary>An empty, migrated ledger/portal pair on the real primary + standby: the home page's gateway needs them.</summary>
    public Gateway.LedgerDatabasesFixture Databases { get; } = new(events: 0);

    public async Task InitializeAsync()
    {
        var root = RepositoryRoot();
        if (!Directory.Exists(Path.Combine(root, "node_modules", "oidc-provider")))
        {
            throw new InvalidOperationException(
                $"node_modules/oidc-provider is missing in {root}: run 'npm ci' (./portal test does) before these tests.");
        }

        var start = new ProcessStartInfo("node", Path.Combine(root, "dev", "oidc", "server.mjs"))
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PORTAL_OIDC_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PORTAL_OIDC_CLIENT_SECRET"] = ClientSecret;
        start.Environment["PORTAL_OIDC_EXTRA_REDIRECTS"] = PortalFactory.BaseAddress.GetLeftPart(UriPartial.Authority);
        _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        _process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30); // the wall clock only bounds waiting for a child process
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"{Issuer}/.well-known/openid-configuration"));
                if (response.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"dev OpenID Provider did not come up on {Issuer}:\n{Output}");
            }
            await Task.Delay(200);
        }
        await Databases.InitializeAsync();
        Portal = new PortalFactory(Issuer, Databases.PortalConfiguration());
    }

    public string Output
    {
        get { lock (_output) { return _output.ToString(); } }
    }

    public async Task DisposeAsync()
    {
        if (Portal is not null)
        {
            await Portal.DisposeAsync();
        }
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        await Databases.DisposeAsync();
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AuditPortal.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("AuditPortal.sln not found above " + AppContext.BaseDirectory);
    }
}
