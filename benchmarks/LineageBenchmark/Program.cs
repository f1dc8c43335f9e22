using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Lineage;
using AuditPortal.Data.Replica;
using AuditPortal.Data.Rules;
using AuditPortal.Verification.Ledger;
using Npgsql;

// The issue-15 lineage targets (docs/performance.md), on a seeded ledger (run.sh seeds it with `ledger seed`):
//   backward lineage of an output with 1,000 inputs, forward impact first page of an input used by 10,000
//   outputs, the ledger-wide stale outputs first page, replay of a tax form with 1,000 inputs.
// The demo has no such fan-in or fan-out, so this appends them once (a scenario of its own streams, derived by
// the real rules so the replay reproduces): 1,000 trades and their 1099-B, a dividend declaration and 10,000
// dividends derived from it, then corrections of 5 trades and of the declaration (so both are stale).
// Times are the data layer's, on the standby, each in its own read-only snapshot as the gateway opens one; the
// gateway's two access-log appends and the page's rendering come on top.
//
// dotnet run -c Release --project benchmarks/LineageBenchmark -- --primary "<writer conn>" --replica "<reader conn>" [--repeat 30]
var primary = Arg("--primary") ?? throw new ArgumentException("--primary is required");
var replicaConnection = Arg("--replica") ?? primary;
var repeat = int.Parse(Arg("--repeat") ?? "30", CultureInfo.InvariantCulture);

var ids = await Scenario.EnsureAsync(primary);
await Scenario.WaitForReplicaAsync(replicaConnection, ids.LastCorrection);
await using var replica = new ReplicaConnectionFactory(replicaConnection);
long ledgerSize;
await using (var s = await replica.BeginReadOnlyAsync())
await using (var c = s.CreateCommand("SELECT max(seq) FROM ledger.events"))
    ledgerSize = (long)(await c.ExecuteScalarAsync())!;
Console.WriteLine($"ledger: {ledgerSize:N0} events; repeat {repeat}");

var query = new LineageQuery();
// Where the 50th page of the 10,000 outputs starts: the seq of the 2,450th direct output.
long deepAfter;
await using (var s = await replica.BeginReadOnlyAsync())
await using (var c = s.CreateCommand($"SELECT output_seq FROM ledger.lineage_edges WHERE input_id = '{ids.Declaration}' ORDER BY output_seq OFFSET 2449 LIMIT 1"))
    deepAfter = (long)(await c.ExecuteScalarAsync())!;
await Measure("backward lineage, 1,000 inputs", async s =>
{
    var b = (await query.BackwardAsync(s.Connection, s.Transaction, [ids.Form], default))[ids.Form];
    return b.Inputs.Count == 1_000 && b.Stale ? "" : "wrong answer";
});
await Measure("forward impact, first page of 10,000", async s =>
{
    var p = (await query.ForwardAsync(s.Connection, s.Transaction, ids.Declaration, 0, 50, default))!;
    return p.Total == LineageQuery.ImpactCountCap && p.TotalCapped && p.Rows.Count == 50 ? "" : $"wrong answer: {p.Total}";
});
await Measure("forward impact, 50th page of 10,000 (after seq of the 2,450th output)", async s =>
{
    var p = (await query.ForwardAsync(s.Connection, s.Transaction, ids.Declaration, deepAfter, 50, default))!;
    return p.Rows.Count == 50 ? "" : "wrong answer";
});
await Measure("stale outputs, first page", async s =>
{
    var p = await query.StaleOutputsAsync(s.Connection, s.Transaction, null, 50, default);
    return p.Rows.Count == 50 ? "" : "wrong answer";
});
await Measure("stale outputs, first page of the demo's own (after the scenario's)", async s =>
{
    var p = await query.StaleOutputsAsync(s.Connection, s.Transaction, new StaleCursor(ids.FirstCorrection, 1, 1), 50, default);
    return "";
});
await Measure("replay of a 1,000-input tax form", async s =>
{
    var r = (await new LineageReplay().ReplayAsync(s.Connection, s.Transaction, ids.Form, default))!;
    return r.Outcome == ReplayOutcome.Reproduced && r.Today!.Changes.Count > 0 ? "" : "wrong answer: " + r.Outcome;
});
return 0;

