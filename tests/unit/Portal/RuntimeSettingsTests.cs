using System.Text.Json;

namespace AuditPortal.Tests.Portal;

/// <summary>
/// The runtime settings the portal's build writes into its <c>runtimeconfig.json</c> (the file the host reads at start,
/// copied beside this test assembly with the portal's), so a change of the project file that drops one fails here.
/// </summary>
public sealed class RuntimeSettingsTests
{
    private static JsonElement ConfigProperties()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "AuditPortal.Portal.runtimeconfig.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void ThreadPoolWorkers_DoNotSpinBeforeWaiting()
    {
        ConfigProperties().GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetRawText().Trim('"').ShouldBe("0");
    }

    [Fact]
    public void ServerGarbageCollector_IsKept()
    {
        ConfigProperties().GetProperty("System.GC.Server").GetBoolean().ShouldBeTrue();
    }
}
