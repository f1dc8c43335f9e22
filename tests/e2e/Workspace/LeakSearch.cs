using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using AuditPortal.Data.PersonalData;
using AuditPortal.Tests.E2e.Gateway;
using AuditPortal.Verification.Ledger;
using Npgsql;

namespace AuditPortal.Tests.E2e.Workspace;

/// <summary>A stream of the seeded ledger, the data subject of its first personal value, and that event's stream_seq.</summary>
public sealed record StreamRef(StreamKey Stream, string Subject, long StreamSeq);

/// <summary>A clear personal value of the seeded ledger: whose (the envelope's subject), in which field.</summary>
public sealed record Secret(string Subject, string Field, string Value);

/// <summary>
/// What the leak matrices search for and how: the clear personal values of streams of the seeded ledger (the test
/// decrypts them with the keystore, as the superuser), their envelopes' ciphertexts, and the count of occurrences.
/// </summary>
public static class LeakSearch
{
    /// <summary>Occurrences of every value, raw and as HTML and JSON would escape it.</summary>
    public static int Count(string body, IEnumerable<string> values)
    {
        var count = 0;
        foreach (var value in values.Distinct(StringComparer.Ordinal))
        {
            foreach (var form in new[] { value, HtmlEncoder.Default.Encode(value), JavaScriptEncoder.Default.Encode(value) }.Distinct(StringComparer.Ordinal))
            {
                for (var at = body.IndexOf(form, StringComparison.Ordinal); at >= 0; at = body.IndexOf(form, at + form.Length, StringComparison.Ordinal))
                    count++;
            }
        }
        return count;
    }

    /// <summary>
    /// Two streams with personal data of subjects that are not erased: the second holds none of the first's subject;
    /// both of <paramref name="streamType"/> (any when null) with at least <paramref name="minEvents"/> events.
    /// </summary>
    public static async Task<(StreamRef Granted, StreamRef Other)> TwoStreamsAsync(LedgerDatabasesFixture databases, string? streamType = null, int minEvents = 1)
    {
        await using var connection = new NpgsqlConnection(databases.Primary(databases.LedgerDb));
        await connection.OpenAsync();
        async Task<StreamRef> FindAsync(string? notSubject)
        {
            await using var cmd = new NpgsqlCommand("""
                SELECT e.stream_type, e.stream_id, e.stream_seq, substring(e.payload from '"sub":"([^"]+)"') AS subject
                FROM ledger.events e
                WHERE e.payload LIKE '%"enc":"A256GCM"%'
                  AND NOT EXISTS (SELECT 1 FROM keystore.erasures er WHERE e.payload LIKE '%"sub":"' || er.subject_id || '"%')
                  AND ($1::text IS NULL OR NOT EXISTS (SELECT 1 FROM ledger.events o WHERE o.stream_type = e.stream_type AND o.stream_id = e.stream_id
                                                      AND o.payload LIKE '%"sub":"' || $1 || '"%'))
                  AND ($2::text IS NULL OR e.stream_type = $2)
                  AND (SELECT max(h.stream_seq) FROM ledger.events h WHERE h.stream_type = e.stream_type AND h.stream_id = e.stream_id) >= $3
                ORDER BY e.seq
                LIMIT 1
                """, connection);
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)notSubject ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)streamType ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (long)minEvents });
            await using var reader = await cmd.ExecuteReaderAsync();
            (await reader.ReadAsync()).ShouldBeTrue("the demo ledger has streams with personal data");
            return new StreamRef(new StreamKey(reader.GetString(0), reader.GetString(1)), reader.GetString(3), reader.GetInt64(2));
        }
        var first = await FindAsync(null);
        var second = await FindAsync(first.Subject);
        return (first, second);
    }

    /// <summary>Every personal value of <paramref name="streams"/> in the clear (leaf strings of 6+ characters: shorter ones occur by chance).</summary>
    public static async Task<IReadOnlyList<Secret>> SecretsAsync(LedgerDatabasesFixture databases, IReadOnlyList<StreamKey> streams)
    {
        await using var connection = new NpgsqlConnection(databases.Primary(databases.LedgerDb));
        await connection.OpenAsync();
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("SELECT subject_id, key FROM keystore.subject_keys", connection))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                keys[reader.GetString(0)] = reader.GetFieldValue<byte[]>(1);
        }
        var secrets = new List<Secret>();
        foreach (var payload in await PayloadsAsync(connection, streams))
            Collect(JsonNode.Parse(payload), null, keys, secrets);
        return secrets.DistinctBy(s => (s.Subject, s.Value)).ToList();
    }

    private static void Collect(JsonNode? node, string? field, Dictionary<string, byte[]> keys, List<Secret> secrets)
    {
        switch (node)
        {
            case JsonObject o when PersonalDataCipher.SubjectOf(o) is { } subject:
                var value = PersonalDataCipher.Decrypt(o, field!, keys.GetValueOrDefault(subject));
                if (value.Status == PersonalValueStatus.Decrypted)
                    foreach (var leaf in Leaves(value.Value).Where(l => l.Length >= 6))
                        secrets.Add(new Secret(subject, field!, leaf));
                break;
            case JsonObject o:
                foreach (var (name, child) in o)
                    Collect(child, name, keys, secrets);
                break;
            case JsonArray a:
                foreach (var child in a)
                    Collect(child, field, keys, secrets);
                break;
        }
    }

    private static IEnumerable<string> Leaves(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Leaves(p.Value)),
        JsonArray a => a.SelectMany(Leaves),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        JsonValue v => [v.ToJsonString()],
        _ => [],
    };

    public static async Task<IReadOnlyList<string>> CiphertextsAsync(LedgerDatabasesFixture databases, IReadOnlyList<StreamKey> streams)
    {
        await using var connection = new NpgsqlConnection(databases.Primary(databases.LedgerDb));
        await connection.OpenAsync();
        var cts = new List<string>();
        foreach (var payload in await PayloadsAsync(connection, streams))
            CollectCiphertexts(JsonNode.Parse(payload), cts);
        cts.ShouldNotBeEmpty();
        return cts;
    }

    private static void CollectCiphertexts(JsonNode? node, List<string> cts)
    {
        switch (node)
        {
            case JsonObject o when PersonalDataCipher.SubjectOf(o) is not null:
                cts.Add(o["ct"]!.GetValue<string>());
                break;
            case JsonObject o:
                foreach (var (_, child) in o)
                    CollectCiphertexts(child, cts);
                break;
            case JsonArray a:
                foreach (var child in a)
                    CollectCiphertexts(child, cts);
                break;
        }
    }

    private static async Task<IReadOnlyList<string>> PayloadsAsync(NpgsqlConnection connection, IReadOnlyList<StreamKey> streams)
    {
        var payloads = new List<string>();
        foreach (var stream in streams)
        {
            await using var cmd = new NpgsqlCommand("SELECT payload FROM ledger.events WHERE stream_type = $1 AND stream_id = $2", connection);
            cmd.Parameters.Add(new NpgsqlParameter { Value = stream.Type });
            cmd.Parameters.Add(new NpgsqlParameter { Value = stream.Id });
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                payloads.Add(reader.GetString(0));
        }
        return payloads;
    }
}
