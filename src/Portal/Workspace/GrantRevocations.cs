namespace AuditPortal.Portal.Workspace;

/// <summary>
/// Tells every open circuit of this process that a grant was revoked, so a page that revealed values under it
/// masks them at once (it reloads its view) instead of at its next query. One per process; across several portal
/// instances a page still re-masks at the grant's expiry and on its next query (docs/workspace.md).
/// </summary>
public sealed class GrantRevocations
{
    public event Action<Guid>? Revoked;

    public void Publish(Guid grantId) => Revoked?.Invoke(grantId);
}
