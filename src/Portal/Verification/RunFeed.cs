using System.Runtime.CompilerServices;
using AuditPortal.Data.VerificationRuns;

namespace AuditPortal.Portal.Verification;

/// <summary>A run as it stands: its registration, the findings so far, the latest progress, and its end once it ended.</summary>
/// <param name="Live">Running in this process (<see cref="LiveRun"/>); false: read from the registry.</param>
public sealed record RunSnapshot(VerificationRun Run, bool Live, IReadOnlyList<RunFinding> Findings, RunProgress? Progress, RunDone? Done);

/// <summary>
/// Where a run's viewers read it, in one place for the run page (through its circuit) and the event
/// stream (<see cref="RunEventStream"/>): a run of this process from its <see cref="LiveRun"/>, any other
/// (finished, or running in another portal process) from the registry.
/// </summary>
public sealed class RunFeed(VerificationCoordinator coordinator, IVerificationBackend backend, TimeProvider time)
{
    /// <summary>How often a run of another process is re-read from the registry (its heartbeats come every 2 s).</summary>
    public static readonly TimeSpan RegistryPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>The registry is configured (without it no run can start or be read).</summary>
    public bool Available => backend.Store is not null;

    /// <summary>The run as it stands, or null when there is no such run.</summary>
    public async Task<RunSnapshot?> LoadAsync(Guid id, CancellationToken ct)
    {
        if (coordinator.Find(id) is { } live)
        {
            var (findings, progress, done, events) = live.Attach();
            live.Detach(events);
            return new RunSnapshot(live.Registered, true, findings, progress, done);
        }
        if (backend.Store is not { } store || await store.GetAsync(id, ct) is not { } stored)
            return null;
        var recorded = await store.FindingsAsync(id, ct: ct);
        return new RunSnapshot(stored, false, recorded.Select(f => new RunFinding(f.Ordinal, f.Finding, f.FoundAt)).ToList(),
            Progress(stored), stored.IsFinished ? new RunDone(stored.Status, stored.Outcome) : null);
    }

    /// <summary>
    /// Every finding numbered above <paramref name="after"/>, the latest progress, then what follows as it
    /// happens, ending with <see cref="RunDone"/>. A live run is attached to (a snapshot and the events after it,
    /// taken atomically, so nothing falls between them); another run is followed in the registry.
    /// </summary>
    public async IAsyncEnumerable<RunEvent> FollowAsync(Guid id, int after, [EnumeratorCancellation] CancellationToken ct)
    {
        var sent = after;
        if (coordinator.Find(id) is { } live)
        {
            var (findings, progress, done, events) = live.Attach();
            try
            {
                foreach (var f in findings.Where(f => f.Ordinal > sent))
                {
                    sent = f.Ordinal;
                    yield return f;
                }
                if (progress is not null)
                    yield return progress;
                if (done is not null)
                {
                    yield return done;
                    yield break;
                }
                await foreach (var e in events.ReadAllAsync(ct))
                {
                    if (e is RunFinding f)
                    {
                        if (f.Ordinal <= sent)
                            continue;
                        sent = f.Ordinal;
                    }
                    yield return e;
                }
            }
            finally
            {
                live.Detach(events);
            }
            yield break;
        }

        if (backend.Store is not { } store || await store.GetAsync(id, ct) is not { } run)
            yield break;
        while (true)
        {
            foreach (var f in await store.FindingsAsync(run.Id, sent, ct: ct))
            {
                sent = f.Ordinal;
                yield return new RunFinding(f.Ordinal, f.Finding, f.FoundAt);
            }
            if (run.IsFinished)
            {
                yield return new RunDone(run.Status, run.Outcome);
                yield break;
            }
            if (Progress(run) is { } progress)
                yield return progress;
            await Task.Delay(RegistryPollInterval, time, ct);
            run = await store.GetAsync(run.Id, ct) ?? run;
        }
    }

    /// <summary>What the registry knows of a run's progress: its outcome once finished, else its last heartbeat.</summary>
    private static RunProgress? Progress(VerificationRun run) =>
        run.Outcome is { } o ? new RunProgress(o.Rows, o.RowsPerSecond, o.HeadSeq, o.TotalFindings, null, null)
        : run.LastHeartbeat is { } beat ? new RunProgress(beat.Rows, beat.RowsPerSecond, beat.CurrentSeq, beat.Findings, null, null)
        : null;
}
