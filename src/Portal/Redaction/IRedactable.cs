using System.Text.Json.Nodes;

namespace AuditPortal.Portal.Redaction;

/// <summary>
/// A gateway result. It hands the redaction policy every ledger payload it carries; the policy
/// rewrites them in place before the result leaves the gateway. Results without payloads return none.
/// The gateway accepts only results of this type, so no query can bypass redaction.
/// </summary>
public interface IRedactable
{
    IEnumerable<JsonObject> Payloads { get; }
}
