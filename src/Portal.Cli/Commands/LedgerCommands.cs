using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Demo;
using AuditPortal.Data.PersonalData;
using AuditPortal.Data.Reading;
using AuditPortal.Data.Schema;
using AuditPortal.Data.Workspace;
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
        var origin = CommonOptions.Origin();
        var command = new Command("init", "Apply the schema migrations (as a superuser) and create the checkpoint keys if missing")
        {
            connection, accessLog, keysDir, origin,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var primary = env.Primary(parse.GetValue(connection));
            var applied = await LedgerMigrator.MigrateAsync(primary, LedgerRoles.Ledger, ct);
            await console.Out.WriteLineAsync($"ledger database: {Describe(applied)}");
            if (await LedgerBulkLoad.RestoreAsync(primary, ct) is var restored and > 0)
                await console.Out.WriteLineAsync($"ledger database: recreated {restored} secondary index(es) left dropped by an interrupted seed");
            if ((parse.GetValue(accessLog) ?? env.PortalDb) is { } portalDb)
            {
                var appliedLog = await LedgerMigrator.MigrateAsync(portalDb, LedgerRoles.AccessLog, ct);
                await console.Out.WriteLineAsync($"access-log database: {Describe(appliedLog)}");
                var appliedPortal = await PortalMigrator.MigrateAsync(portalDb, LedgerRoles.AccessLog, ct);
                await console.Out.WriteLineAsync($"portal database (verification runs): {Describe(appliedPortal)}");
                var appliedWorkspace = await WorkspaceMigrator.MigrateAsync(portalDb, LedgerRoles.AccessLog, ct: ct);
                await console.Out.WriteLineAsync($"portal database (workspace): {Describe(appliedWorkspace)}");
            }
            var keys = env.KeysDirectory(parse.GetValue(keysDir));
            // Key names are the origins (C2SP signed-note); the access log's is the same deployment's.
            var ledgerOrigin = parse.GetValue(origin)!;
            foreach (var (name, keyName) in new[] { (LedgerKeyName, ledgerOrigin), ("access-log", AccessLogEvents.Origin(Deployment(ledgerOrigin))) })
            {
                var created = CheckpointKeys.EnsureExists(keys, name, keyName);
                await console.Out.WriteLineAsync(
                    $"{name} checkpoint keys: {(created.Count > 0 ? "created " + string.Join(" and ", created) : "exist")} ({CheckpointKeys.VkeysPath(keys, name)})");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The deployment an origin names (<c>ledger/demo</c> → <c>demo</c>); the access log's origin is the same deployment's.</summary>
    public static string Deployment(string ledgerOrigin) =>
        ledgerOrigin.Contains('/', StringComparison.Ordinal) ? ledgerOrigin[(ledgerOrigin.IndexOf('/', StringComparison.Ordinal) + 1)..] : "demo";

    private static string Describe<T>(IReadOnlyList<T> applied) =>
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
        var keepIndexes = new Option<bool>("--keep-indexes")
        {
            Description = "Maintain the secondary indexes and the stream-position constraint row by row instead of dropping them and building them at the end",
        };
        var keysDir = CommonOptions.KeysDir();
        var witnessDir = CommonOptions.WitnessDir();
        var command = new Command("seed", "Append a deterministic demo ledger (brokerage / tax domain) to an empty ledger")
        {
            connection, events, seed, batch, checkpointEvery, keepIndexes, keysDir, witnessDir,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var primary = env.Primary(parse.GetValue(connection));
            await using (var check = NpgsqlDataSource.Create(primary))
            {
                var existing = (long)(await check.CreateCommand(LedgerHeadQuery.Sql).ExecuteScalarAsync(ct))!;
                if (existing > 0)
                {
                    // A seed that was interrupted leaves its secondary indexes dropped: put them back.
                    if (await LedgerBulkLoad.RestoreAsync(primary, ct) is var restored and > 0)
                        await console.Error.WriteLineAsync($"  recreated {restored} secondary index(es) left dropped by an interrupted seed");
                    throw new CliUsageException($"the ledger already holds {existing} events: seed only fills an empty ledger");
                }
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
            var total = parse.GetValue(events);
            var clock = Stopwatch.StartNew();
            // Bulk load (docs/performance.md): the ledger is empty, so build the secondary indexes once
            // at the end instead of row by row. Restored in finally, and by the next init or seed if
            // this process dies first.
            var bulk = !parse.GetValue(keepIndexes) && await LedgerBulkLoad.DropIfEmptyAsync(primary, ct);
            options = options with { BulkLoad = bulk };
            long done = 0;
            double appendSeconds;
            long? checkpointSize;
            try
            {
                await using var appender = new LedgerAppender(SeedWriter(env.Writer(primary, LedgerRoles.Ledger.Writer)), TimeProvider.System, options);
                // Pipelined: the generator fills the next batch on another thread while the appender works on
                // the ones handed in. Batches stay in generator order. One batch ahead is enough, and every batch
                // waiting here survives the GCs meanwhile (two ahead: ~10 % more GC pause, docs/performance.md §1).
                var batches = Channel.CreateBounded<IReadOnlyList<NewEvent>>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
                var producer = Task.Run(async () =>
                {
                    try
                    {
                        foreach (var chunk in generator.Batches(total, parse.GetValue(batch)))
                            await batches.Writer.WriteAsync(chunk, ct);
                        batches.Writer.Complete();
                    }
                    catch (Exception ex)
                    {
                        batches.Writer.Complete(ex);
                    }
                }, ct);
                // A bulk appender takes the next batch while it writes this one (it prepares it meanwhile and
                // writes batches in the order handed in), so keep two in flight; the normal appender one.
                var inFlight = new Queue<(Task Append, int Count)>();
                async Task CompleteOldestAsync()
                {
                    var (append, count) = inFlight.Dequeue();
                    try
                    {
                        await append;
                    }
                    catch
                    {
                        // Let the batch behind it end (it fails too, or commits) before the appender is disposed.
                        await Task.WhenAll(inFlight.Select(f => f.Append)).ContinueWith(_ => { }, TaskScheduler.Default);
                        throw;
                    }
                    done += count;
                    if (done % 100_000 < count || done == total)
                        await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                            $"  {done:N0} / {total:N0} events ({done / clock.Elapsed.TotalSeconds:N0} events/s)"));
                }
                await foreach (var chunk in batches.Reader.ReadAllAsync(ct))
                {
                    inFlight.Enqueue((appender.AppendAsync(chunk, ct), chunk.Count));
                    if (inFlight.Count >= (bulk ? 2 : 1))
                        await CompleteOldestAsync();
                }
                while (inFlight.Count > 0)
                    await CompleteOldestAsync();
                await producer;
                appendSeconds = clock.Elapsed.TotalSeconds;
                var checkpoint = await appender.CreateCheckpointAsync(ct);
                checkpointSize = checkpoint?.Checkpoint.Size;
            }
            finally
            {
                if (bulk)
                {
                    // Tens of seconds per million events (the text-search index most): say so, or the output stops here.
                    await console.Error.WriteLineAsync("  building the secondary indexes and unique constraints");
                    await LedgerBulkLoad.RestoreAsync(primary, CancellationToken.None);
                }
            }
            var totalSeconds = clock.Elapsed.TotalSeconds;

            await using var eraser = NpgsqlDataSource.Create(CliEnvironment.AsRole(primary, LedgerRoles.Ledger.KeyEraser));
            var keyStore = new KeyStore(eraser);
            foreach (var subject in generator.ShreddedSubjects)
                await keyStore.ShredAsync(subject, "svc:demo-seed", "erasure requested (demo data)", ct);

            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"seeded {done} events in {totalSeconds:F1} s ({done / totalSeconds:F0} events/s; appending {appendSeconds:F1} s, " +
                $"{(bulk ? "building indexes " + (totalSeconds - appendSeconds).ToString("F1", CultureInfo.InvariantCulture) + " s" : "indexes kept")}); " +
                $"checkpoint at size {checkpointSize}; {generator.ShreddedSubjects.Count} subjects crypto-shredded"));
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>
    /// The seed's writer sessions commit asynchronously (<c>synchronous_commit = off</c>): a crash can
    /// lose the last few hundred milliseconds of commits, never corrupt or reorder them, and a seed
    /// that does not finish is re-run into a fresh database anyway. The normal appender never does this.
    /// </summary>
    private static string SeedWriter(string writer)
    {
        var builder = new NpgsqlConnectionStringBuilder(writer);
        builder.Options = string.IsNullOrEmpty(builder.Options) ? "-c synchronous_commit=off" : builder.Options + " -c synchronous_commit=off";
        return builder.ConnectionString;
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
