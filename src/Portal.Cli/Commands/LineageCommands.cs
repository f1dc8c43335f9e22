using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using AuditPortal.Data.Lineage;
using AuditPortal.Data.Replica;

namespace AuditPortal.Cli.Commands;

/// <summary>
/// `auditportal lineage show|impact|stale|replay`: the lineage pages' questions from the command line
/// (docs/lineage.md), on the replica in one read-only snapshot. Exit 0 answered (replay: reproduced; show: no
/// integrity finding), 1 when the answer is a finding (an integrity finding, a replay that does not reproduce or
/// cannot run; stale: at least one stale output), 2 usage, unknown event or connection.
/// </summary>
public static class LineageCommands
{
    /// <summary>snake_case members and enum names, indented: the documents docs/lineage.md describes.</summary>
    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static Command Build(CliConsole console, CliEnvironment env)
    {
        var lineage = new Command("lineage", "Follow derived events back to their rule and inputs, forward to their impact, and replay them");
        lineage.Subcommands.Add(Show(console, env));
        lineage.Subcommands.Add(Impact(console, env));
        lineage.Subcommands.Add(Stale(console, env));
        lineage.Subcommands.Add(Replay(console, env));
        return lineage;
    }

    private static Option<string> EventOption() => new("--event") { Description = "The event id (a UUID)", Required = true };

    private static Guid ParseEvent(string text) =>
        Guid.TryParseExact(text, "D", out var id) ? id : throw new CliUsageException($"--event must be an event id (a UUID like 0190a000-0000-7000-8000-000000000001), not '{text}'");

