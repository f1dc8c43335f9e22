using AuditPortal.Data.Appending;
using AuditPortal.Data.Demo;
using AuditPortal.Data.Replica;
using AuditPortal.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace AuditPortal.Tests.Data.Lineage;

/// <summary>
/// The seed-42 demo ledger of <see cref="Count"/> events, appended by the real appender (so V005's edges are the
/// appender's), read back as the SELECT-only reader role. <see cref="Events"/> is what the generator handed out,
/// the in-memory reference the lineage reads are checked against.
/// </summary>
public sealed class DemoLineageFixture : IAsyncLifetime
{
    public const int Count = 30_000;

    public PostgresFixture Db { get; } = new();
    public ReplicaConnectionFactory Replica { get; private set; } = null!;
    public List<NewEvent> Events { get; } = [];

    /// <summary>Position (0-based, = seq − 1) of every event id.</summary>
    public Dictionary<Guid, int> Index { get; } = [];

    public async Task InitializeAsync()
    {
        await Db.InitializeAsync();
        var appender = new LedgerAppender(Db.DataSource(Db.WriterConnectionString), new FakeTimeProvider(DateTimeOffset.UnixEpoch), new AppenderOptions());
        foreach (var batch in new DemoLedgerGenerator(42, new DemoOptions()).Batches(Count, 2_000))
        {
            await appender.AppendAsync(batch);
            Events.AddRange(batch);
        }
        for (var i = 0; i < Events.Count; i++)
            Index[Events[i].EventId!.Value] = i;
        Replica = new ReplicaConnectionFactory(Db.ReaderConnectionString);
    }

    public Task DisposeAsync() => Db.DisposeAsync();

    /// <summary>The reference staleness: output index → (input, correction index) for corrections of an input recorded after it.</summary>
    public Dictionary<int, List<(Guid Input, int Correction)>> ReferenceStale()
    {
        var correctionsOf = new Dictionary<Guid, List<int>>();
        for (var i = 0; i < Events.Count; i++)
            if (Events[i].Supersedes is { } s)
                (correctionsOf.TryGetValue(s, out var l) ? l : correctionsOf[s] = []).Add(i);
        var stale = new Dictionary<int, List<(Guid, int)>>();
        for (var i = 0; i < Events.Count; i++)
            foreach (var input in Events[i].Lineage?.Inputs ?? [])
                foreach (var c in correctionsOf.GetValueOrDefault(input) ?? [])
                    if (c > i)
                        (stale.TryGetValue(i, out var l) ? l : stale[i] = []).Add((input, c));
        return stale;
    }
}
