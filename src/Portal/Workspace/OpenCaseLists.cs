using System.Collections.Concurrent;
using AuditPortal.Data.Workspace;

namespace AuditPortal.Portal.Workspace;

/// <summary>
/// The app bar's list of each user's open cases (<see cref="CaseService.MyOpenCasesAsync"/>), remembered for
/// <see cref="Lifetime"/>: every page view shows the case selector, and reading the list was the most expensive
/// part of a view that had no ledger query at all (docs/performance.md). A change to any case on this instance
/// (opened, member added, closed) forgets every list at once; a change made on another instance shows here within
/// <see cref="Lifetime"/>. That delay is harmless: the list only offers choices, and the gateway checks the chosen
/// case's membership and status itself on every query (docs/workspace.md).
/// </summary>
public sealed class OpenCaseLists(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    /// <summary>Most users remembered at once; past it, everything is forgotten (the next views read again).</summary>
    public const int Capacity = 10_000;

    private sealed record Remembered(IReadOnlyList<InvestigationCase> Cases, DateTimeOffset Expires, long Generation);

    private readonly ConcurrentDictionary<string, Remembered> lists = new(StringComparer.Ordinal);

    /// <summary>Counts <see cref="Forget"/>: a list read before a change is never used after it, even if stored late.</summary>
    private long generation;

    /// <summary>The remembered list of <paramref name="subject"/>, or the one <paramref name="read"/> gives (then remembered).</summary>
    public async Task<IReadOnlyList<InvestigationCase>> GetAsync(string subject, Func<CancellationToken, Task<IReadOnlyList<InvestigationCase>>> read, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(read);
        var current = Interlocked.Read(ref generation);
        if (lists.TryGetValue(subject, out var known) && known.Generation == current && known.Expires > time.GetUtcNow())
            return known.Cases;
        var cases = await read(ct);
        if (lists.Count >= Capacity)
            lists.Clear();
        lists[subject] = new Remembered(cases, time.GetUtcNow() + Lifetime, current);
        return cases;
    }

    /// <summary>A case changed: no list read before now is used again.</summary>
    public void Forget()
    {
        Interlocked.Increment(ref generation);
        lists.Clear();
    }
}
