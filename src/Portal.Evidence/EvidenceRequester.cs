namespace AuditPortal.Evidence;

/// <summary>
/// Who asks for an export, as the access log records it (stream <c>user/&lt;SubjectId&gt;</c>) and the cover prints it.
/// </summary>
/// <param name="SubjectId">Stable id: the OIDC subject in the portal, <c>cli:&lt;user&gt;</c> for an operator.</param>
/// <param name="DisplayName">Name printed on the cover.</param>
/// <param name="Roles">The roles held for this export (<c>investigator</c>, <c>operator</c>).</param>
/// <param name="Purpose">Stated purpose or the case's legal basis.</param>
/// <param name="CaseReference">The case, for portal exports (the case id, as the gateway logs it).</param>
/// <param name="CaseTitle">How the cover names the case (its title and reference), next to <paramref name="CaseReference"/>.</param>
/// <param name="Grants">The ids of the live unmask grants the export reveals under, logged with the request as the gateway logs them.</param>
public sealed record EvidenceRequester(
    string SubjectId,
    string DisplayName,
    IReadOnlyList<string> Roles,
    string? Purpose = null,
    string? CaseReference = null,
    string? ClientAddress = null,
    string? CaseTitle = null,
    IReadOnlyList<string>? Grants = null);
