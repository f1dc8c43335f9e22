using AuditPortal.Data.PersonalData;

namespace AuditPortal.Portal.Redaction;

/// <summary>
/// What the caller's live unmask grants reveal for one query: per data subject, every field (a subject grant)
/// or some fields (field grants). Built by the gateway from the grants of the active case; empty for everyone
/// who is not an investigator, and for queries without a case.
/// </summary>
public sealed class RevealScope
{
    // The grants by data subject, so a field's check looks at its own subject's grants only.
    private readonly Dictionary<string, List<string?>> bySubject = new(StringComparer.Ordinal);

    public static RevealScope None { get; } = new([]);

    /// <param name="grants">(data subject, field or null for every field).</param>
    public RevealScope(IEnumerable<(string Subject, string? Field)> grants)
    {
        ArgumentNullException.ThrowIfNull(grants);
        foreach (var (subject, field) in grants)
        {
            if (!bySubject.TryGetValue(subject, out var fields))
                bySubject[subject] = fields = [];
            fields.Add(field);
        }
    }

    public IEnumerable<string> Subjects => bySubject.Keys;

    public bool IsEmpty => bySubject.Count == 0;

    public bool Covers(string subject, string field) =>
        bySubject.TryGetValue(subject, out var fields) && fields.Exists(f => GrantCoverage.Covers(subject, f, subject, field));
}
