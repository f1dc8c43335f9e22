using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Demo;
using AuditPortal.Data.PersonalData;
using AuditPortal.Data.Schema;
using AuditPortal.Verification.Checkpoints;
using Npgsql;

namespace AuditPortal.Cli.Commands;

public static class LedgerCommands
{
    /// <summary>Key pair name of the audit ledger's checkpoints (the access log has its own).</summary>
    public const string LedgerKeyName = "ledger";

    public static Command Build(CliConsole console, CliEnvironment env)
    {
        var ledger = new Command("ledger", "Create, fill, checkpoint and verify the ledger");
        ledger.Subcommands.Add(Init(console, env));
        ledger.Subcommands.Add(Seed(console, env));
        ledger.Subcommands.Add(Checkpoint(console, env));
        ledger.Subcommands.Add(VerifyCommand.Build(console, env));
        return ledger;
    }

    private static Command Init(CliConsole console, CliEnvironment env)
    {
        var connection = CommonOptions.Connection();
        var accessLog = new Option<string?>("--access-log-connection")
        {
            Description = "Also migrate the portal's access-log database (default: AUDITPORTAL_PORTAL_DB if set)",
        };
        var keysDir = CommonOptions.KeysDir();
        var command = new Command("init", "Apply the schema migrations (as a superuser) and create the checkpoint keys if missing")
        {
            connection, accessLog, keysDir,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var applied = await LedgerMigrator.MigrateAsync(env.Primary(parse.GetValue(connection)), LedgerRoles.Ledger, ct);
            await console.Out.WriteLineAsync($"ledger database: {Describe(applied)}");
            if ((parse.GetValue(accessLog) ?? env.PortalDb) is { } portalDb)
            {
                var appliedLog = await LedgerMigrator.MigrateAsync(portalDb, LedgerRoles.AccessLog, ct);
                await console.Out.WriteLineAsync($"access-log database: {Describe(appliedLog)}");
                var appliedPortal = await PortalMigrator.MigrateAsync(portalDb, LedgerRoles.AccessLog, ct);
                await console.Out.WriteLineAsync($"portal database (verification runs): {Describe(appliedPortal)}");
            }
            var keys = env.KeysDirectory(parse.GetValue(keysDir));
            foreach (var name in new[] { LedgerKeyName, "access-log" })
            {
                var created = CheckpointKeys.EnsureExists(keys, name);
                await console.Out.WriteLineAsync(
                    $"{name} checkpoint key: {(created ? "created" : "exists")} ({CheckpointKeys.PublicPath(keys, name)})");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string Describe(IReadOnlyList<int> applied) =>
        applied.Count == 0 ? "up to date" : "applied migration(s) " + string.Join(", ", applied);

    private static Command Seed(CliConsole console, CliEnvironment env)
    {
        var connection = CommonOptions.Connection();
        var events = new Option<long>("--events") { Description = "How many events to append", Required = true }.InRange(1, 100_000_000);
        var seed = new Option<int>("--seed") { Description = "Seed of the deterministic demo generator", DefaultValueFactory = _ => 42 };
        var batch = new Option<int>("--batch") { Description = "Events per append transaction", DefaultValueFactory = _ => 5_000 }.InRange(1, 100_000);
        var checkpointEvery = new Option<int>("--checkpoint-every")
        {
            Description = "Sign a checkpoint every this many events",
            DefaultValueFactory = _ => 10_000,
        }.InRange(1, 10_000_000);
        var keysDir = CommonOptions.KeysDir();
        var witnessDir = CommonOptions.WitnessDir();
        var command = new Command("seed", "Append a deterministic demo ledger (brokerage / tax domain) to an empty ledger")
        {
            connection, events, seed, batch, checkpointEvery, keysDir, witnessDir,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var primary = env.Primary(parse.GetValue(connection));
            await using (var check = NpgsqlDataSource.Create(primary))
            {
                var existing = (long)(await check.CreateCommand("SELECT count(*) FROM ledger.events").ExecuteScalarAsync(ct))!;
                if (existing > 0)
                    throw new CliUsageException($"the ledger already holds {existing} events: seed only fills an empty ledger");
            }
            var keys = env.KeysDirectory(parse.GetValue(keysDir));
            using var signer = CheckpointKeys.LoadSigner(keys, LedgerKeyName);
            // The events are deterministic from the seed; the ciphertexts of personal fields are not,
            // because subject keys and IVs are random, as they must be in production.
            var generator = new DemoLedgerGenerator(parse.GetValue(seed));
            var options = new AppenderOptions
            {
                Origin = generator.Options.Origin,
                CheckpointEveryEvents = parse.GetValue(checkpointEvery),
                Signer = signer,
                Witness = new WitnessDirectory(env.WitnessDirectory(parse.GetValue(witnessDir))),
            };
            await using var appender = new LedgerAppender(env.Writer(primary, LedgerRoles.Ledger.Writer), TimeProvider.System, options);
            var total = parse.GetValue(events);
            var clock = Stopwatch.StartNew();
            long done = 0;
            foreach (var chunk in generator.Batches(total, parse.GetValue(batch)))
            {
                await appender.AppendAsync(chunk, ct);
                done += chunk.Count;
                if (done % 100_000 < chunk.Count || done == total)
                    await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"  {done:N0} / {total:N0} events ({done / clock.Elapsed.TotalSeconds:N0} events/s)"));
            }
            var appendSeconds = clock.Elapsed.TotalSeconds;
            var checkpoint = await appender.CreateCheckpointAsync(ct);

            await using var eraser = NpgsqlDataSource.Create(CliEnvironment.AsRole(primary, LedgerRoles.Ledger.KeyEraser));
            var keyStore = new KeyStore(eraser);
            foreach (var subject in generator.ShreddedSubjects)
                await keyStore.ShredAsync(subject, "svc:demo-seed", "erasure requested (demo data)", ct);

            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"seeded {done} events in {appendSeconds:F1} s ({done / appendSeconds:F0} events/s); " +
                $"checkpoint at size {checkpoint?.Checkpoint.Size}; {generator.ShreddedSubjects.Count} subjects crypto-shredded"));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Checkpoint(CliConsole console, CliEnvironment env)
    {
        var connection = CommonOptions.Connection();
        var keysDir = CommonOptions.KeysDir();
        var witnessDir = CommonOptions.WitnessDir();
        var origin = CommonOptions.Origin();
        var command = new Command("checkpoint", "Sign a checkpoint at the current head and record it in the witness")
        {
            connection, keysDir, witnessDir, origin,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var primary = env.Primary(parse.GetValue(connection));
            using var signer = CheckpointKeys.LoadSigner(env.KeysDirectory(parse.GetValue(keysDir)), LedgerKeyName);
            var options = new AppenderOptions
            {
                Origin = parse.GetValue(origin)!,
                Signer = signer,
                Witness = new WitnessDirectory(env.WitnessDirectory(parse.GetValue(witnessDir))),
            };
            await using var appender = new LedgerAppender(env.Writer(primary, LedgerRoles.Ledger.Writer), TimeProvider.System, options);
            var signed = await appender.CreateCheckpointAsync(ct);
            if (signed is null)
            {
                await console.Out.WriteLineAsync("the ledger is empty: no checkpoint");
                return ExitCodes.Ok;
            }
            await console.Out.WriteAsync(signed.Checkpoint.ToText());
            return ExitCodes.Ok;
        }));
        return command;
    }
}
