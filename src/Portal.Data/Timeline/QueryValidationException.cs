namespace AuditPortal.Data.Timeline;

/// <summary>
/// A query parameter is out of range or malformed. The message names the parameter and says what is
/// accepted, so a page can show it as a 400 as it is; it never carries database errors.
/// </summary>
public sealed class QueryValidationException(string parameter, string message)
    : ArgumentException(message, parameter)
{
    /// <summary>The message without the " (Parameter '…')" suffix <see cref="ArgumentException"/> appends.</summary>
    public string Reason { get; } = message;
}
