using System.Diagnostics.CodeAnalysis;

namespace AuditPortal.Portal.Gateway;

/// <summary>How the gateway answered.</summary>
public enum GatewayStatus
{
    /// <summary>Logged, queried, redacted: <see cref="GatewayResult{T}.Value"/> is set.</summary>
    Ok,

    /// <summary>The request itself is invalid (e.g. an unmask reason that is too short, no case where one is required). 400.</summary>
    BadRequest,

    /// <summary>The caller's roles do not allow this kind of query (or unmasking). 403; a <c>query.refused</c> was logged.</summary>
    Forbidden,

    /// <summary>The access log could not be written: no query ran. 503.</summary>
    AccessLogUnavailable,

    /// <summary>The replica could not answer; a <c>query.failed</c> outcome was logged. 503.</summary>
    ReplicaUnavailable,

    /// <summary>The workspace (cases, grants) could not be read or written: nothing was revealed or changed. 503.</summary>
    WorkspaceUnavailable,
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

    /// <summary>What redaction met in the value: subjects and fields (the grant dialog offers those), erased and revealed ones.</summary>
    public AuditPortal.Portal.Redaction.RedactionSummary Redaction { get; init; } = AuditPortal.Portal.Redaction.RedactionSummary.Empty;

    /// <summary>The caller's live grants in the active case when the query ran (the page re-masks when the first expires).</summary>
    public IReadOnlyList<AuditPortal.Data.Workspace.UnmaskGrant> Grants { get; init; } = [];

    /// <summary>The active case the query was made in, or null.</summary>
    public AuditPortal.Data.Workspace.InvestigationCase? Case { get; init; }

    internal static GatewayResult<T> Ok(T value, long seq) => new(GatewayStatus.Ok, value, null, seq);

    internal static GatewayResult<T> Fail(GatewayStatus status, string message, long? seq = null) => new(status, default, message, seq);

    public string Title => Status switch
    {
        GatewayStatus.Ok => "OK",
        GatewayStatus.BadRequest => "Bad request",
        GatewayStatus.Forbidden => "No access",
        GatewayStatus.AccessLogUnavailable => "Access log unavailable",
        GatewayStatus.WorkspaceUnavailable => "Workspace unavailable",
        _ => "Ledger replica unavailable",
    };
}
