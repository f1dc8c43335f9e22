using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AuditPortal.Data.Reading;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Verifying;
using Npgsql;

namespace AuditPortal.Cli.Commands;

/// <summary>
/// Which hash-chained log a verify command checks: the ledger, or the access log (same format, its own database,
/// key pair and witness; docs/access-log-review.md).
/// </summary>
/// <param name="KeyName">The key pair's name in the keys directory.</param>
/// <param name="Connection">The database to read, from the <c>--connection</c> option.</param>
/// <param name="WitnessDirectory">The witness directory, from the <c>--witness-dir</c> option.</param>
public sealed record VerifiedLog(string KeyName, Func<string?, string> Connection, Func<string?, string> WitnessDirectory);

/// <summary>`auditportal ledger verify` and `auditportal access-log verify`: exit 0 intact, 1 findings, 2 could not verify.</summary>
public static class VerifyCommand
{
    public static Command Build(CliConsole console, CliEnvironment env, VerifiedLog? log = null)
    {
        log ??= new VerifiedLog(LedgerCommands.LedgerKeyName, env.ReadOnly, env.WitnessDirectory);
        var connection = CommonOptions.Connection();
        var from = new Option<long?>("--from") { Description = "First global seq to verify" };
        var to = new Option<long?>("--to") { Description = "Last global seq to verify" };
        var stream = new Option<string?>("--stream") { Description = "Verify one stream only, written TYPE/ID" };
        var parallel = new Option<int>("--parallel") { Description = "Verify this many seq ranges concurrently", DefaultValueFactory = _ => 1 }.InRange(1, 64);
        var publicKey = new Option<string?>("--public-key") { Description = "Checkpoint public key PEM (default: the ledger key in the keys directory)" };
        var keysDir = CommonOptions.KeysDir();
        var witnessDir = CommonOptions.WitnessDir();
        var json = CommonOptions.Json();
        var command = new Command("verify", "Verify hashes, both chains, sequences, checkpoints and the witness; exit 0 intact, 1 findings, 2 error")
        {
            connection, from, to, stream, parallel, publicKey, keysDir, witnessDir, json,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(from) is < 1) result.AddError("--from must be at least 1");
            if (result.GetValue(to) is < 1) result.AddError("--to must be at least 1");
            if (result.GetValue(from) is { } a && result.GetValue(to) is { } b && a > b) result.AddError("--from must not be after --to");
            if (result.GetValue(stream) is not null && (result.GetValue(from) is not null || result.GetValue(to) is not null))
                result.AddError("--stream verifies a whole stream; it does not combine with --from/--to");
        });
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var key = LoadKey(parse.GetValue(publicKey), env.KeysDirectory(parse.GetValue(keysDir)), log.KeyName);
            var witnessPath = log.WitnessDirectory(parse.GetValue(witnessDir));
            var witness = Directory.Exists(witnessPath) ? new WitnessDirectory(witnessPath) : null;
            if (key is null)
                await console.Error.WriteLineAsync("warning: no checkpoint public key: checkpoint signatures are reported invalid");
            if (witness is null)
                await console.Error.WriteLineAsync($"warning: no witness directory at {witnessPath}: a truncated and reforged head cannot be caught");

            await using var dataSource = NpgsqlDataSource.Create(log.Connection(parse.GetValue(connection)));
            var runner = new LedgerVerificationRunner(dataSource, key, witness)
            {
                // The Ed25519 key of the keys directory, unless a trusted ECDSA key was named explicitly.
                Ed25519PublicKey = parse.GetValue(publicKey) is null ? LoadEd25519Key(env.KeysDirectory(parse.GetValue(keysDir)), log.KeyName) : null,
            };
            var request = new VerificationRequest(parse.GetValue(from), parse.GetValue(to),
                parse.GetValue(stream) is { } s ? StreamArgument.Parse(s) : null, parse.GetValue(parallel));
            var asJson = parse.GetValue(json);
            var progress = new Progress<VerificationProgress>(p => console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {p.RowsDone:N0} rows, {p.RowsPerSecond:N0} rows/s, {p.FindingsSoFar} findings")));
            var result = await runner.RunAsync(request, progress, ct);

            if (asJson)
                await console.Out.WriteLineAsync(JsonSerializer.Serialize(ToJson(result, key, witness), JsonOptions));
            else
                await WriteText(console, result);
            return result.IsClean ? ExitCodes.Ok : ExitCodes.Findings;
        }));
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private static CheckpointPublicKey? LoadKey(string? explicitPath, string keysDir, string keyName)
    {
        if (explicitPath is not null)
        {
            if (!File.Exists(explicitPath))
                throw new CliUsageException($"no public key file at {explicitPath}");
            return CheckpointPublicKey.FromPem(File.ReadAllText(explicitPath));
        }
        var path = CheckpointKeys.PublicPath(keysDir, keyName);
        return File.Exists(path) ? CheckpointPublicKey.FromPem(File.ReadAllText(path)) : null;
    }

    private static byte[]? LoadEd25519Key(string keysDir, string keyName)
    {
        var path = CheckpointKeys.Ed25519PublicPath(keysDir, keyName);
        return File.Exists(path) ? Ed25519CheckpointKey.PublicKeyFromPem(File.ReadAllText(path)) : null;
    }

    private static async Task WriteText(CliConsole console, VerificationResult result)
    {
        foreach (var finding in result.Findings)
            await console.Out.WriteLineAsync(finding.ToString());
        if (result.TotalFindings > result.Findings.Count)
            await console.Out.WriteLineAsync($"… and {result.TotalFindings - result.Findings.Count} more findings");
        var verdict = result.Cancelled ? "CANCELLED" : result.IsClean ? "INTACT" : $"{result.TotalFindings} FINDINGS";
        var root = result.Root is { } r ? ", root " + HashHex.ToHex(r) : "";
        await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{verdict}: {result.Rows} rows verified in {result.Elapsed.TotalSeconds:F2} s ({result.RowsPerSecond:F0} rows/s), head seq {result.HeadSeq}{root}"));
    }

    private static object ToJson(VerificationResult r, CheckpointPublicKey? key, WitnessDirectory? witness) => new
    {
        intact = r.IsClean,
        cancelled = r.Cancelled,
        rows = r.Rows,
        rows_per_second = Math.Round(r.RowsPerSecond),
        elapsed_ms = Math.Round(r.Elapsed.TotalMilliseconds),
        head_seq = r.HeadSeq,
        head_hash = r.HeadHash is null ? null : HashHex.ToHex(r.HeadHash),
        root = r.Root is null ? null : HashHex.ToHex(r.Root),
        public_key_id = key?.KeyId,
        witness = witness?.Path,
        total_findings = r.TotalFindings,
        findings = r.Findings.Select(f => new
        {
            kind = f.Kind.ToString(),
            seq = f.Seq,
            stream = f.Stream?.ToString(),
            stream_seq = f.StreamSeq,
            expected = f.Expected,
            actual = f.Actual,
            message = f.Message,
        }),
    };
}
