using System.Text.Json.Nodes;

namespace AuditPortal.Data.AccessLog.Anomalies;

/// <summary>
/// One logged query as the anomaly rules see it: its request (who, when, what) and, once recorded, its outcome.
/// Built from an <see cref="AccessLogItem"/>; the rules never read the database.
/// </summary>
public sealed record AccessObservation(
    long Seq, string SubjectId, IReadOnlyList<string> Roles, string Kind, JsonObject Parameters, string? CaseReference,
    DateTime RequestedAt, AccessLogOutcome? Outcome)
{
    /// <summary>The access-log kind of a justified unmask grant (docs/workspace.md); the portal's workspace kinds use this name.</summary>
    public const string UnmaskGrantKind = "unmask.grant";

    /// <summary>
    /// A request to see personal data: an unmask grant, or an entry of the per-query unmask that grants replaced
    /// (marked <c>"unmask": true</c> in its parameters), which older access logs hold.
    /// </summary>
    public bool Unmask => Kind == UnmaskGrantKind || (Parameters["unmask"] is JsonValue v && v.TryGetValue<bool>(out var b) && b);

    /// <summary>The stream the query names (<c>stream_type</c>/<c>stream_id</c> parameters), if any.</summary>
    public string? Stream => (string?)Parameters["stream_type"] is { } t && (string?)Parameters["stream_id"] is { } id ? t + "/" + id : null;

    public static AccessObservation From(AccessLogItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(item.Seq, item.SubjectId, item.Roles, item.Kind, item.Parameters, item.CaseReference, item.RequestedAt, item.Completion?.Outcome);
    }
}
