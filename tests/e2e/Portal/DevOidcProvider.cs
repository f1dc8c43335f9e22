using System.Net;
using System.Net.Sockets;

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
/// The real development OpenID Provider (<see cref="DevOidcProcess"/>) on a free port, registered to
/// redirect to the in-memory test portal at https://localhost, and that portal (<see cref="Portal"/>).
/// </summary>
public sealed class DevOidcProvider : IAsyncLifetime
{
    public const string ClientSecret = DevOidcProcess.ClientSecret;

    private DevOidcProcess? _process;

    public int Port { get; } = FreePort.Get();
    public string Issuer => $"http://127.0.0.1:{Port}";
    public PortalFactory Portal { get; private set; } = null!;

    public string Output => _process?.Output ?? "";

    public async Task InitializeAsync()
    {
        _process = await DevOidcProcess.StartAsync(Port, PortalFactory.BaseAddress.GetLeftPart(UriPartial.Authority));
        Portal = new PortalFactory(Issuer);
    }

    public async Task DisposeAsync()
    {
        if (Portal is not null)
        {
            await Portal.DisposeAsync();
        }
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}
