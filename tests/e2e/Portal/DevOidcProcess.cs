using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace AuditPortal.Tests.E2e.Portal;

/// <summary>
/// One run of the real development OpenID Provider (<c>node dev/oidc/server.mjs</c>, oidc-provider 9.13)
/// on 127.0.0.1:<see cref="Port"/>, accepting redirects to the given portal base URLs. Needs <c>npm ci</c> first.
/// </summary>
public sealed class DevOidcProcess : IAsyncDisposable
{
    public const string ClientSecret = "auditportal-test-secret";

    private readonly StringBuilder _output = new();
    private readonly Process _process;

    private DevOidcProcess(int port, Process process)
    {
        Port = port;
        _process = process;
    }

    public int Port { get; }
    public string Issuer => $"http://127.0.0.1:{Port}";

    /// <summary>What the provider printed so far (stdout and stderr), for failure messages.</summary>
    public string Output
    {
        get { lock (_output) { return _output.ToString(); } }
    }

    /// <summary>Starts the provider and waits until its discovery document answers.</summary>
    /// <param name="port">A free port (see <see cref="FreePort"/>).</param>
    /// <param name="portalBaseUrls">Portal origins (<c>http://127.0.0.1:43123</c>) whose
    /// <c>/signin-oidc</c> and <c>/signed-out</c> the provider must accept: it compares redirect URIs exactly.</param>
    public static async Task<DevOidcProcess> StartAsync(int port, params string[] portalBaseUrls)
    {
        var root = RepositoryRoot();
        if (!Directory.Exists(Path.Combine(root, "node_modules", "oidc-provider")))
        {
            throw new InvalidOperationException(
                $"node_modules/oidc-provider is missing in {root}: run 'npm ci' (./portal test does) before these tests.");
        }

        // ./portal test installs a Node LTS that oidc-provider supports and names it here (scripts/deps.sh).
        var node = Environment.GetEnvironmentVariable("AUDITPORTAL_OIDC_NODE") is { Length: > 0 } n ? n : "node";
        var start = new ProcessStartInfo(node, Path.Combine(root, "dev", "oidc", "server.mjs"))
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PORTAL_OIDC_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["PORTAL_OIDC_CLIENT_SECRET"] = ClientSecret;
        start.Environment["PORTAL_OIDC_EXTRA_REDIRECTS"] = string.Join(',', portalBaseUrls);
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var provider = new DevOidcProcess(port, process);
        process.OutputDataReceived += (_, e) => provider.Append(e.Data);
        process.ErrorDataReceived += (_, e) => provider.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await provider.WaitUntilUpAsync();
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitUntilUpAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30); // the wall clock only bounds waiting for a child process
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"{Issuer}/.well-known/openid-configuration"));
                if (response.IsSuccessStatusCode)
                {
                    return;
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
