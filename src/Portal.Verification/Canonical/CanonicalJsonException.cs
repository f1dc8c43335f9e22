namespace AuditPortal.Verification.Canonical;

/// <summary>
/// The input cannot be canonicalized under RFC 8785: it is not JSON, or it is JSON outside the
/// I-JSON domain JCS requires (duplicate member names, lone surrogates, numbers that are not finite
/// IEEE 754 doubles).
/// </summary>
public sealed class CanonicalJsonException : FormatException
{
    /// <summary>Creates the exception with a message.</summary>
    public CanonicalJsonException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public CanonicalJsonException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public CanonicalJsonException()
    {
    }
}
