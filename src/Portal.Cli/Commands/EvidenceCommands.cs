using System.CommandLine;
using System.Text.Json;
using AuditPortal.Data.Proofs;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Evidence;
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
        var stream = new Option<string>("--stream") { Description = "The stream, written TYPE/ID", Required = true };
        var output = new Option<string?>("--out") { Description = "Write the bundle to this file (default: standard output)" };
        var command = new Command("export", "Export every event of a stream up to the latest checkpoint, with inclusion proofs and the proof of the stream's head (or of its absence)")
        {
            connection, keysDir, stream, output,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var key = StreamArgument.Parse(parse.GetValue(stream)!);
            await using var dataSource = NpgsqlDataSource.Create(env.ReadOnly(parse.GetValue(connection)));
            var keys = env.KeysDirectory(parse.GetValue(keysDir));
            var ed25519 = CheckpointKeys.Ed25519PublicPath(keys, LedgerCommands.LedgerKeyName);
            var service = new ProofService(dataSource, ProofCommands.PublicKey(env, parse.GetValue(keysDir)), TimeProvider.System)
            {
                Ed25519PublicKey = File.Exists(ed25519) ? Ed25519CheckpointKey.PublicKeyFromPem(await File.ReadAllTextAsync(ed25519, ct)) : null,
            };
            EvidenceBundleV2 bundle;
            try { bundle = await service.StreamBundleAsync(key, Environment.UserName, ct); }
            catch (InvalidDataException ex) { throw new CliUsageException(ex.Message); }
            var json = JsonSerializer.Serialize(bundle, ProofCommands.Indented);
            if (parse.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, json + "\n", ct);
                await console.Error.WriteLineAsync($"wrote {bundle.Events.Count} events of {key} to {path}");
            }
            else
            {
                await console.Out.WriteLineAsync(json);
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Verify(CliConsole console)
    {
        var file = new Argument<string>("FILE") { Description = "An evidence bundle, inclusion proof or consistency proof (JSON)" };
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
            var report = EvidenceFile.Verify(await File.ReadAllBytesAsync(path, ct), trusted);
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
                    findings = report.Findings.Select(f => new { check = f.Check, seq = f.Seq, where = f.Where, expected = f.Expected, actual = f.Actual, message = f.Message }),
                }, ProofCommands.Indented));
            }
            else
            {
                foreach (var f in report.Findings)
                    await console.Out.WriteLineAsync($"FINDING {f.Check} at seq {f.Seq?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}{(f.Where is null ? "" : " (" + f.Where + ")")}: {f.Message} (expected {f.Expected}, actual {f.Actual})");
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
}
