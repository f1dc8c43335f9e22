using System.Text.Json.Nodes;

namespace AuditPortal.Evidence;

/// <summary>How one personal-data field appears in an evidence PDF: masked, revealed under a named grant, or erased.</summary>
public abstract record PersonalFieldDisplay
{
    public sealed record Masked : PersonalFieldDisplay;

    /// <summary>Crypto-shredded: the subject's key is destroyed; the envelope (and every hash) stays.</summary>
    public sealed record Erased : PersonalFieldDisplay;

    /// <summary>Decrypted for the exporting investigator under <paramref name="Grant"/> (named on the page).</summary>
    public sealed record Revealed(JsonNode? Value, string Grant) : PersonalFieldDisplay;
}

/// <summary>Decides how each personal-data envelope of an exported event is shown. The bundle keeps the envelopes whatever this says.</summary>
public interface IPersonalFieldPresenter
{
    /// <param name="subject">The envelope's subject.</param>
    /// <param name="field">The payload member the envelope is stored under (the AAD's field name).</param>
    /// <param name="envelope">The envelope object.</param>
    PersonalFieldDisplay Present(string subject, string field, JsonObject envelope);
}

/// <summary>Everything masked, erased subjects shown as erased: an operator's export, or an investigator without grants.</summary>
public sealed class MaskingPresenter(IReadOnlySet<string> erasedSubjects) : IPersonalFieldPresenter
{
    public PersonalFieldDisplay Present(string subject, string field, JsonObject envelope) =>
        erasedSubjects.Contains(subject) ? new PersonalFieldDisplay.Erased() : new PersonalFieldDisplay.Masked();
}
