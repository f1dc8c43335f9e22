using System.Security.Claims;
using System.Text.Json.Nodes;
using AuditPortal.Data.PersonalData;
using AuditPortal.Data.Proofs;
using AuditPortal.Verification.Ledger;
using AuditPortal.Data.Workspace;
using AuditPortal.Evidence;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Redaction;
using Npgsql;

namespace AuditPortal.Portal.Evidence;

/// <summary>One personal field the export would print: the data subject (pseudonym), the payload member, how often, and whether the subject is erased.</summary>
public sealed record PreviewField(string Subject, string Field, int Occurrences, bool Erased);

/// <summary>One stream of a scope that spans several (an evidence set's bundle) and how many of its events it exports.</summary>
public sealed record PreviewStream(StreamKey Stream, int EventCount);

/// <summary>
/// What an export would hold, shown before it starts: the events of the scope up to the latest signed checkpoint, the
/// stream(s), and every personal field with how it will appear under the caller's live grants in the case (<see cref="Show"/>).
/// </summary>
/// <param name="Streams">For a scope that spans several streams, each with its count (in the evidence set's order); empty otherwise.</param>
/// <param name="Problem">Why the scope cannot be exported as it is (more events than an evidence set holds), or null.</param>
public sealed record ExportPreview(ExportScope Scope, long CheckpointSize, int EventCount, DateTime? FirstOccurred, DateTime? LastOccurred,
    IReadOnlyList<PreviewField> Fields, IReadOnlyList<PreviewStream>? Streams = null, string? Problem = null) : IRedactable
{
    /// <summary>No payload leaves the query: only subject ids and member names.</summary>
    public IEnumerable<JsonObject> Payloads => [];

    /// <summary>How <paramref name="field"/> will appear in the PDF under <paramref name="grants"/> (the same rule as <see cref="GrantPresenter"/>).</summary>
    public static string Show(PreviewField field, IReadOnlyList<RevealingGrant> grants) =>
        field.Erased ? "erased"
        : grants.FirstOrDefault(g => g.Covers(field.Subject, field.Field)) is { } grant ? $"revealed under grant {grant.Label}"
        : "masked";
}

/// <summary>The preview query: one gateway call (<see cref="EvidenceKinds.Preview"/>) in the active case, on the standby.</summary>
public sealed class ExportPreviewQuery(QueryGateway gateway)
{
    private const string Sql = """
        SELECT event_id, occurred_at, payload, stream_type, stream_id FROM ledger.events
        WHERE stream_type = $1 AND stream_id = $2 AND seq <= $3
        ORDER BY stream_seq
        """;

    // The events of a scope that spans several streams (their seqs from EventSelection, the rule the evidence set uses).
    private const string SetSql = "SELECT event_id, occurred_at, payload, stream_type, stream_id FROM ledger.events WHERE seq = ANY($1) ORDER BY seq";

