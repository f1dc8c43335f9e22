using AuditPortal.Verification.Verifying;

namespace AuditPortal.Data.Lineage;

/// <summary>
/// One derived event's lineage one level back: its rule and its inputs in recorded order. Deeper levels are
/// loaded on demand (<see cref="LineageQuery.BackwardAsync"/> takes several outputs at once).
/// </summary>
public sealed record BackwardLineage(LineageNode Output, IReadOnlyList<LineageInput> Inputs)
{
    /// <summary>Stale: a correction of one of its inputs was recorded after it (docs/lineage.md).</summary>
    public bool Stale => Inputs.Any(i => i.CorrectedAfterOutput.Count > 0);

    /// <summary>The integrity findings of its inputs, in input order (the verifier's own findings, docs/verification.md).</summary>
    public IEnumerable<Finding> Findings => Inputs.SelectMany(i => i.Findings);
}

/// <param name="Ordinal">1-based position in the output's <c>lineage.inputs</c>.</param>
/// <param name="Node">The input event; null when the ledger has no event with that id (a finding).</param>
/// <param name="CorrectedAfterOutput">Corrections that supersede this input and were recorded after the output, in ledger order.</param>
/// <param name="Findings">Missing, recorded after the output, derived by a rule version the code does not have.</param>
public sealed record LineageInput(int Ordinal, Guid EventId, LineageNode? Node, IReadOnlyList<LineageNode> CorrectedAfterOutput,
    IReadOnlyList<Finding> Findings);

/// <summary>One output in a forward-impact page: the event, how many derivation steps from the start, and the input it used on that path.</summary>
public sealed record ImpactRow(LineageNode Output, int Depth, Guid Via);

/// <summary>A page of the transitive forward impact of <see cref="Input"/>, ordered by the outputs' seq.</summary>
/// <param name="Total">All outputs in the impact (every page), counted up to <see cref="LineageQuery.ImpactCountCap"/>.</param>
/// <param name="NextAfter">The seq the next page starts after; null on the last page.</param>
/// <param name="TotalCapped">There are more than <see cref="Total"/> (= the cap) outputs: show "1,000+".</param>
public sealed record ImpactPage(LineageNode Input, IReadOnlyList<ImpactRow> Rows, long Total, long? NextAfter, bool TotalCapped = false);

/// <summary>One stale output and the correction that made it stale.</summary>
/// <param name="InputOrdinal">Which of the output's inputs the correction supersedes.</param>
public sealed record StaleRow(LineageNode Output, int InputOrdinal, Guid Input, LineageNode Correction, Guid? OutputSupersededBy);

/// <summary>A page of the ledger-wide stale outputs, newest correction first.</summary>
public sealed record StalePage(IReadOnlyList<StaleRow> Rows, StaleCursor? Next);

/// <summary>Keyset position in <see cref="StalePage"/>'s order (correction seq, output seq, input ordinal; all descending).</summary>
public sealed record StaleCursor(long CorrectionSeq, long OutputSeq, int InputOrdinal)
{
    public override string ToString() => FormattableString.Invariant($"{CorrectionSeq}-{OutputSeq}-{InputOrdinal}");

    /// <summary>Parses <see cref="ToString"/>'s form (each number by the one integer rule); null with the problem when it is not one.</summary>
    public static StaleCursor? Parse(string name, string text, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('-');
        long correction = 0, output = 0;
        var ordinal = 0;
        problem = parts.Length != 3
            ? $"{name}: a cursor of three numbers, not '{Requests.LedgerName.ForDisplay(text, 40)}'"
            : Requests.RequestInteger.Check(name, parts[0], 1, Requests.RequestInteger.MaxSafe, out correction)
              ?? Requests.RequestInteger.Check(name, parts[1], 1, Requests.RequestInteger.MaxSafe, out output)
              ?? Requests.RequestInteger.Check(name, parts[2], 1, int.MaxValue, out ordinal);
        return problem is null ? new StaleCursor(correction, output, ordinal) : null;
    }
}
