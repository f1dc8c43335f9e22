namespace AuditPortal.Portal.Gateway;

/// <summary>
/// Where the caller connects from, for the access log (DESIGN §4). A request knows it from its
/// <see cref="HttpContext"/>; a circuit has no HttpContext, so its client address is captured when the
/// circuit starts: the prerendered page hands it to the circuit's root component (<c>Layout/Routes.razor</c>)
/// as a parameter, which Data Protection protects like all component state, and the root calls
/// <see cref="CaptureForCircuit"/>. One per request or circuit (scoped).
/// </summary>
public sealed class ClientConnection(IHttpContextAccessor httpContextAccessor)
{
    private bool captured;
    private string? circuitAddress;

    /// <summary>The client's IP address, or null when unknown.</summary>
    public string? Address => captured ? circuitAddress : httpContextAccessor.HttpContext?.Connection.RemoteIpAddress?.ToString();

    /// <summary>Fixes the address for the rest of this circuit.</summary>
    public void CaptureForCircuit(string? address)
    {
        circuitAddress = address;
        captured = true;
    }
}
