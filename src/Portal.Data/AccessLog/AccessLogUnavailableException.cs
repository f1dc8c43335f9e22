namespace AuditPortal.Data.AccessLog;

/// <summary>
/// The access-log entry could not be confirmed as committed: the database failed, the append timed
/// out, or the writer is stopped. The gateway must refuse to answer (fail closed). Retrying with the
/// same request id is safe: if the entry did commit, it is not logged twice.
/// </summary>
public sealed class AccessLogUnavailableException : Exception
{
    public AccessLogUnavailableException()
        : base("the access log is unavailable")
    {
    }

    public AccessLogUnavailableException(string message)
        : base(message)
    {
    }

    public AccessLogUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
