using System.Diagnostics.CodeAnalysis;

namespace AuditPortal.Portal.Gateway;

/// <summary>How the gateway answered.</summary>
public enum GatewayStatus
{
    /// <summary>Logged, queried, redacted: <see cref="GatewayResult{T}.Value"/> is set.</summary>
    Ok,

    /// <summary>The request itself is invalid (e.g. an unmask justification that is too short). 400.</summary>
    BadRequest,

    /// <summary>The caller's roles do not allow this kind of query (or unmasking). 403; a <c>query.refused</c> was logged.</summary>
    Forbidden,

    /// <summary>The access log could not be written: no query ran. 503.</summary>
    AccessLogUnavailable,

    /// <summary>The replica could not answer; a <c>query.failed</c> outcome was logged. 503.</summary>
    ReplicaUnavailable,
}

/// <summary>The answer of <see cref="QueryGateway"/>: either a redacted value or a status with a message fit for the user.</summary>
public sealed record GatewayResult<T>(GatewayStatus Status, T? Value, string? Message, long? AccessLogSeq)
{
    [MemberNotNullWhen(true, nameof(Value))]
    public bool IsOk => Status == GatewayStatus.Ok;

    public int StatusCode => Status switch
    {
        GatewayStatus.Ok => StatusCodes.Status200OK,
        GatewayStatus.BadRequest => StatusCodes.Status400BadRequest,
        GatewayStatus.Forbidden => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status503ServiceUnavailable,
    };

    internal static GatewayResult<T> Ok(T value, long seq) => new(GatewayStatus.Ok, value, null, seq);

    internal static GatewayResult<T> Fail(GatewayStatus status, string message, long? seq = null) => new(status, default, message, seq);

    public string Title => Status switch
    {
        GatewayStatus.Ok => "OK",
        GatewayStatus.BadRequest => "Bad request",
        GatewayStatus.Forbidden => "No access",
        GatewayStatus.AccessLogUnavailable => "Access log unavailable",
        _ => "Ledger replica unavailable",
    };
}
