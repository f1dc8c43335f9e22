using System.CommandLine;
using System.Text.Json;
using AuditPortal.Data.Proofs;
using Npgsql;

namespace AuditPortal.Cli.Commands;

/// <summary>`auditportal proof inclusion|consistency`: RFC 9162 proofs as JSON documents `evidence verify` accepts.</summary>
public static class ProofCommands
{
    public static Command Build(CliConsole console, CliEnvironment env)
    {
        var proof = new Command("proof", "Merkle inclusion and consistency proofs (RFC 9162) as verifiable JSON documents");
        proof.Subcommands.Add(Inclusion(console, env));
        proof.Subcommands.Add(Consistency(console, env));
        return proof;
    }

    private static Command Inclusion(CliConsole console, CliEnvironment env)
    {
        var connection = CommonOptions.Connection();
        var keysDir = CommonOptions.KeysDir();
        var seq = new Option<long>("--seq") { Description = "Global seq of the event", Required = true };
        var size = new Option<long?>("--size") { Description = "Tree size (default: the latest checkpoint's)" };
        var json = CommonOptions.Json();
        var command = new Command("inclusion", "Prove that event --seq is in the tree of --size events") { connection, keysDir, seq, size, json };
        command.Validators.Add(r =>
        {
            if (r.GetValue(seq) < 1) r.AddError("--seq must be at least 1");
            if (r.GetValue(size) is < 1) r.AddError("--size must be at least 1");
        });
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            await using var dataSource = NpgsqlDataSource.Create(env.ReadOnly(parse.GetValue(connection)));
            var service = new ProofService(dataSource, PublicKey(env, parse.GetValue(keysDir)), TimeProvider.System);
            var doc = await service.InclusionAsync(parse.GetValue(seq), parse.GetValue(size), ct);
            await WriteAsync(console, doc, parse.GetValue(json),
                $"event seq {doc.Seq} is leaf {doc.LeafIndex} of the tree of {doc.TreeSize}; root {doc.RootHash}; " +
                $"{doc.Proof.Count} proof hashes; {(doc.Checkpoint is null ? "NOT signed by a checkpoint" : "signed checkpoint attached")}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Consistency(CliConsole console, CliEnvironment env)
    {
        var connection = CommonOptions.Connection();
        var keysDir = CommonOptions.KeysDir();
        var from = new Option<long>("--from") { Description = "The earlier tree size", Required = true };
        var to = new Option<long>("--to") { Description = "The later tree size", Required = true };
        var json = CommonOptions.Json();
        var command = new Command("consistency", "Prove the tree of --from events is a prefix of the tree of --to events") { connection, keysDir, from, to, json };
        command.Validators.Add(r =>
        {
            if (r.GetValue(from) < 0) r.AddError("--from must not be negative");
            if (r.GetValue(to) < 1) r.AddError("--to must be at least 1");
            if (r.GetValue(from) > r.GetValue(to)) r.AddError("--from must not be larger than --to");
        });
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            await using var dataSource = NpgsqlDataSource.Create(env.ReadOnly(parse.GetValue(connection)));
            var service = new ProofService(dataSource, PublicKey(env, parse.GetValue(keysDir)), TimeProvider.System);
            var doc = await service.ConsistencyAsync(parse.GetValue(from), parse.GetValue(to), ct);
            await WriteAsync(console, doc, parse.GetValue(json),
                $"tree {doc.Size1} (root {doc.Root1}) is a prefix of tree {doc.Size2} (root {doc.Root2}); {doc.Proof.Count} proof hashes");
            return ExitCodes.Ok;
        }));
        return command;
    }

    internal static Verification.Checkpoints.CheckpointPublicKey PublicKey(CliEnvironment env, string? keysDir) =>
        CheckpointKeys.LoadPublic(env.KeysDirectory(keysDir), LedgerCommands.LedgerKeyName);

    internal static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static async Task WriteAsync<T>(CliConsole console, T doc, bool json, string summary)
    {
        if (json)
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(doc, Indented));
        else
            await console.Out.WriteLineAsync(summary);
    }
}
