using System.Text.Json.Nodes;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.Rules;

/// <summary>
/// One input of a derivation as a rule sees it: the event's id, stream, action and payload. The producer
/// (the demo generator) builds these from its state; replay reads them from the ledger.
/// </summary>
public sealed record RuleInput(Guid EventId, StreamKey Stream, string Action, JsonObject Payload);

/// <summary>The inputs do not fit the rule (a missing or malformed member, mixed accounts): the rule derives nothing.</summary>
public sealed class RuleInputException(string message) : Exception(message);
