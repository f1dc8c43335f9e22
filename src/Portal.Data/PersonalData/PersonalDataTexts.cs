namespace AuditPortal.Data.PersonalData;

/// <summary>
/// What a personal-data envelope reads as when it is not shown decrypted, on every surface (pages, JSON, PDFs):
/// written once here so the portal's redaction policy and the evidence PDF say the same thing.
/// </summary>
public static class PersonalDataTexts
{
    public const string Masked = "[personal data: masked]";

    /// <summary>An erased subject whose erasure time is not known (no key left, no erasure row).</summary>
    public const string Erased = "[erased]";

    public const string Unreadable = "[personal data: unreadable]";
}
