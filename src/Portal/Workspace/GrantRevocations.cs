namespace AuditPortal.Portal.Workspace;

/// <summary>
/// Tells every open circuit of this process that a grant was revoked, so a page that revealed values under it
/// masks them at once (it reloads its view) instead of at its next query. One per process; revocations made by
/// other portal instances arrive through <see cref="GrantRevocationListener"/> (docs/workspace.md).
/// </summary>
public sealed class GrantRevocations
{
    /// <summary>How many recent grant ids are remembered to tell each revocation once.</summary>
    private const int Remembered = 1024;

    private readonly Lock gate = new();
    private readonly HashSet<Guid> recent = [];
    private readonly Queue<Guid> order = new();

    public event Action<Guid>? Revoked;

    /// <summary>
    /// Tells the open circuits, once per grant: the revoking instance publishes at once and again when its own
    /// notification comes back, and a second reload would be a second query in each open page.
    /// </summary>
    public void Publish(Guid grantId)
    {
        lock (gate)
        {
            if (!recent.Add(grantId))
                return;
            order.Enqueue(grantId);
            if (order.Count > Remembered)
                recent.Remove(order.Dequeue());
        }
        Revoked?.Invoke(grantId);
    }
}
