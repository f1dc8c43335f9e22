using System.Text.Json.Nodes;
using AuditPortal.Data.PersonalData;

namespace AuditPortal.Evidence;

/// <summary>One live unmask grant as an export reveals under it: the data subject, the field (null: every field) and the stated reason.</summary>
public sealed record RevealingGrant(Guid Id, string Subject, string? Field, string Reason)
{
    public bool Covers(string subject, string field) => GrantCoverage.Covers(Subject, Field, subject, field);

    /// <summary>How the page names it: <c>&lt;id&gt; (reason)</c>, after "revealed under grant".</summary>
    public string Label => $"{Id:D} ({Reason})";
}

/// <summary>
/// An investigator's export in a case (docs/evidence-pdf.md): a field of a subject one of the investigator's live grants
/// covers is printed in clear, marked with that grant; every other field is masked; an erased subject is "erased", grant
/// or not. <paramref name="keys"/> holds the keys of the covered, non-erased subjects only (read before the export).
/// </summary>
public sealed class GrantPresenter(IReadOnlySet<string> erasedSubjects, IReadOnlyList<RevealingGrant> grants, IReadOnlyDictionary<string, byte[]> keys)
    : IPersonalFieldPresenter
{
    public PersonalFieldDisplay Present(string subject, string field, JsonObject envelope)
    {
        if (erasedSubjects.Contains(subject))
            return new PersonalFieldDisplay.Erased();
        if (grants.FirstOrDefault(g => g.Covers(subject, field)) is not { } grant)
            return new PersonalFieldDisplay.Masked();
        var value = PersonalDataCipher.Decrypt(envelope, field, keys.GetValueOrDefault(subject));
        return value.Status switch
        {
            PersonalValueStatus.Decrypted => new PersonalFieldDisplay.Revealed(value.Value?.DeepClone(), grant.Label),
            PersonalValueStatus.Erased => new PersonalFieldDisplay.Erased(),
            _ => new PersonalFieldDisplay.Masked(),
        };
    }
}
