using System.Net;
using AuditPortal.Portal.Gateway;
using Microsoft.AspNetCore.Http;

namespace AuditPortal.Tests.Portal;

public class ClientConnectionTests
{
    [Fact]
    public void Request_AddressFromItsHttpContext()
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.7");

        new ClientConnection(new HttpContextAccessor { HttpContext = context }).Address.ShouldBe("192.0.2.7");
    }

    [Fact]
    public void Circuit_CapturedAddressWinsOverWhateverHttpContextIsAround()
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.7");
        var client = new ClientConnection(new HttpContextAccessor { HttpContext = context });

        client.CaptureForCircuit("198.51.100.4");

        client.Address.ShouldBe("198.51.100.4");
    }

    [Fact]
    public void Circuit_NoHttpContextAndNothingCaptured_Unknown()
    {
        new ClientConnection(new HttpContextAccessor()).Address.ShouldBeNull();
    }
}
