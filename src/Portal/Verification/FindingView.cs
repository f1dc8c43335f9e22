using AuditPortal.Data.Requests;
using AuditPortal.Data.VerificationRuns;

namespace AuditPortal.Portal.Verification;

/// <summary>A finding as the pages (<see cref="FindingTable"/>, the one rendering of a finding) and the event stream show it.</summary>
/// <param name="RunId">The run that found it, when shown outside that run's page (the dashboard's open findings).</param>
public sealed record FindingView(int Ordinal, string Kind, long? Seq, string? Stream, long? StreamSeq, string Expected, string Actual,
    string Message, DateTimeOffset FoundAt, string? TimelineUrl, Guid? RunId = null)
{
    public static FindingView From(RecordedFinding f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return From(new RunFinding(f.Ordinal, f.Finding, f.FoundAt)) with { RunId = f.RunId };
    }

    /// <param name="scope">The run's scope: a finding of an access-log run links to the access-log entry, not to a ledger timeline.</param>
    public static FindingView From(RunFinding f, RunScope? scope = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        var x = f.Finding;
        var url = scope?.Kind == RunScopeKind.AccessLog
            ? (x.Seq is { } seq and > 0 ? PortalUrls.AccessLogEntry(seq) : null)
            : x.Stream is { } st ? PortalUrls.TimelineEvent(st.Type, st.Id, x.StreamSeq) : null;
        return new FindingView(f.Ordinal, x.Kind.ToString(), x.Seq, x.Stream is { } s ? LedgerName.ForDisplay($"{s.Type}/{s.Id}") : null, x.StreamSeq,
            x.Expected, x.Actual, x.Message, f.FoundAt, url);
    }
}

/// <summary>The <c>done</c> event's data.</summary>
public sealed record DoneView(string Status, long? Rows, double? RowsPerSecond, long? HeadSeq, string? Root, long? TotalFindings, string? Actor,
    string? Error)
{
    public static DoneView From(RunDone d)
    {
        ArgumentNullException.ThrowIfNull(d);
        var o = d.Outcome;
        return new DoneView(d.Status.ToString().ToLowerInvariant(), o?.Rows, o?.RowsPerSecond, o?.HeadSeq, o?.Root, o?.TotalFindings, o?.Actor,
            o?.Error);
    }
}
