using System.Security.Claims;
using System.Text.Json.Nodes;
using AuditPortal.Data.PersonalData;
using AuditPortal.Data.Proofs;
using AuditPortal.Verification.Ledger;
using AuditPortal.Data.Workspace;
using AuditPortal.Evidence;
using AuditPortal.Portal.Gateway;
using AuditPortal.Portal.Redaction;

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
            var size = session.CheckpointSize; // the latest checkpoint of the gateway's snapshot (REPEATABLE READ)
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
            var events = selection is null
                ? PreviewEventsQuery.OfStreamAsync(session.Connection, session.Transaction, scope.Stream, size, token)
                : PreviewEventsQuery.OfSeqsAsync(session.Connection, session.Transaction, seqs, token);
            await foreach (var e in events)
            {
                if (scope.Window is { } window && !window.Contains(e.OccurredAt))
                    continue;
                ids.Add(RecordId.Event(e.EventId));
                first = first is null || e.OccurredAt < first ? e.OccurredAt : first;
                last = last is null || e.OccurredAt > last ? e.OccurredAt : last;
                Collect(JsonNode.Parse(e.PayloadJson), "", fields);
                streams[e.Stream] = streams.GetValueOrDefault(e.Stream) + 1;
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