    private static Command Show(CliConsole console, CliEnvironment env)
    {
        var connection = CommonOptions.Connection();
        var eventId = EventOption();
        var depth = new Option<int>("--depth") { Description = "Levels of inputs to follow (1: the event's own inputs)", DefaultValueFactory = _ => 1 };
        var json = CommonOptions.Json();
        var command = new Command("show", "The rule and inputs of a derived event, recursively to --depth, with staleness and integrity findings")
            { connection, eventId, depth, json };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var id = ParseEvent(parse.GetValue(eventId)!);
            if (parse.GetValue(depth) is < 1 or > 16)
                throw new CliUsageException("--depth must be from 1 to 16");
            await using var replica = new ReplicaConnectionFactory(env.ReadOnly(parse.GetValue(connection)));
            await using var session = await replica.BeginReadOnlyAsync(ct);
            var query = new LineageQuery();
            var levels = new List<BackwardLineage>();
            var next = new List<Guid> { id };
            var seen = new HashSet<Guid>();
            for (var level = 0; level < parse.GetValue(depth) && next.Count > 0; level++)
            {
                var found = await query.BackwardAsync(session.Connection, session.Transaction, next, ct);
                if (level == 0 && !found.ContainsKey(id))
                    throw new CliUsageException($"there is no event {id} in the ledger");
                var batch = next.Where(found.ContainsKey).Select(n => found[n]).ToList();
                levels.AddRange(batch);
                seen.UnionWith(next);
                next = batch.SelectMany(b => b.Inputs).Where(i => i.Node?.Rule is not null && seen.Add(i.EventId)).Select(i => i.EventId).ToList();
            }
            var findings = levels.SelectMany(l => l.Findings).ToList();
            if (parse.GetValue(json))
                await console.Out.WriteLineAsync(JsonSerializer.Serialize(new { lineage = levels, findings }, Json));
            else
            {
                foreach (var l in levels)
                {
                    var o = l.Output;
                    await console.Out.WriteLineAsync($"{Node(o)}: {(o.Rule is { } rule ? $"rule {rule.Id} {rule.Version}{(rule.Known ? "" : " (UNKNOWN to this code)")}, {l.Inputs.Count} input(s){(l.Stale ? ", STALE" : "")}" : "not derived")}");
                    foreach (var i in l.Inputs)
                        await console.Out.WriteLineAsync($"  #{i.Ordinal} {(i.Node is { } n ? Node(n) + " " + n.Summary : i.EventId + " NOT IN THE LEDGER")}"
                            + string.Concat(i.CorrectedAfterOutput.Select(c => $"; corrected after the output by {Node(c)}")));
                }
                foreach (var f in findings)
                    await console.Out.WriteLineAsync($"finding: {f}");
            }
            return findings.Count == 0 ? ExitCodes.Ok : ExitCodes.Findings;
        }));
        return command;
    }

    private static Command Impact(CliConsole console, CliEnvironment env)
    {
        var connection = CommonOptions.Connection();
        var eventId = EventOption();
        var after = new Option<long>("--after") { Description = "Start after this output seq (the previous page's next_after)", DefaultValueFactory = _ => 0 };
        var limit = new Option<int>("--limit") { Description = "Outputs per page (1–10000)", DefaultValueFactory = _ => 100 };
        var json = CommonOptions.Json();
        var command = new Command("impact", "Every event derived from --event, directly or transitively, by seq, one page") { connection, eventId, after, limit, json };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var id = ParseEvent(parse.GetValue(eventId)!);
            if (parse.GetValue(after) < 0)
                throw new CliUsageException("--after must not be negative");
            if (parse.GetValue(limit) is < 1 or > 10_000)
                throw new CliUsageException("--limit must be from 1 to 10000");
            await using var replica = new ReplicaConnectionFactory(env.ReadOnly(parse.GetValue(connection)));
            await using var session = await replica.BeginReadOnlyAsync(ct);
            var page = await new LineageQuery().ForwardAsync(session.Connection, session.Transaction, id, parse.GetValue(after), parse.GetValue(limit), ct)
                ?? throw new CliUsageException($"there is no event {id} in the ledger");
            if (parse.GetValue(json))
                await console.Out.WriteLineAsync(JsonSerializer.Serialize(page, Json));
            else
            {
                await console.Out.WriteLineAsync($"{Node(page.Input)}: {page.Total.ToString(CultureInfo.InvariantCulture)}{(page.TotalCapped ? "+" : "")} output(s) derived from it");
                foreach (var r in page.Rows)
                    await console.Out.WriteLineAsync($"  depth {r.Depth} {Node(r.Output)} {r.Output.Summary}");
                if (page.NextAfter is { } next)
                    await console.Out.WriteLineAsync($"more: --after {next.ToString(CultureInfo.InvariantCulture)}");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Stale(CliConsole console, CliEnvironment env)
    {
        var connection = CommonOptions.Connection();
        var after = new Option<string?>("--after") { Description = "Start after this cursor (the previous page's next, e.g. 812-640-2)" };
        var limit = new Option<int>("--limit") { Description = "Rows per page (1–10000)", DefaultValueFactory = _ => 100 };
        var json = CommonOptions.Json();
        var command = new Command("stale", "The ledger's stale outputs (an input corrected after the output), newest correction first, one page")
            { connection, after, limit, json };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            StaleCursor? cursor = null;
            if (parse.GetValue(after) is { } text)
                cursor = StaleCursor.Parse("--after", text, out var problem) ?? throw new CliUsageException(problem!);
            if (parse.GetValue(limit) is < 1 or > 10_000)
                throw new CliUsageException("--limit must be from 1 to 10000");
            await using var replica = new ReplicaConnectionFactory(env.ReadOnly(parse.GetValue(connection)));
            await using var session = await replica.BeginReadOnlyAsync(ct);
            var page = await new LineageQuery().StaleOutputsAsync(session.Connection, session.Transaction, cursor, parse.GetValue(limit), ct);
            if (parse.GetValue(json))
                await console.Out.WriteLineAsync(JsonSerializer.Serialize(new { rows = page.Rows, next = page.Next?.ToString() }, Json));
            else
            {
                if (page.Rows.Count == 0)
                    await console.Out.WriteLineAsync(cursor is null ? "no stale output" : "no more stale outputs");
                foreach (var r in page.Rows)
                    await console.Out.WriteLineAsync($"{Node(r.Output)}: input #{r.InputOrdinal.ToString(CultureInfo.InvariantCulture)} corrected by {Node(r.Correction)}"
                        + (r.OutputSupersededBy is { } later ? $"; superseded since by {later}" : ""));
                if (page.Next is { } next)
                    await console.Out.WriteLineAsync($"more: --after {next}");
            }
            return page.Rows.Count == 0 ? ExitCodes.Ok : ExitCodes.Findings;
        }));
        return command;
    }

    private static Command Replay(CliConsole console, CliEnvironment env)
    {
        var connection = CommonOptions.Connection();
        var eventId = EventOption();
        var json = CommonOptions.Json();
        var command = new Command("replay", "Re-run the recorded rule version over the recorded inputs (must reproduce the payload byte for byte) and over the inputs as corrected today")
            { connection, eventId, json };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(console, async () =>
        {
            var id = ParseEvent(parse.GetValue(eventId)!);
            await using var replica = new ReplicaConnectionFactory(env.ReadOnly(parse.GetValue(connection)));
            await using var session = await replica.BeginReadOnlyAsync(ct);
            var result = await new LineageReplay().ReplayAsync(session.Connection, session.Transaction, id, ct)
                ?? throw new CliUsageException($"there is no event {id} in the ledger");
            if (parse.GetValue(json))
                await console.Out.WriteLineAsync(JsonSerializer.Serialize(result, Json));
            else
            {
                await console.Out.WriteLineAsync($"{Node(result.Output)}: {result.Outcome switch
                {
                    ReplayOutcome.Reproduced => "the recorded inputs reproduce the recorded payload byte for byte",
                    ReplayOutcome.Differs => "the recorded inputs do NOT reproduce the recorded payload",
                    ReplayOutcome.NotDerived => "not derived by a rule: nothing to replay",
                    _ => "cannot replay: " + result.Recorded?.Problem,
                }}");
                foreach (var c in result.Recorded?.Changes ?? [])
                    await console.Out.WriteLineAsync($"  recorded {c.Path}: {c.Before} -> {c.After}");
                if (result.Today is { } today)
                {
                    var corrected = result.Inputs.Count(i => i.Corrected);
                    await console.Out.WriteLineAsync(corrected == 0 ? "today: no input corrected since"
                        : today.Problem is { } p ? $"today: {corrected} input(s) corrected; the rule refuses them: {p}"
                        : $"today: {corrected} input(s) corrected; {today.Changes.Count} field(s) would change");
                    foreach (var c in today.Changes)
                        await console.Out.WriteLineAsync($"  today {c.Path}: {c.Before} -> {c.After}");
                }
            }
            return result.Outcome is ReplayOutcome.Reproduced or ReplayOutcome.NotDerived ? ExitCodes.Ok : ExitCodes.Findings;
        }));
        return command;
    }

    private static string Node(LineageNode n) => $"{n.Stream.Type}/{n.Stream.Id} #{n.StreamSeq.ToString(CultureInfo.InvariantCulture)} (seq {n.Seq.ToString(CultureInfo.InvariantCulture)}, {n.Action})";
}
