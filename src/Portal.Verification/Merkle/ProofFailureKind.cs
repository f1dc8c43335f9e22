namespace AuditPortal.Verification.Merkle;

/// <summary>Why a Merkle proof did not verify.</summary>
public enum ProofFailureKind
{
    /// <summary>The proof verified.</summary>
    None = 0,

    /// <summary>Index, sizes or their order are impossible (index beyond size, size1 beyond size2, negative).</summary>
    InvalidArguments,

    /// <summary>The proof has the wrong number of elements for the index and size(s).</summary>
    WrongProofLength,

    /// <summary>A hash (leaf hash, root or proof element) is not 32 bytes.</summary>
    MalformedHash,

    /// <summary>The root calculated from the proof differs from the expected root.</summary>
    RootMismatch,
}
