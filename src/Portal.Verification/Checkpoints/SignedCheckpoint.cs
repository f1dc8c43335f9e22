namespace AuditPortal.Verification.Checkpoints;

/// <summary>
/// A checkpoint with its DER ECDSA P-256/SHA-256 signature over <see cref="Checkpoint.ToBytes"/> and, for a
/// version 2 checkpoint, its C2SP signed note (docs/ledger-format.md §5.2), which carries the same ECDSA
/// signature and the Ed25519 one.
/// </summary>
public sealed record SignedCheckpoint(Checkpoint Checkpoint, byte[] Signature, string? Note = null)
{
    public string SignatureBase64 => Convert.ToBase64String(Signature);
}
