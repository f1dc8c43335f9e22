using System.Text.Json.Nodes;
using AuditPortal.Portal.Redaction;

namespace AuditPortal.Portal.Lineage;

/// <summary>A view of an event that may not be in the ledger: <see cref="Value"/> is null then (the page answers 404).</summary>
public sealed record Lookup<T>(T? Value) : IRedactable where T : class, IRedactable
{
    public IEnumerable<JsonObject> Payloads => Value?.Payloads ?? [];
}
