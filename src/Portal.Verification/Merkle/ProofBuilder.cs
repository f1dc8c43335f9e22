namespace AuditPortal.Verification.Merkle;

/// <summary>
/// Builds a proof from a <see cref="ProofPlan"/> and a stream of (leaf index, leaf hash) pairs in
/// ascending index order, such as a database scan. Stops reading as soon as the proof is complete.
/// </summary>
public static class ProofBuilder
{
    /// <summary>Builds the proof of <paramref name="plan"/> from <paramref name="leaves"/>.</summary>
    /// <exception cref="InvalidOperationException">The leaves are out of order or end before the proof is complete.</exception>
    public static IReadOnlyList<byte[]> Build(ProofPlan plan, IEnumerable<(long Index, byte[] LeafHash)> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        var hasher = new SubtreeHasher(plan);
        if (!hasher.IsComplete)
        {
            foreach (var (index, leafHash) in leaves)
            {
                if (hasher.Add(index, leafHash))
                {
                    break;
                }
            }
        }

        return hasher.Proof();
    }

    /// <summary>Builds the proof of <paramref name="plan"/> from <paramref name="leaves"/>, asynchronously.</summary>
    /// <exception cref="InvalidOperationException">The leaves are out of order or end before the proof is complete.</exception>
    public static async Task<IReadOnlyList<byte[]>> BuildAsync(
        ProofPlan plan,
        IAsyncEnumerable<(long Index, byte[] LeafHash)> leaves,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        var hasher = new SubtreeHasher(plan);
        if (!hasher.IsComplete)
        {
            await foreach (var (index, leafHash) in leaves.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (hasher.Add(index, leafHash))
                {
                    break;
                }
            }
        }

        return hasher.Proof();
    }
}
