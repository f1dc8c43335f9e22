namespace AuditPortal.Portal.Workspace;

/// <summary>What the grant dialog asks for: a data subject on the page, optionally one of its fields, why, and for how long.</summary>
public sealed record GrantRequest(string DataSubject, string? FieldName, string Reason, TimeSpan Duration);
