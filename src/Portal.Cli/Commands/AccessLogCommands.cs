using System.CommandLine;
using System.Globalization;
using System.Text;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Replica;
using AuditPortal.Data.Schema;
using AuditPortal.Verification.Checkpoints;

namespace AuditPortal.Cli.Commands;

/// <summary>
/// `auditportal access-log verify|export|checkpoint`: the access log (the portal database's hash chain of every
/// query) for operators. The access log has the ledger's format, so verify is the ledger verifier with the access
/// log's database, key pair (<see cref="KeyName"/>) and witness.
/// </summary>
public static class AccessLogCommands
{
    /// <summary>Key pair name of the access log's checkpoints (created by `ledger init`).</summary>
    public const string KeyName = "access-log";

    public static Command Build(CliConsole console, CliEnvironment env)
    {
        var command = new Command("access-log", "Verify, export and checkpoint the access log (every query made through the portal)");
        var verify = VerifyCommand.Build(console, env, new VerifiedLog(KeyName, env.PortalDatabase, env.AccessLogWitnessDirectory));
        verify.Description = "Verify the access log's hashes, both chains, sequences, checkpoints and witness; exit 0 intact, 1 findings, 2 error";
        command.Subcommands.Add(verify);
        command.Subcommands.Add(Export(console, env));
        command.Subcommands.Add(Checkpoint(console, env));
        return command;
    }

    private static Command Export(CliConsole console, CliEnvironment env)
    {
        var connection = CommonOptions.Connection();
        var from = new Option<string?>("--from") { Description = "Only queries requested at or after this instant (ISO 8601, e.g. 2026-12-01T00:00:00Z)" };
        var to = new Option<string?>("--to") { Description = "Only queries requested before this instant" };
        var user = new Option<string?>("--user") { Description = "Only this user's queries (subject id)" };
        var output = new Option<string?>("--out") { Description = "Write the CSV to this file (default: standard output)" };
        var pdf = new Option<string?>("--pdf")
        {
            Description = "Write the period as a signed review PDF with its chain proof instead (recorded in the access log first; signs an access-log checkpoint)",
        };
        var keysDir = CommonOptions.KeysDir();
        var witnessDir = WitnessDirOption();
        var deployment = DeploymentOption();
        var command = new Command("export", "Write the access log's queries of a period as CSV, or as a signed PDF with the period's chain proof (--pdf)")
        {
            connection, from, to, user, output, pdf, keysDir, witnessDir, deployment,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var filter = new AccessLogFilter
            {
                From = Instant("--from", parse.GetValue(from)),
                To = Instant("--to", parse.GetValue(to)),
                SubjectId = parse.GetValue(user),
            };
            if (filter.From is { } a && filter.To is { } b && a >= b)
                throw new CliUsageException("--from must be before --to");
            if (parse.GetValue(pdf) is { } pdfPath)
            {
                if (parse.GetValue(output) is not null)
                    throw new CliUsageException("give --pdf or --out, not both");
                return await AccessLogReviewPdfCommand.RunAsync(console, env, filter, pdfPath, parse.GetValue(connection), parse.GetValue(keysDir),
                    parse.GetValue(witnessDir), parse.GetValue(deployment)!, ct);
            }
            await using var connections = new ReplicaConnectionFactory(env.PortalDatabase(parse.GetValue(connection)));
            var reader = new AccessLogReader(connections);
            var csv = new StringBuilder();
            AccessLogCsv.WriteHeader(csv);
            var rows = 0L;
            long? before = null;
            var path = parse.GetValue(output);
            await using var writer = path is null ? null : new StreamWriter(path, append: false, new UTF8Encoding(false));
            do
            {
                var page = await reader.SearchAsync(filter, AccessLogReader.MaxPageSize, before, ct);
                foreach (var item in page.Items)
                    AccessLogCsv.WriteRow(csv, item);
                rows += page.Items.Count;
                before = page.NextBeforeSeq;
                await (writer ?? console.Out).WriteAsync(csv.ToString());
                csv.Clear();
            }
            while (before is not null);
            await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{rows} queries exported"));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Checkpoint(CliConsole console, CliEnvironment env)
    {
        var connection = CommonOptions.Connection();
        var keysDir = CommonOptions.KeysDir();
        var witnessDir = WitnessDirOption();
        var deployment = DeploymentOption();
        var command = new Command("checkpoint", "Sign a checkpoint of the access log at its head and record it in its witness")
        {
            connection, keysDir, witnessDir, deployment,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var portalDb = env.PortalDatabase(parse.GetValue(connection));
            using var signer = CheckpointKeys.LoadSigner(env.KeysDirectory(parse.GetValue(keysDir)), KeyName);
            var options = new AppenderOptions
            {
                Origin = AccessLogEvents.Origin(parse.GetValue(deployment)!),
                Signer = signer,
                Witness = new WitnessDirectory(env.AccessLogWitnessDirectory(parse.GetValue(witnessDir))),
                AwaitWalFlushBeforeCheckpoint = true,
            };
            await using var appender = new LedgerAppender(env.Writer(portalDb, LedgerRoles.AccessLog.Writer), TimeProvider.System, options);
            var signed = await appender.CreateCheckpointAsync(ct);
            if (signed is null)
            {
                await console.Out.WriteLineAsync("the access log is empty: no checkpoint");
                return ExitCodes.Ok;
            }
            await console.Out.WriteAsync(signed.Checkpoint.ToText());
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Option<string?> WitnessDirOption() => new("--witness-dir")
    {
        Description = $"The access log's witness directory (default: {CliEnvironment.AccessLogWitnessDirVariable} or var/access-log-witness)",
    };

    private static Option<string> DeploymentOption() =>
        new("--deployment") { Description = "Deployment name: the origin is access-log/<deployment>", DefaultValueFactory = _ => "demo" };

    private static DateTime? Instant(string name, string? text)
    {
        if (text is null)
            return null;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
            throw new CliUsageException($"{name}: an ISO 8601 instant such as 2026-12-01T00:00:00Z, not '{text}'");
        return value.UtcDateTime;
    }
}
