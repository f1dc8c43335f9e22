namespace AuditPortal.Verification.Merkle;

/// <summary>
/// Computes the subtree hashes a <see cref="ProofPlan"/> asks for from leaf hashes fed once, in
/// ascending index order. Memory is O(log n): one compact range for the subtree being hashed plus
/// the finished proof elements. Leaves outside the plan's ranges are skipped (they need not be fed).
/// </summary>
/// <example>
/// <code>
/// var hasher = new SubtreeHasher(ProofPlan.Inclusion(index, size));
/// await foreach (var (i, hash) in store.LeafHashesAsync(from: 0))
/// {
///     if (hasher.Add(i, hash)) break;   // complete: stop reading
/// }
/// IReadOnlyList&lt;byte[]&gt; proof = hasher.Proof();
/// </code>
/// </example>
public sealed class SubtreeHasher
{
    private readonly ProofPlan _plan;
    private readonly int[] _order;          // plan positions sorted by range begin
    private readonly byte[]?[] _results;    // by plan position
    private int _next;                      // index into _order of the range being hashed
    private CompactRange? _current;
    private long _lastIndex = -1;

    /// <summary>Prepares to hash the ranges of <paramref name="plan"/>.</summary>
    public SubtreeHasher(ProofPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        _plan = plan;
        _results = new byte[plan.Ranges.Count][];
        _order = Enumerable.Range(0, plan.Ranges.Count).OrderBy(i => plan.Ranges[i].Begin).ToArray();
    }

    /// <summary>True once every range of the plan has been hashed.</summary>
    public bool IsComplete => _next == _order.Length;

    /// <summary>
    /// The index of the next leaf hash this hasher needs, or null when complete. Lets a caller
    /// skip ahead instead of reading every leaf.
    /// </summary>
    public long? NextNeededIndex =>
        IsComplete ? null : _plan.Ranges[_order[_next]].Begin + (_current?.End ?? 0);

    /// <summary>
    /// Feeds the hash of leaf <paramref name="index"/>. Indices must be strictly ascending and
    /// contiguous within each planned range. Returns true when the proof is complete.
    /// </summary>
    /// <exception cref="ArgumentException">The hash is not 32 bytes.</exception>
    /// <exception cref="InvalidOperationException">Indices out of order, or a leaf of a planned range was skipped.</exception>
    public bool Add(long index, ReadOnlySpan<byte> leafHash)
    {
        if (index <= _lastIndex)
        {
            throw new InvalidOperationException($"leaf indices must ascend: got {index} after {_lastIndex}");
        }

        _lastIndex = index;
        if (IsComplete)
        {
            return true;
        }

        var range = _plan.Ranges[_order[_next]];
        if (_current is null)
        {
            if (index < range.Begin)
            {
                return false;
            }

            if (index > range.Begin)
            {
                throw new InvalidOperationException($"leaf {range.Begin} of range {range} is missing: got leaf {index}");
            }

            // A subtree hash is the MTH of its leaves as a tree of its own: a range that starts at 0.
            _current = CompactRange.Empty(0);
        }
        else if (index != range.Begin + _current.End)
        {
            throw new InvalidOperationException($"leaf {range.Begin + _current.End} of range {range} is missing: got leaf {index}");
        }

        _current.Append(leafHash);
        if (_current.End == range.Size)
        {
            _results[_order[_next]] = _current.RootHash();
            _current = null;
            _next++;
        }

        return IsComplete;
    }

    /// <summary>Returns the proof: the subtree hashes in plan (proof) order.</summary>
    /// <exception cref="InvalidOperationException">Not every planned leaf has been fed.</exception>
    public IReadOnlyList<byte[]> Proof()
    {
        if (!IsComplete)
        {
            throw new InvalidOperationException(
                $"proof incomplete: leaf {NextNeededIndex} was never supplied (tree size {_plan.TreeSize})");
        }

        return _results.Select(r => r!).ToArray();
    }
}
