using AuditPortal.Portal.Gateway;

namespace AuditPortal.Portal.Workspace;

/// <summary>
/// A workspace change the caller may not make, or asked for wrongly (not a member, case closed, bad reason):
/// thrown inside <see cref="QueryGateway.RecordAsync{T}"/>'s change before anything is written, logged as refused,
/// and shown to the caller as <see cref="Exception.Message"/>.
/// </summary>
public sealed class WorkspaceRefusal(GatewayStatus status, string message) : Exception(message)
{
    public GatewayStatus Status { get; } = status;

    public static WorkspaceRefusal Forbidden(string message) => new(GatewayStatus.Forbidden, message);

    public static WorkspaceRefusal BadRequest(string message) => new(GatewayStatus.BadRequest, message);
}