async Task Measure(string what, Func<ReadOnlySession, Task<string>> run)
{
    var times = new List<double>();
    var cpu = TimeSpan.Zero;
    for (var i = 0; i < repeat + 3; i++)
    {
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await using (var session = await replica.BeginReadOnlyAsync())
        {
            var problem = await run(session);
            if (problem.Length > 0)
                throw new InvalidOperationException($"{what}: {problem}");
        }
        if (i < 3) continue; // the first three warm the caches and the JIT
        times.Add(watch.Elapsed.TotalMilliseconds);
        cpu += Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
    }
    times.Sort();
    double P(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: p50 {P(0.5):F1} ms, p95 {P(0.95):F1} ms, max {times[^1]:F1} ms; client CPU {cpu.TotalMilliseconds / times.Count:F1} ms per call"));
}

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

internal sealed record ScenarioIds(Guid Form, Guid Declaration, long FirstCorrection, long LastCorrection);

internal static class Scenario
{
    private const string Account = "acc-lineage-bench";
    private const string Isin = "USLINEAGEBEN";

    public static async Task<ScenarioIds> EnsureAsync(string primary)
    {
        await using var appender = new LedgerAppender(primary, TimeProvider.System, new AppenderOptions());
        var batch = new List<NewEvent>();
        NewEvent Event(string type, string stream, string action, JsonObject payload, string key) => new()
        {
            StreamType = type, StreamId = stream, OccurredAt = DateTime.UtcNow, Actor = "bench:lineage", Action = action,
            Payload = payload, IdempotencyKey = "lineage-bench:" + key, EventId = Guid.CreateVersion7(),
        };
        // Idempotent: the keys make a second run append nothing and return the first run's ids.
        var trades = new List<NewEvent>();
        for (var i = 1; i <= 1_000; i++)
            trades.Add(Event("account", Account, "trade.executed", new JsonObject
            {
                ["trade_id"] = "B" + i.ToString("D9", CultureInfo.InvariantCulture), ["isin"] = Isin, ["side"] = i % 3 == 0 ? "sell" : "buy",
                ["quantity"] = "10", ["price"] = "12.3400", ["amount"] = "123.40", ["commission"] = "1.00", ["currency"] = "USD",
                ["venue"] = "XNAS", ["source"] = "order",
            }, "trade-" + i));
        var tradeResults = await AppendAsync(appender, trades);
        var rule = RuleRegistry.Require("tax.1099-B", "2024.1");
        var inputs = trades.Select((t, i) => new RuleInput(tradeResults[i].EventId, new StreamKey("account", Account), "trade.executed", (JsonObject)JsonNode.Parse(t.Payload.ToString())!)).ToList();
        var form = Event("tax_form", Account + "/2024", rule.OutputAction, rule.Derive(inputs, new JsonObject { ["recipient_name"] = "Bench Holder", ["recipient_tin"] = "900-70-0000" }), "form")
            with { Lineage = new LedgerLineage(tradeResults.Select(r => r.EventId).ToList(), rule.Id, rule.Version) };
        var formId = (await AppendAsync(appender, [form]))[0].EventId;

        var declarationPayload = new JsonObject { ["per_share"] = "0.2500", ["currency"] = "USD", ["ex_date"] = "2024-01-10", ["pay_date"] = "2024-01-20" };
        var declaration = (await AppendAsync(appender, [Event("instrument", Isin, DividendEntitlementRule.DeclarationAction, declarationPayload, "declaration")]))[0].EventId;
        var dividend = RuleRegistry.Require(DividendEntitlementRule.RuleId, "1");
        var declared = new RuleInput(declaration, new StreamKey("instrument", Isin), DividendEntitlementRule.DeclarationAction, declarationPayload);
        for (var chunk = 0; chunk < 10; chunk++)
        {
            batch.Clear();
            for (var i = chunk * 1_000 + 1; i <= (chunk + 1) * 1_000; i++)
                batch.Add(Event("account", Account + "-div", dividend.OutputAction, dividend.Derive([declared], new JsonObject
                {
                    ["reference"] = "D" + i.ToString("D9", CultureInfo.InvariantCulture), ["shares"] = "40", ["balance_after"] = "10.00",
                }), "dividend-" + i) with { Lineage = new LedgerLineage([declaration], dividend.Id, dividend.Version) });
            await AppendAsync(appender, batch);
        }

        var corrections = new List<NewEvent>();
        for (var i = 0; i < 5; i++)
        {
            var corrected = (JsonObject)JsonNode.Parse(trades[i].Payload.ToString())!;
            corrected["price"] = "12.3500";
            corrected["amount"] = "123.50";
            corrected.Remove("venue");
            corrected.Remove("source");
            corrected["reason"] = "venue price amendment";
            corrections.Add(Event("account", Account, "trade.corrected", corrected, "correction-" + i) with { Supersedes = tradeResults[i].EventId });
        }
        var redeclared = (JsonObject)declarationPayload.DeepClone();
        redeclared["per_share"] = "0.2600";
        corrections.Add(Event("instrument", Isin, "instrument.dividend_corrected", redeclared, "declaration-correction") with { Supersedes = declaration });
        var correctionResults = await AppendAsync(appender, corrections);
        return new ScenarioIds(formId, declaration, correctionResults[0].Seq, correctionResults[^1].Seq);
    }

    private static async Task<IReadOnlyList<AppendedEvent>> AppendAsync(LedgerAppender appender, IReadOnlyList<NewEvent> events) =>
        await appender.AppendAsync(events.ToList());

    public static async Task WaitForReplicaAsync(string replica, long seq)
    {
        await using var connection = new NpgsqlConnection(replica);
        await connection.OpenAsync();
        for (var i = 0; i < 600; i++)
        {
            await using var cmd = new NpgsqlCommand("SELECT coalesce(max(seq), 0) FROM ledger.events", connection);
            if ((long)(await cmd.ExecuteScalarAsync())! >= seq)
                return;
            await Task.Delay(100);
        }
        throw new TimeoutException("the replica did not catch up");
    }
}
