using System.Diagnostics.Metrics;
using AuditPortal.Portal.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Portal;

public class ComponentMetricsRecorderTests
{
    private static ComponentMetricsRecorder Recorder(string? path, FakeTimeProvider time) => new(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [ComponentMetricsRecorder.FileSetting] = path }).Build(),
        time, NullLogger<ComponentMetricsRecorder>.Instance);

    [Fact]
    public async Task Configured_BlazorHistogramMeasurement_IsWrittenAsOneLineInMilliseconds()
    {
        var path = Path.Combine(Path.GetTempPath(), $"component-metrics-{Guid.NewGuid():N}.tsv");
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000));
        var recorder = Recorder(path, time);
        await recorder.StartAsync(CancellationToken.None);
        try
        {
            using var meter = new Meter("Microsoft.AspNetCore.Components.Test");
            var histogram = meter.CreateHistogram<double>("aspnetcore.components.update_parameters.duration", unit: "s");
            using var other = new Meter("Some.Other.Meter");
            other.CreateHistogram<double>("unrelated.duration", unit: "s").Record(1);

            // The listener subscribes on its task; record until the line shows (each try is one more line, all alike).
            var text = "";
            await Eventually.TrueAsync(async () =>
            {
                histogram.Record(0.0125, new KeyValuePair<string, object?>("aspnetcore.components.type", "AuditPortal.Portal.Timeline.AsOf"));
                using var file = new StreamReader(new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite));
                text = await file.ReadToEndAsync();
                return text.Contains("update_parameters", StringComparison.Ordinal);
            }, "the measurement is in the file");
            var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0];
            line.ShouldBe("1800000000000\taspnetcore.components.update_parameters.duration\t12.500\tAuditPortal.Portal.Timeline.AsOf");
            text.ShouldNotContain("unrelated", Case.Sensitive);
        }
        finally
        {
            await recorder.StopAsync(CancellationToken.None);
            File.Delete(path);
        }
    }

    [Fact]
    public async Task NotConfigured_WritesNothing()
    {
        var recorder = Recorder(null, new FakeTimeProvider());

        await recorder.StartAsync(CancellationToken.None);

        await recorder.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));
        recorder.ExecuteTask!.IsCompletedSuccessfully.ShouldBeTrue("without a file the recorder ends at once, listening to nothing");
        await recorder.StopAsync(CancellationToken.None);
    }
}
