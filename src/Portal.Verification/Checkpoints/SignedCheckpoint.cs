namespace AuditPortal.Verification.Checkpoints;

/// <summary>A checkpoint with its DER ECDSA P-256/SHA-256 signature over <see cref="Checkpoint.ToBytes"/>.</summary>
public sealed record SignedCheckpoint(Checkpoint Checkpoint, byte[] Signature)
{
    public string SignatureBase64 => Convert.ToBase64String(Signature);
}
