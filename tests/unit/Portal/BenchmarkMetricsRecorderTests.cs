using System.Diagnostics.Metrics;
using AuditPortal.Portal.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Portal;

public class BenchmarkMetricsRecorderTests
{
    private static BenchmarkMetricsRecorder Recorder(string? path, FakeTimeProvider time, bool components = true) => new(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [BenchmarkMetricsRecorder.FileSetting] = path,
            [BenchmarkMetricsRecorder.ComponentMetricsSetting] = components ? "true" : null,
        }).Build(),
        time, NullLogger<BenchmarkMetricsRecorder>.Instance);

    /// <summary>
    /// Starts a recorder on a fresh file and calls <paramref name="record"/> until the file holds <paramref name="expected"/>
    /// (the listener subscribes on its own task; each try is one more line, all alike); gives the file's text.
    /// </summary>
    private static async Task<string> RecordUntilAsync(Action record, string expected, bool components = true)
    {
        var path = Path.Combine(Path.GetTempPath(), $"metrics-{Guid.NewGuid():N}.tsv");
        var recorder = Recorder(path, new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000)), components);
        await recorder.StartAsync(CancellationToken.None);
        try
        {
            var text = "";
            await Eventually.TrueAsync(async () =>
            {
                record();
                using var file = new StreamReader(new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite));
                text = await file.ReadToEndAsync();
                return text.Contains(expected, StringComparison.Ordinal);
            }, "the measurement is in the file");
            return text;
        }
        finally
        {
            await recorder.StopAsync(CancellationToken.None);
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Configured_BlazorHistogramMeasurement_IsWrittenAsOneLineInMilliseconds()
    {
        using var meter = new Meter("Microsoft.AspNetCore.Components.Test");
        var histogram = meter.CreateHistogram<double>("aspnetcore.components.update_parameters.duration", unit: "s");
        using var other = new Meter("Some.Other.Meter");
        other.CreateHistogram<double>("unrelated.duration", unit: "s").Record(1);

        var text = await RecordUntilAsync(
            () => histogram.Record(0.0125, new KeyValuePair<string, object?>("aspnetcore.components.type", "AuditPortal.Portal.Timeline.AsOf")),
            "update_parameters");

        text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0]
            .ShouldBe("1800000000000\taspnetcore.components.update_parameters.duration\t12.500\tAuditPortal.Portal.Timeline.AsOf");
        text.ShouldNotContain("unrelated", Case.Sensitive);
    }

    [Fact]
    public async Task Configured_RequestDuration_IsWrittenWithMethodRouteAndStatus()
    {
        // The framework's own meter name and instrument, as Kestrel's hosting layer records them.
        using var meter = new Meter("Microsoft.AspNetCore.Hosting");
        var histogram = meter.CreateHistogram<double>("http.server.request.duration", unit: "s");
        meter.CreateHistogram<double>("http.server.other", unit: "s").Record(1);

        var text = await RecordUntilAsync(
            () => histogram.Record(0.0421, new("http.request.method", "GET"), new("http.route", "/timeline/{Type}/{Id}"), new("http.response.status_code", 200)),
            "request.duration");

        text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0]
            .ShouldBe("1800000000000\thttp.server.request.duration\t42.100\tGET /timeline/{Type}/{Id} 200");
        text.ShouldNotContain("http.server.other", Case.Sensitive);
    }

    [Fact]
    public async Task ComponentMetricsOff_OnlyRequestsAreWritten()
    {
        using var components = new Meter("Microsoft.AspNetCore.Components.Test");
        var parameters = components.CreateHistogram<double>("aspnetcore.components.update_parameters.duration", unit: "s");
        using var hosting = new Meter("Microsoft.AspNetCore.Hosting");
        var requests = hosting.CreateHistogram<double>("http.server.request.duration", unit: "s");

        var text = await RecordUntilAsync(() =>
        {
            parameters.Record(0.001, new KeyValuePair<string, object?>("aspnetcore.components.type", "AuditPortal.Portal.Dashboard.Home"));
            requests.Record(0.002, new("http.request.method", "GET"), new("http.route", "/"), new("http.response.status_code", 200));
        }, "request.duration", components: false);

        text.ShouldNotContain("update_parameters", Case.Sensitive, "every component of every prerender would be timed and written");
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
