using System.Globalization;

namespace AuditPortal.Verification.Merkle;

/// <summary>The leaves [<see cref="Begin"/>, <see cref="End"/>) of a tree; its hash is MTH(D[Begin:End]).</summary>
public readonly record struct LeafRange(long Begin, long End)
{
    /// <summary>Number of leaves in the range.</summary>
    public long Size => End - Begin;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[{Begin}, {End})");
}
