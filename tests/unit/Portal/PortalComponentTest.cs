using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace AuditPortal.Tests.Portal;

/// <summary>
/// bUnit with what the portal's components need: MudBlazor's services, and JavaScript interop in loose
/// mode (MudBlazor's calls return defaults; nothing here depends on a browser). Disposed asynchronously
/// (xUnit's <see cref="IAsyncLifetime"/>): some of MudBlazor's services are only asynchronously disposable.
/// </summary>
public abstract class PortalComponentTest : BunitContext, IAsyncLifetime
{
    protected PortalComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();
}
