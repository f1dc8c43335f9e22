using AuditPortal.Data.Lineage;
using AuditPortal.Data.Requests;
using AuditPortal.Portal.Timeline;

namespace AuditPortal.Portal.Lineage;

/// <summary>The lineage pages' query parameters, read strictly: every problem names its parameter (a 400 before anything is logged).</summary>
public static class LineageParameters
{
    /// <summary><c>expand</c>: dot-separated event ids (lowercase UUIDs), at most <see cref="LineageQueries.MaxExpanded"/>, no repeats.</summary>
    public static IReadOnlyList<Guid> Expand(StrictQuery q)
    {
        ArgumentNullException.ThrowIfNull(q);
        if (q.Text("expand", 40 * LineageQueries.MaxExpanded) is not { } text)
            return [];
        var ids = new List<Guid>();
        foreach (var part in text.Split('.'))
        {
            if (part.Length != 36 || !Guid.TryParseExact(part, "D", out var id) || part != id.ToString("D"))
            {
                q.Add($"expand: event ids (lowercase UUIDs) separated by dots, not '{LedgerName.ForDisplay(part, 40)}'");
                return [];
            }
            if (!ids.Contains(id))
                ids.Add(id);
        }
        if (ids.Count > LineageQueries.MaxExpanded)
        {
            q.Add($"expand: at most {LineageQueries.MaxExpanded} nodes at once");
            return [];
        }
        return ids;
    }

    /// <summary><c>pages</c> of the impact list: the seq each earlier page ended at, increasing.</summary>
    public static IReadOnlyList<long> ImpactTrail(StrictQuery q)
    {
        ArgumentNullException.ThrowIfNull(q);
        var seqs = new List<long>();
        foreach (var cursor in q.Trail("pages").Cursors)
        {
            if (RequestInteger.Check("pages", cursor, 1, RequestInteger.MaxSafe, out long seq) is { } problem)
            {
                q.Add(problem);
                return [];
            }
            if (seqs.Count > 0 && seq <= seqs[^1])
            {
                q.Add("pages: each page must start after the one before; start again from the first page");
                return [];
            }
            seqs.Add(seq);
        }
        return seqs;
    }

    /// <summary><c>pages</c> of the stale outputs list.</summary>
    public static IReadOnlyList<StaleCursor> StaleTrail(StrictQuery q)
    {
        ArgumentNullException.ThrowIfNull(q);
        var cursors = new List<StaleCursor>();
        foreach (var text in q.Trail("pages").Cursors)
        {
            if (StaleCursor.Parse("pages", text, out var problem) is not { } cursor)
            {
                q.Add(problem!);
                return [];
            }
            cursors.Add(cursor);
        }
        return cursors;
    }

    /// <summary>A stream as the lineage pages print it (hostile names made harmless by the one display rule).</summary>
    public static string Stream(LineageNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return LedgerName.ForDisplay($"{node.Stream.Type}/{node.Stream.Id}");
    }
}
