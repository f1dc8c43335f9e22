using System.Globalization;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Demo;

namespace AuditPortal.Benchmarks.AsOf;

/// <summary>
/// Appends one demo account stream of a chosen size to an existing ledger, for the issue-4 target "as-of state
/// of a 10,000-event stream" on the 10M ledger, whose demo streams are either ~815,000 events (the three hot
/// accounts) or under ~4,200 (docs/timeline-pages.md).
/// </summary>
/// <remarks>
/// The events are those of the busiest account of a small demo ledger (<c>--from-events</c>, default 125,000,
/// seed 7), in order, with a new stream id, fresh event ids (supersedes remapped, so corrections still correct
/// their own stream), idempotency keys prefixed with the stream id, and personal fields encrypted for one new
/// subject. They go through the normal <see cref="LedgerAppender"/>, so both chains stay intact; their system
/// time is the time of the append. Make a checkpoint afterwards (<c>auditportal ledger checkpoint</c>).
/// </remarks>
internal static class AppendStream
{
    public static async Task<int> RunAsync(string connection, string streamId, int events, long fromEvents, int seed)
    {
        var source = new DemoLedgerGenerator(seed).Events(fromEvents).ToList();
        var busiest = source.Where(e => e.StreamType == "account").GroupBy(e => e.StreamId).MaxBy(g => g.Count())!;
        var picked = busiest.Take(events).ToList();
        if (picked.Count < events)
        {
            Console.Error.WriteLine($"the busiest account of a {fromEvents:N0}-event demo ledger has only {picked.Count:N0} events; raise --from-events");
            return 2;
        }

        var ids = new Dictionary<Guid, Guid>();
        var subject = "subj-" + streamId;
        var batch = new List<NewEvent>(picked.Count);
        foreach (var e in picked)
        {
            var id = Guid.CreateVersion7();
            if (e.EventId is { } old)
                ids[old] = id;
            batch.Add(e with
            {
                StreamId = streamId,
                EventId = id,
                Supersedes = e.Supersedes is { } s && ids.TryGetValue(s, out var mapped) ? mapped : null,
                Lineage = null,
                IdempotencyKey = e.IdempotencyKey is null ? null : streamId + ":" + e.IdempotencyKey,
                PersonalFields = e.PersonalFields.Select(f => f with { SubjectId = subject }).ToList(),
                RecordedAt = null,
            });
        }

        await using var appender = new LedgerAppender(connection, TimeProvider.System, new AppenderOptions());
        var appended = 0;
        foreach (var chunk in batch.Chunk(2_000))
            appended += (await appender.AppendAsync(chunk)).Count(r => !r.AlreadyPresent);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"appended {appended:N0} events to account/{streamId} (from account/{busiest.Key} of a {fromEvents:N0}-event demo ledger, seed {seed})"));
        return 0;
    }
}
