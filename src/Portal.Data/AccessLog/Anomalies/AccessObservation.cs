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
    /// <summary>The gateway marks an unmask request with <c>"unmask": true</c> in the parameters (docs/gateway.md).</summary>
    public bool Unmask => Parameters["unmask"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    /// <summary>The stream the query names (<c>stream_type</c>/<c>stream_id</c> parameters), if any.</summary>
    public string? Stream => (string?)Parameters["stream_type"] is { } t && (string?)Parameters["stream_id"] is { } id ? t + "/" + id : null;

    public static AccessObservation From(AccessLogItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(item.Seq, item.SubjectId, item.Roles, item.Kind, item.Parameters, item.CaseReference, item.RequestedAt, item.Completion?.Outcome);
    }
}
