using System.Diagnostics.Metrics;
using System.Globalization;
using System.Threading.Channels;

namespace AuditPortal.Portal.Hosting;

/// <summary>
/// For benchmarks only, off unless <c>Portal:Diagnostics:MetricsFile</c> names a file: appends every measurement of
/// the framework's request duration (<c>http.server.request.duration</c>, meter <c>Microsoft.AspNetCore.Hosting</c>)
/// to that file and, with <c>Portal:Diagnostics:ComponentMetrics=true</c>, of its Blazor histograms (meters
/// <c>Microsoft.AspNetCore.Components*</c>: <c>aspnetcore.components.update_parameters.duration</c>,
/// <c>handle_event.duration</c>, <c>render_diff.duration</c>). One line each: Unix time in ms, instrument, value in ms,
/// and for a request its method, route and status (<c>GET /timeline/{Type}/{Id} 200</c>), for a component its type.
/// The load benchmark (benchmarks/portal-load) reads the requests; the circuit benchmark (benchmarks/CircuitBenchmark)
/// the pages' parameter updates. Raw values, not the meters' aggregates, so percentiles are exact. Lines are queued
/// and written by one task, never on the request's or the circuit's thread.
/// </summary>
/// <remarks>
/// Why the component histograms are a setting of their own: once a listener takes them, the framework times every
/// component's parameter update, and a prerendered timeline page has hundreds of components — a load run wrote
/// 50 million lines (6 GB) and measured that work too. The request log the load benchmark read before cost ~15 % of
/// the portal's CPU the same way.
/// </remarks>
public sealed class BenchmarkMetricsRecorder(IConfiguration configuration, TimeProvider time, ILogger<BenchmarkMetricsRecorder> log) : BackgroundService
{
    public const string FileSetting = "Portal:Diagnostics:MetricsFile";

    public const string ComponentMetricsSetting = "Portal:Diagnostics:ComponentMetrics";

    private const string RequestDuration = "http.server.request.duration";

    private readonly Channel<string> lines = Channel.CreateUnbounded<string>(); // multi-reader: its Count tells when to flush

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (configuration[FileSetting] is not { Length: > 0 } path)
            return;
        var components = configuration.GetValue<bool>(ComponentMetricsSetting);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument is Histogram<double> && ((instrument.Meter.Name == "Microsoft.AspNetCore.Hosting" && instrument.Name == RequestDuration)
                    || (components && instrument.Meter.Name.StartsWith("Microsoft.AspNetCore.Components", StringComparison.Ordinal))))
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>(Record);
        listener.Start();
        await using var file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite));
        try
        {
            await foreach (var line in lines.Reader.ReadAllAsync(stoppingToken))
            {
                await file.WriteLineAsync(line);
                if (lines.Reader.Count == 0)
                    await file.FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (IOException e)
        {
            // A benchmark aid must not stop the portal: say so and stop recording.
            log.LogError(e, "Benchmark metrics are no longer written to {Path}", path);
        }
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? component = null, method = null, route = null, status = null;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case "aspnetcore.components.type": component = tag.Value as string; break;
                case "http.request.method": method = tag.Value as string; break;
                case "http.route": route = tag.Value as string; break;
                case "http.response.status_code": status = Convert.ToString(tag.Value, CultureInfo.InvariantCulture); break;
            }
        }
        var what = instrument.Name == RequestDuration ? $"{method ?? "-"} {route ?? "-"} {status ?? "-"}" : component ?? "-";
        var ms = instrument.Unit == "s" ? value * 1000 : value;
        lines.Writer.TryWrite(string.Create(CultureInfo.InvariantCulture,
            $"{time.GetUtcNow().ToUnixTimeMilliseconds()}\t{instrument.Name}\t{ms:F3}\t{what}"));
    }
}
