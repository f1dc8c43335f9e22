using AuditPortal.Data;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Replica;
using AuditPortal.Data.Schema;
using AuditPortal.Evidence;
using AuditPortal.Verification.Checkpoints;
using Npgsql;

namespace AuditPortal.Cli.Commands;

/// <summary>
/// <c>auditportal access-log export --pdf FILE [--from T] [--to T] [--user SUB]</c>: the signed review PDF of a period
/// (docs/access-log-review.md, "Review export"), as the operator. Recorded in the access log first (nothing is made if
/// that fails), a checkpoint of the access log signed with its key, the file written beside the target and moved into
/// place only when complete.
/// </summary>
internal static class AccessLogReviewPdfCommand
{
    public static async Task<int> RunAsync(CliConsole console, CliEnvironment env, AccessLogFilter filter, string pdfPath, string? connection,
        string? keysDirOption, string? witnessDir, string deployment, CancellationToken ct)
    {
        var portalDb = env.PortalDatabase(connection);
        var keysDir = env.KeysDirectory(keysDirOption);
        EvidenceSigningCertificate signing;
        try { signing = EvidenceSigningCertificate.FromEnvironment(env.Variable, keysDir); }
        catch (InvalidOperationException ex) { throw new CliUsageException(ex.Message); }
        using var _ = signing;
        using var signer = CheckpointKeys.LoadSigner(keysDir, AccessLogCommands.KeyName);
        await using var data = NpgsqlDataSource.Create(AutoPrepare.Apply(CliEnvironment.AsRole(portalDb, LedgerRoles.AccessLog.Writer)));
        await using var writer = new AccessLogWriter(data, TimeProvider.System, new AccessLogWriterOptions
        {
            Deployment = deployment,
            Signer = signer,
            Witness = new WitnessDirectory(env.AccessLogWitnessDirectory(witnessDir)),
        });
        await using var connections = new ReplicaConnectionFactory(portalDb);
        var exporter = new AccessLogReviewExporter(data, new AccessLogReader(connections), writer, signer.PublicKey, signer.Ed25519?.PublicKey, signing);
        var operatorName = Environment.UserName;
        var request = new AccessLogReviewRequest(AccessLogReviewRequest.NewExportId(TimeProvider.System), filter,
            filter.SubjectId is { } user ? new Dictionary<string, string> { ["user"] = user } : new Dictionary<string, string>(),
            operatorName, "operator", TimeProvider.System.GetUtcNow().UtcDateTime);
        AccessLogReviewPdf export;
        try
        {
            export = await exporter.RecordAndExportAsync(request, "cli:" + operatorName, TimeProvider.System, ct);
        }
        catch (AccessLogUnavailableException ex)
        {
            throw new CliUsageException($"the export could not be recorded in the access log, so no PDF was made: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            throw new CliUsageException("no PDF was made: " + ex.Message);
        }
        var temporary = pdfPath + ".partial";
        await File.WriteAllBytesAsync(temporary, export.Pdf, ct);
        File.Move(temporary, pdfPath, overwrite: true);
        await console.Error.WriteLineAsync(
            $"wrote {export.QueryCount} queries ({export.EventCount} access-log events proved in the checkpoint of size {export.CheckpointSize}) to {pdfPath} (PDF SHA-256 {export.PdfSha256}, bundle SHA-256 {export.BundleSha256})");
        return ExitCodes.Ok;
    }
}
