// An evidence export through the portal's background job, end to end, next to the engine alone (docs/performance.md),
// on the dev environment (`./portal up`, then `eval "$(./portal env)"`), after EvidencePdfBenchmark's `prepare --events N`:
//
//   dotnet run -c Release --project benchmarks/CaseExportBenchmark -- --events 1000 [--repeat 3]
//
// Builds the portal's own services (AddPortalWeb, the configuration `./portal up` gives the portal), opens a case for a
// benchmark investigator, and times, each --repeat times in one warm process: (a) the engine alone
// (EvidencePdfExporter.ExportStreamAsync, as the CLI runs it) and (b) the portal's job (EvidenceExportJobs.Start →
// done: the engine plus the workspace row and its PDF stored in one transaction). Prints both and the PDF size.
using System.Diagnostics;
using System.Globalization;
using AuditPortal.Data.Workspace;
using AuditPortal.Evidence;
using AuditPortal.Portal.Evidence;
using AuditPortal.Portal.Hosting;
using AuditPortal.Verification.Ledger;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

var events = int.Parse(Arg("--events") ?? "1000", CultureInfo.InvariantCulture);
var repeat = int.Parse(Arg("--repeat") ?? "3", CultureInfo.InvariantCulture);
var keys = Env("AUDITPORTAL_KEYS_DIR");
var stream = new StreamKey("bench", "evidence-" + events.ToString(CultureInfo.InvariantCulture));

var builder = WebApplication.CreateBuilder();
builder.Logging.ClearProviders();
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["ConnectionStrings:Replica"] = As(Env("AUDITPORTAL_REPLICA"), "ledger_reader"),
    ["ConnectionStrings:AccessLog"] = As(Env("AUDITPORTAL_PORTAL_DB"), "accesslog_writer"),
    ["Portal:Ledger:CheckpointPublicKeyPath"] = Path.Combine(keys, "ledger-checkpoint-public.pem"),
    ["Portal:Evidence:SigningCertificatePath"] = Path.Combine(keys, "evidence-signing-cert.pem"),
    ["Portal:Evidence:SigningKeyPath"] = Path.Combine(keys, "evidence-signing-key.pem"),
    ["Portal:Oidc:Authority"] = "http://127.0.0.1:1",
    ["Portal:Oidc:ClientId"] = "benchmark",
    ["Portal:Oidc:ClientSecret"] = "unused",
});
builder.AddPortalWeb();
await using var app = builder.Build();
var services = app.Services;
var jobs = services.GetRequiredService<EvidenceExportJobs>();
var engine = services.GetRequiredService<EvidenceExportEngine>();
var workspace = services.GetRequiredService<IDbContextFactory<WorkspaceDbContext>>();

var caseId = Guid.CreateVersion7();
await using (var db = await workspace.CreateDbContextAsync())
{
    db.Cases.Add(new InvestigationCase
    {
        Id = caseId, Title = "Benchmark " + caseId.ToString("N")[..6], Purpose = "Benchmark of the portal's export job", Status = CaseStatus.Open,
        OwnerSubject = "bench-investigator", OwnerName = "Benchmark", OpenedAt = DateTimeOffset.UtcNow,
    });
    await db.SaveChangesAsync();
}
var who = new EvidenceRequester("bench-investigator", "Benchmark", ["investigator"], "Benchmark", caseId.ToString("D"), null, "Benchmark");
var request = new ExportJobRequest(caseId, new ExportScope(stream, null), who, []);

var engineTimes = new List<double>();
var jobTimes = new List<double>();
long pdfBytes = 0;
for (var r = 0; r < repeat; r++)
{
    var watch = Stopwatch.StartNew();
    var export = await engine.Create().ExportStreamAsync(stream, who);
    engineTimes.Add(watch.Elapsed.TotalSeconds);
    pdfBytes = export.Pdf.Length;

    watch.Restart();
    var job = jobs.Start(request);
    await jobs.WhenFinishedAsync(job.Id);
    jobTimes.Add(watch.Elapsed.TotalSeconds);
    if (job.Status != ExportJobStatus.Done)
    {
        Console.Error.WriteLine($"the job ended {job.Status}: {job.Message}");
        return 1;
    }
}
string Times(List<double> t) => string.Join(" / ", t.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{stream}: engine alone {Times(engineTimes)} s; portal job end to end {Times(jobTimes)} s (first is cold); PDF {pdfBytes / 1_048_576.0:F2} MB"));
return 0;

string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

static string Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v
    : throw new InvalidOperationException($"{name} is not set: run eval \"$(./portal env)\" first");

static string As(string connectionString, string role) =>
    new NpgsqlConnectionStringBuilder(connectionString) { Username = role, Password = null }.ConnectionString;
