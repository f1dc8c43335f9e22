using System.CommandLine;
using System.Text.Json;
using AuditPortal.Data;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Proofs;
using AuditPortal.Data.Schema;
using AuditPortal.Evidence;
using AuditPortal.Evidence.Pdf;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Evidence;
using AuditPortal.Verification.Ledger;
using Npgsql;

namespace AuditPortal.Cli.Commands;

/// <summary>`auditportal evidence export|verify`. Verify is offline: it opens no connection.</summary>
public static class EvidenceCommands
{
    public static Command Build(CliConsole console, CliEnvironment env)
    {
        var evidence = new Command("evidence", "Export evidence bundles and verify bundles or proof documents offline");
        evidence.Subcommands.Add(Export(console, env));
        evidence.Subcommands.Add(Verify(console));
        return evidence;
    }

    private static Command Export(CliConsole console, CliEnvironment env)
    {
        var connection = CommonOptions.Connection();
        var keysDir = CommonOptions.KeysDir();
        var stream = new Option<string?>("--stream") { Description = "The stream, written TYPE/ID" };
        var lineageOf = new Option<string?>("--lineage-of")
        {
            Description = "Instead of a stream: this output (an event id) with its lineage closure, every input recursively, as an evidence set (docs/ledger-format.md §8.8)",
        };
        var output = new Option<string?>("--out") { Description = "Write the bundle to this file (default: standard output)" };
        var pdf = new Option<string?>("--pdf")
        {
            Description = "Write a signed evidence PDF with the bundle inside instead (personal data masked; recorded in the access log first: AUDITPORTAL_PORTAL_DB)",
        };
        var purpose = new Option<string?>("--purpose") { Description = "The purpose of a PDF export, recorded in the access log and printed on the cover" };
        var accessLog = new Option<string?>("--access-log-connection") { Description = "The portal database holding the access log (default: AUDITPORTAL_PORTAL_DB), written as accesslog_writer" };
        var origin = CommonOptions.Origin();
        var command = new Command("export", "Export every event of a stream up to the latest checkpoint, with inclusion proofs and the proof of the stream's head (or of its absence); or an output with its lineage closure")
        {
            connection, keysDir, stream, lineageOf, output, pdf, purpose, accessLog, origin,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            if ((parse.GetValue(stream) is null) == (parse.GetValue(lineageOf) is null))
                throw new CliUsageException("give --stream TYPE/ID or --lineage-of EVENT_ID (one of them)");
            var key = parse.GetValue(stream) is { } streamText ? StreamArgument.Parse(streamText) : (StreamKey?)null;
            var closure = parse.GetValue(lineageOf) is { } outputText
                ? new LineageClosure(Guid.TryParseExact(outputText, "D", out var outputId) && outputText == outputId.ToString("D")
                    ? outputId
                    : throw new CliUsageException($"--lineage-of: an event id (a lowercase UUID such as 018df3a0-5c00-7000-8000-000000000004), not '{AuditPortal.Data.Requests.LedgerName.ForDisplay(outputText, 40)}'"), null)
                : null;
            if (parse.GetValue(pdf) is not null && parse.GetValue(output) is not null)
                throw new CliUsageException("give --pdf or --out, not both");
            await using var dataSource = NpgsqlDataSource.Create(env.ReadOnly(parse.GetValue(connection)));
            var keys = env.KeysDirectory(parse.GetValue(keysDir));
            var ed25519 = CheckpointKeys.Ed25519PublicPath(keys, LedgerCommands.LedgerKeyName);
            var service = new ProofService(dataSource, ProofCommands.PublicKey(env, parse.GetValue(keysDir)), TimeProvider.System)
            {
                Ed25519PublicKey = File.Exists(ed25519) ? Ed25519CheckpointKey.PublicKeyFromPem(await File.ReadAllTextAsync(ed25519, ct)) : null,
            };
            if (parse.GetValue(pdf) is { } pdfPath)
                return await ExportPdfAsync(console, env, service, dataSource, ProofCommands.PublicKey(env, parse.GetValue(keysDir)), keys,
                    key is { } one ? (exporter, who) => exporter.ExportStreamAsync(one, who, ct: ct) : (exporter, who) => exporter.ExportSetAsync(closure!, who, ct: ct),
                    key?.ToString() ?? closure!.ToString(), pdfPath, parse.GetValue(purpose), parse.GetValue(accessLog), LedgerCommands.Deployment(parse.GetValue(origin)!), ct);
            string json;
            int count;
            try
            {
                if (key is { } one)
                {
                    var bundle = await service.StreamBundleAsync(one, Environment.UserName, ct);
                    (json, count) = (JsonSerializer.Serialize(bundle, ProofCommands.Indented), bundle.Events.Count);
                }
                else
                {
                    var set = await service.EventSetAsync(closure!, Environment.UserName, ct);
                    (json, count) = (JsonSerializer.Serialize(set, ProofCommands.Indented), set.Bundles.Sum(b => b.Events.Count));
                }
            }
            catch (Exception ex) when (ex is InvalidDataException || (ex is InvalidOperationException && closure is not null))
            {
                throw new CliUsageException(ex.Message);
            }
            if (parse.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, json + "\n", ct);
                await console.Error.WriteLineAsync($"wrote {count} events of {key?.ToString() ?? closure!.ToString()} to {path}");
            }
            else
            {
                await console.Out.WriteLineAsync(json);
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>
    /// The PDF export as the operator: recorded in the access log before anything is read, written to a temporary file
    /// beside the target and moved into place only when complete, so a failure leaves no file.
    /// </summary>
    private static async Task<int> ExportPdfAsync(CliConsole console, CliEnvironment env, ProofService service, NpgsqlDataSource ledger,
        CheckpointPublicKey ledgerKey, string keysDir, Func<EvidencePdfExporter, EvidenceRequester, Task<EvidencePdfExport>> export, string scope, string pdfPath,
        string? purpose, string? accessLogOption, string deployment, CancellationToken ct)
    {
        var portalDb = accessLogOption ?? env.PortalDb
            ?? throw new CliUsageException($"a PDF export is recorded in the access log first: pass --access-log-connection or set {CliEnvironment.PortalDbVariable}");
        using var signing = LoadSigning(env, keysDir);
        await using var accessLogData = NpgsqlDataSource.Create(AutoPrepare.Apply(CliEnvironment.AsRole(portalDb, LedgerRoles.AccessLog.Writer)));
        await using var writer = new AccessLogWriter(accessLogData, TimeProvider.System, new AccessLogWriterOptions { Deployment = deployment });
        var exporter = new EvidencePdfExporter(service, ledger, writer, accessLogData, AccessLogEvents.Origin(deployment), ledgerKey, signing, TimeProvider.System);
        var operatorName = Environment.UserName;
        EvidencePdfExport done;
        try
        {
            done = await export(exporter, new EvidenceRequester("cli:" + operatorName, operatorName, ["operator"], purpose));
        }
        catch (AccessLogUnavailableException ex)
        {
            throw new CliUsageException($"the export could not be recorded in the access log, so no PDF was made: {ex.Message}");
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException)
        {
            throw new CliUsageException(ex.Message);
        }
        var temporary = pdfPath + ".partial";
        await File.WriteAllBytesAsync(temporary, done.Pdf, ct);
        File.Move(temporary, pdfPath, overwrite: true);
        await console.Error.WriteLineAsync(
            $"wrote {done.EventCount} events of {scope} to {pdfPath} (export {done.ExportId}, access-log entry {done.AccessLogSeq}, PDF SHA-256 {done.PdfSha256}, bundle SHA-256 {done.BundleSha256})");
        return ExitCodes.Ok;
    }

    private static EvidenceSigningCertificate LoadSigning(CliEnvironment env, string keysDir)
    {
        try { return EvidenceSigningCertificate.FromEnvironment(env.Variable, keysDir); }
        catch (InvalidOperationException ex) { throw new CliUsageException(ex.Message); }
    }

    private static Command Verify(CliConsole console)
    {
        var file = new Argument<string>("FILE") { Description = "An evidence PDF (one stream or an evidence set: a case's starred events or a lineage closure), or an evidence bundle, evidence set, inclusion proof or consistency proof (JSON)" };
        var publicKey = new Option<string?>("--public-key") { Description = "PEM public key the checkpoint must be signed with (pins trust)" };
        var json = CommonOptions.Json();
        var command = new Command("verify", "Check a bundle or proof offline; exit 0 intact, 1 findings, 2 unreadable") { file, publicKey, json };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
                throw new CliUsageException($"no such file: {path}");
            CheckpointPublicKey? trusted = null;
            if (parse.GetValue(publicKey) is { } keyPath)
            {
                if (!File.Exists(keyPath))
                    throw new CliUsageException($"no such public key file: {keyPath}");
                try { trusted = CheckpointPublicKey.FromPem(await File.ReadAllTextAsync(keyPath, ct)); }
                catch (System.Security.Cryptography.CryptographicException ex) { throw new CliUsageException($"{keyPath} is not a P-256 public key: {ex.Message}"); }
            }
            var bytes = await File.ReadAllBytesAsync(path, ct);
            if (EvidencePdfVerifier.LooksLikePdf(bytes))
                return await VerifyPdfAsync(console, bytes, trusted, parse.GetValue(json));
            var report = EvidenceFile.Verify(bytes, trusted);
            if (parse.GetValue(json))
            {
                await console.Out.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    intact = report.Intact,
                    events_checked = report.EventsChecked,
                    checkpoint_size = report.CheckpointSize,
                    root = report.RootHash,
                    key_id = report.KeyId,
                    key_pinned = report.KeyPinned,
                    findings = report.Findings.Select(FindingJson),
                }, ProofCommands.Indented));
            }
            else
            {
                foreach (var f in report.Findings)
                    await console.Out.WriteLineAsync(FindingLine(f));
                await console.Out.WriteLineAsync(report.Intact
                    ? $"INTACT: verified against the signed checkpoint of size {report.CheckpointSize} (root {report.RootHash}, key {report.KeyId}); {report.EventsChecked} events checked"
                    : $"{report.Findings.Count} FINDINGS");
                if (!report.KeyPinned)
                    await console.Out.WriteLineAsync("note: no --public-key given: this shows the document is consistent with the key it carries, not that the key is the ledger's");
            }
            return report.Intact ? ExitCodes.Ok : ExitCodes.Findings;
        }));
        return command;
    }

    private static string FindingLine(EvidenceFinding f) =>
        $"FINDING {f.Check} at seq {f.Seq?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}{(f.Where is null ? "" : " (" + f.Where + ")")}: {f.Message} (expected {f.Expected}, actual {f.Actual})";

    private static object FindingJson(EvidenceFinding f) =>
        new { check = f.Check, seq = f.Seq, where = f.Where, expected = f.Expected, actual = f.Actual, message = f.Message };

    /// <summary>An evidence PDF (docs/evidence-pdf.md): its signature, its embedded bundle, the cover's hash of it, and the bundle's own checks.</summary>
    private static async Task<int> VerifyPdfAsync(CliConsole console, byte[] pdf, CheckpointPublicKey? trusted, bool json)
    {
        var report = EvidencePdfVerifier.Verify(pdf, trusted);
        var signer = report.Signature.Signer;
        var signerText = signer is null ? null : $"{signer.Subject} (SHA-256 {signer.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256).ToLowerInvariant()})";
        if (json)
        {
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(new
            {
                intact = report.Intact,
                pdf_signature_valid = report.Signature.Valid,
                signer = signerText,
                signing_time = report.Signature.SigningTime,
                timestamped = report.Signature.Timestamped,
                bundle_sha256 = report.BundleSha256,
                events_checked = report.Bundle?.EventsChecked,
                checkpoint_size = report.Bundle?.CheckpointSize,
                root = report.Bundle?.RootHash,
                key_id = report.Bundle?.KeyId,
                key_pinned = report.Bundle?.KeyPinned,
                findings = report.Findings.Select(FindingJson),
            }, ProofCommands.Indented));
        }
        else
        {
            foreach (var f in report.Findings)
                await console.Out.WriteLineAsync(FindingLine(f));
            if (report.Signature.Valid)
                await console.Out.WriteLineAsync($"PDF signature: valid over the whole file, signed by {signerText}{(report.Signature.Timestamped ? ", with an RFC 3161 timestamp" : ", no timestamp")}");
            await console.Out.WriteLineAsync(report.Intact
                ? $"INTACT: the PDF is signed, its embedded bundle (SHA-256 {report.BundleSha256}) is the one its cover names, and it verifies against the signed checkpoint of size {report.Bundle!.CheckpointSize} (root {report.Bundle.RootHash}, key {report.Bundle.KeyId}); {report.Bundle.EventsChecked} events checked"
                : $"{report.Findings.Count} FINDINGS");
            if (report.Bundle is { KeyPinned: false })
                await console.Out.WriteLineAsync("note: no --public-key given: this shows the bundle is consistent with the key it carries, not that the key is the ledger's");
            await console.Out.WriteLineAsync("note: whether the signing certificate is trusted is not checked here: compare its fingerprint with the one your organisation publishes");
        }
        return report.Intact ? ExitCodes.Ok : ExitCodes.Findings;
    }
}
