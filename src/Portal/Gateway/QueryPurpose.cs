namespace AuditPortal.Portal.Gateway;

/// <summary>
/// Why a query runs, as the caller stated it; written to the access-log entry of that query. An
/// <see cref="Unmask"/> purpose asks to see personal data decrypted and is honoured for investigators only.
/// </summary>
public sealed record QueryPurpose
{
    /// <summary>Shortest justification accepted for unmasking personal data.</summary>
    public const int MinimumJustificationLength = 10;

    /// <summary>Longest purpose text kept (the access log is not a document store).</summary>
    public const int MaximumLength = 1000;

    private QueryPurpose(string text, bool unmask)
    {
        Text = text;
        Unmask = unmask;
    }

    public string Text { get; }

    /// <summary>True when the caller asks for decrypted personal data with this justification.</summary>
    public bool Unmask { get; }

    /// <summary>A stated purpose (e.g. a case number) without unmasking.</summary>
    public static bool TryStated(string? text, out QueryPurpose? purpose, out string? problem) =>
        TryCreate(text, unmask: false, minimumLength: 1, out purpose, out problem);

    /// <summary>An unmask request: the justification must have at least <see cref="MinimumJustificationLength"/> characters.</summary>
    public static bool TryUnmask(string? justification, out QueryPurpose? purpose, out string? problem) =>
        TryCreate(justification, unmask: true, MinimumJustificationLength, out purpose, out problem);

    private static bool TryCreate(string? text, bool unmask, int minimumLength, out QueryPurpose? purpose, out string? problem)
    {
        purpose = null;
        var trimmed = (text ?? "").Trim();
        if (trimmed.Length < minimumLength)
        {
            problem = unmask
                ? $"Unmasking personal data needs a justification of at least {MinimumJustificationLength} characters."
                : "A purpose is required for this query.";
            return false;
        }
        if (trimmed.Length > MaximumLength)
        {
            problem = $"The purpose may be at most {MaximumLength} characters long.";
            return false;
        }
        if (trimmed.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            problem = "The purpose contains control characters.";
            return false;
        }
        problem = null;
        purpose = new QueryPurpose(trimmed, unmask);
        return true;
    }
}
