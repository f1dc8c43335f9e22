using System.Threading.Channels;
using AuditPortal.Data.VerificationRuns;

namespace AuditPortal.Portal.Verification;

/// <summary>
/// A run in progress in this process: its findings so far (kept up to a cap), the latest progress,
/// and the viewers attached to it. A viewer gets a snapshot (findings and progress so far) and a
/// channel of what follows, taken atomically, so a second viewer or a reloaded page misses nothing.
/// </summary>
public sealed class LiveRun
{
    private readonly object gate = new();
    private readonly List<RunFinding> findings = [];
    private readonly List<Channel<RunEvent>> viewers = [];
    private readonly int keepFindings;
    private RunProgress? progress;
    private RunDone? done;
    private int ordinal;

    internal LiveRun(VerificationRun registered, CancellationTokenSource cancellation, int keepFindings)
    {
        Registered = registered;
        Cancellation = cancellation;
        this.keepFindings = keepFindings;
    }

    public VerificationRun Registered { get; }

    public Guid Id => Registered.Id;

    internal CancellationTokenSource Cancellation { get; }

    /// <summary>Who asked to cancel (user name), once someone did.</summary>
    public string? CancelledBy { get; internal set; }

    public RunProgress? Progress
    {
        get
        {
            lock (gate)
                return progress;
        }
    }

    public RunDone? Done
    {
        get
        {
            lock (gate)
                return done;
        }
    }

    /// <summary>Findings numbered so far (including those beyond the kept cap).</summary>
    public int FindingCount
    {
        get
        {
            lock (gate)
                return ordinal;
        }
    }

    /// <summary>Attach a viewer: what happened so far, and a reader of every later event (completed after <see cref="RunDone"/>).</summary>
    public (IReadOnlyList<RunFinding> Findings, RunProgress? Progress, RunDone? Done, ChannelReader<RunEvent> Events) Attach()
    {
        var channel = Channel.CreateUnbounded<RunEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (gate)
        {
            if (done is not null)
                channel.Writer.TryComplete();
            else
                viewers.Add(channel);
            return (findings.ToList(), progress, done, channel.Reader);
        }
    }

    public void Detach(ChannelReader<RunEvent> reader)
    {
        lock (gate)
            viewers.RemoveAll(v => v.Reader == reader);
    }

    internal RunFinding AddFinding(AuditPortal.Verification.Verifying.Finding finding, DateTimeOffset at)
    {
        // Microseconds, as PostgreSQL stores them: a finding replayed from the registry reads the same as it did live.
        at = new DateTimeOffset(at.Ticks - at.Ticks % 10, at.Offset);
        lock (gate)
        {
            var recorded = new RunFinding(++ordinal, finding, at);
            if (findings.Count < keepFindings)
            {
                findings.Add(recorded);
                Broadcast(recorded);
            }
            return recorded;
        }
    }

    internal void SetProgress(RunProgress value)
    {
        lock (gate)
        {
            progress = value;
            // Progress is a state, not a log: a slow viewer only needs the latest, but an unbounded
            // channel keeps them all; viewers drain quickly and reports come at most 4 per second.
            Broadcast(value);
        }
    }

    internal void Finish(RunDone value)
    {
        lock (gate)
        {
            done = value;
            Broadcast(value);
            foreach (var v in viewers)
                v.Writer.TryComplete();
            viewers.Clear();
        }
    }

    private void Broadcast(RunEvent e)
    {
        foreach (var v in viewers)
            v.Writer.TryWrite(e);
    }
}
