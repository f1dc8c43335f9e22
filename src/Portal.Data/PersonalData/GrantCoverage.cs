namespace AuditPortal.Data.PersonalData;

/// <summary>
/// What one unmask grant reveals (docs/workspace.md): the personal fields of its data subject — every field when the
/// grant names none, else that field only. The one rule for every query's reveal scope and every export's presenter.
/// </summary>
public static class GrantCoverage
{
    /// <param name="grantSubject">The grant's data subject (the envelope's <c>sub</c>).</param>
    /// <param name="grantField">The grant's field name, or null for every field of the subject.</param>
    public static bool Covers(string grantSubject, string? grantField, string subject, string field) =>
        string.Equals(subject, grantSubject, StringComparison.Ordinal)
        && (grantField is null || string.Equals(grantField, field, StringComparison.Ordinal));
}