    /// <param name="selection">For a scope that spans several streams, its events (<see cref="CaseExportService"/> resolves it); null for a stream.</param>
    public async Task<GatewayResult<ExportPreview>> RunAsync(ClaimsPrincipal user, ExportScope scope, EventSelection? selection, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (scope.IsSet != selection is not null)
            throw new ArgumentException("a scope that spans several streams is previewed with its selection, and only it", nameof(selection));
        var parameters = scope.IsSet ? new JsonObject { ["scope"] = selection!.Scope.Kind } : new JsonObject { ["stream_type"] = scope.Stream.Type, ["stream_id"] = scope.Stream.Id };
        if (scope.Output is { } output)
            parameters["output"] = output.ToString("D");
        if (scope.Window is { } w)
        {
            parameters["from"] = AuditPortal.Verification.Ledger.LedgerTime.ToText(w.From);
            parameters["to"] = AuditPortal.Verification.Ledger.LedgerTime.ToText(w.To);
        }
        return await gateway.RunAsync(EvidenceKinds.Preview, user, parameters, purpose: null, async (session, token) =>
        {
            await using var latest = session.CreateCommand("SELECT coalesce(max(size), 0) FROM ledger.checkpoints");
            var size = (long)(await latest.ExecuteScalarAsync(token))!;
            var ids = new List<string>();
            var fields = new Dictionary<(string Subject, string Field), int>();
            var streams = new Dictionary<StreamKey, int>();
            DateTime? first = null, last = null;
            long[] seqs = [];
            if (selection is not null)
            {
                try
                {
                    seqs = [.. await selection.SeqsAsync(session.Connection, session.Transaction, size, token)];
                }
                catch (InvalidOperationException ex)
                {
                    return QueryAnswer.Of(new ExportPreview(scope, size, 0, null, null, [], [], ex.Message), ids);
                }
            }
            await using (var read = session.CreateCommand(selection is null ? Sql : SetSql))
            {
                if (selection is null)
                {
                    read.Parameters.Add(new NpgsqlParameter { Value = scope.Stream.Type });
                    read.Parameters.Add(new NpgsqlParameter { Value = scope.Stream.Id });
                    read.Parameters.Add(new NpgsqlParameter { Value = size });
                }
                else
                {
                    read.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = seqs });
                }
                await using var reader = await read.ExecuteReaderAsync(token);
                while (await reader.ReadAsync(token))
                {
                    var occurred = reader.GetFieldValue<DateTime>(1);
                    if (scope.Window is { } window && !window.Contains(occurred))
                        continue;
                    ids.Add(RecordId.Event(reader.GetGuid(0)));
                    first = first is null || occurred < first ? occurred : first;
                    last = last is null || occurred > last ? occurred : last;
                    Collect(JsonNode.Parse(reader.GetString(2)), "", fields);
                    var stream = new StreamKey(reader.GetString(3), reader.GetString(4));
                    streams[stream] = streams.GetValueOrDefault(stream) + 1;
                }
            }
            var subjects = fields.Keys.Select(k => k.Subject).Distinct(StringComparer.Ordinal).ToArray();
            var erased = subjects.Length == 0 ? [] : await KeyStore.ErasuresAsync(session.Connection, session.Transaction, subjects, token);
            var listed = fields.OrderBy(f => f.Key.Subject, StringComparer.Ordinal).ThenBy(f => f.Key.Field, StringComparer.Ordinal)
                .Select(f => new PreviewField(f.Key.Subject, f.Key.Field, f.Value, erased.ContainsKey(f.Key.Subject))).ToArray();
            var perStream = selection is null ? [] : streams.OrderBy(s => s.Key.Type, StringComparer.Ordinal).ThenBy(s => s.Key.Id, StringComparer.Ordinal)
                .Select(s => new PreviewStream(s.Key, s.Value)).ToArray();
            return QueryAnswer.Of(new ExportPreview(scope, size, ids.Count, first, last, listed, perStream), ids);
        }, ct);
    }

    /// <summary>The live grants of a preview's answer as the export reveals under them.</summary>
    public static IReadOnlyList<RevealingGrant> Revealing(IReadOnlyList<UnmaskGrant> grants) =>
        grants.Select(g => new RevealingGrant(g.Id, g.DataSubject, g.FieldName, g.Reason)).ToArray();

    // The field of an envelope is the member it is stored under, also inside arrays (docs/ledger-format.md §7), as the PDF names it.
    private static void Collect(JsonNode? node, string field, Dictionary<(string, string), int> into)
    {
        switch (node)
        {
            case JsonObject obj when PersonalDataCipher.SubjectOf(obj) is { } subject:
                into[(subject, field)] = into.GetValueOrDefault((subject, field)) + 1;
                break;
            case JsonObject obj:
                foreach (var (name, child) in obj)
                    Collect(child, name, into);
                break;
            case JsonArray array:
                foreach (var child in array)
                    Collect(child, field, into);
                break;
        }
    }
}
