using System.Text.Json.Nodes;
using AuditPortal.Data.Projections;

namespace AuditPortal.Benchmarks.AsOf;

/// <summary>Applies nothing: the "rules" phase is the engine's bookkeeping (knowledge, corrections, order) alone.</summary>
internal sealed class NoFold : IPayloadTextProjection
{
    public bool TryApplyText(JsonObject state, ProjectionEvent e, string payloadJson) => true;
    public string StreamType => "*";
    public string Version => "none/0";
    public JsonObject Initial() => [];
    public JsonObject Apply(JsonObject state, ProjectionEvent e, JsonObject payload) => state;
}

