using System.Text.Json.Nodes;
using AuditPortal.Data.Timeline;
using Npgsql;

namespace AuditPortal.Tests.Data.Timeline;

/// <summary>
/// Regression (issue 12): text search parsed every payload it reached (~3 s per search on the demo ledger).
/// It now runs on <c>ledger.payload_text(payload)</c> with a trigram index: the indexed text holds every string
/// a caller may search and nothing of a personal-data envelope, and the search's own predicate is served by the index.
/// </summary>
public sealed class PayloadTextIndexTests(TimelineLedgerFixture ledger) : IClassFixture<TimelineLedgerFixture>
{
    [Fact]
    public async Task PayloadText_EveryEvent_HoldsTheVisibleStringsAndNoEnvelopeString()
    {
        await using var session = await ledger.Replica.BeginReadOnlyAsync(); // the reader role may call it
        await using var cmd = new NpgsqlCommand("SELECT payload, search_text, ledger.payload_text(payload) FROM ledger.events ORDER BY seq",
            session.Connection, session.Transaction);
        await using var reader = await cmd.ExecuteReaderAsync();
        var envelopes = 0;
        while (await reader.ReadAsync())
        {
            var payload = JsonNode.Parse(reader.GetString(0))!.AsObject();
            var indexed = reader.IsDBNull(1) ? "" : reader.GetString(1);
            (reader.IsDBNull(2) ? "" : reader.GetString(2)).ShouldBe(indexed, "the stored search text is the function's");
            var (visible, hidden) = Strings(payload);
            indexed.Split('\u001f', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)
                .ShouldBe(visible.Where(s => s.Length > 0).Order(StringComparer.Ordinal), payload.ToJsonString());
            foreach (var secret in hidden.Except(visible)) // the envelope's subject id may also be a visible field (subject_id)
                indexed.ShouldNotContain(secret, Case.Sensitive, payload.ToJsonString());
            envelopes += hidden.Count;
        }
        envelopes.ShouldBeGreaterThan(0, "the fixture has personal fields, so envelopes were checked");
    }

    [Fact]
    public async Task SearchPredicate_IsServedByTheTrigramIndex()
    {
        await using var session = await ledger.Replica.BeginReadOnlyAsync();
        await using (var off = new NpgsqlCommand("SET LOCAL enable_seqscan = off", session.Connection, session.Transaction))
            await off.ExecuteNonQueryAsync(); // the fixture is tiny: without this the planner rightly scans
        await using var explain = new NpgsqlCommand(
            $"EXPLAIN SELECT e.seq FROM ledger.events e WHERE {PayloadTextSearch.Predicate("e", "$1")}", session.Connection, session.Transaction);
        explain.Parameters.Add(new NpgsqlParameter { Value = PayloadTextSearch.LikePattern("stuttgart") });
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                plan.Add(reader.GetString(0));

        string.Join('\n', plan).ShouldContain("events_search_text_idx");
    }

    [Theory]
    [InlineData("50%", @"%50\%%")]
    [InlineData("a_b", @"%a\_b%")]
    [InlineData(@"c:\x", @"%c:\\x%")]
    public void LikePattern_Metacharacters_AreLiteral(string text, string pattern) =>
        PayloadTextSearch.LikePattern(text).ShouldBe(pattern);

    /// <summary>Strings outside envelopes (member values and their array elements) and the strings inside envelopes.</summary>
    private static (List<string> Visible, List<string> Hidden) Strings(JsonObject payload)
    {
        List<string> visible = [], hidden = [];
        Visit(payload, visible, hidden);
        return (visible, hidden);
    }

    private static void Visit(JsonNode? node, List<string> visible, List<string> hidden)
    {
        switch (node)
        {
            case JsonObject o when o.ContainsKey("enc"):
                hidden.AddRange(o.Select(m => m.Value).OfType<JsonValue>().Select(v => v.ToString()).Where(s => s.Length >= 3));
                break;
            case JsonObject o:
                foreach (var (_, value) in o)
                {
                    if (value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String)
                        visible.Add(v.GetValue<string>());
                    else if (value is JsonArray a)
                        visible.AddRange(a.OfType<JsonValue>().Where(x => x.GetValueKind() == System.Text.Json.JsonValueKind.String).Select(x => x.GetValue<string>()));
                    Visit(value, visible, hidden);
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                    Visit(item, visible, hidden);
                break;
        }
    }
}
