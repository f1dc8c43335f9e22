using AuditPortal.Data.Projections;

namespace AuditPortal.Portal.Timeline;

/// <summary>
/// What the as-of page lists of a replay: the counts by action and by reason over every event, the last
/// <see cref="ListLimit"/> applied events and the first <see cref="ListLimit"/> left out, and the stream_seq of each
/// event those rows name. Not the replay itself: an open page keeps this (≤ 200 rows), never the 16,167 applied and
/// excluded events of a hot stream, which stay with the query (and, shared, in <see cref="AsOfStateCache"/>).
/// </summary>
public sealed record AsOfListing(
    string ProjectionVersion,
    int AppliedCount,
    int ExcludedCount,
    IReadOnlyList<(string Action, int Count)> AppliedByAction,
    IReadOnlyList<(ExcludedReason Reason, int Count)> ExcludedByReason,
    IReadOnlyList<AppliedEvent> LastApplied,
    IReadOnlyList<ExcludedEvent> FirstExcluded,
    IReadOnlyDictionary<Guid, long> StreamSeqs)
{
    /// <summary>
    /// Rows listed per table. A hot stream has tens of thousands of events; listing them all made the page
    /// megabytes of HTML (8 MB, ~6 s for 40,000 events), and 500 per table were still the largest part of an as-of
    /// change over the circuit (docs/timeline-pages.md). Counts by action / reason cover all of them; every row
    /// links to its event's timeline page.
    /// </summary>
    public const int ListLimit = 100;

    public bool StreamExists => AppliedCount + ExcludedCount > 0;

    public static AsOfListing Of(AsOfState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var applied = state.Applied.Skip(Math.Max(0, state.Applied.Count - ListLimit)).ToList();
        var excluded = state.Excluded.Take(ListLimit).ToList();
        // The listed rows name other events (a correction's place, a superseding correction): their stream_seq only.
        var named = applied.Select(a => a.InPlaceOf).Concat(excluded.Select(x => x.SupersededBy)).OfType<Guid>().ToHashSet();
        var seqs = new Dictionary<Guid, long>();
        foreach (var (id, seq) in state.Applied.Select(a => (a.EventId, a.StreamSeq)).Concat(state.Excluded.Select(x => (x.EventId, x.StreamSeq))))
        {
            if (named.Contains(id))
                seqs.TryAdd(id, seq);
        }
        return new AsOfListing(
            state.ProjectionVersion,
            state.Applied.Count,
            state.Excluded.Count,
            state.Applied.GroupBy(a => a.Action).Select(g => (g.Key, g.Count()))
                .OrderByDescending(g => g.Item2).ThenBy(g => g.Key, StringComparer.Ordinal).ToList(),
            state.Excluded.GroupBy(x => x.Reason).Select(g => (g.Key, g.Count())).OrderBy(g => g.Key).ToList(),
            applied,
            excluded,
            seqs);
    }

    /// <summary>The stream_seq of an event a listed row names, or "?" (not in the stream).</summary>
    public string SeqOf(Guid? id) =>
        id is { } g && StreamSeqs.TryGetValue(g, out var seq) ? seq.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";
}
