using AuditPortal.Data.Appending;
using AuditPortal.Data.Proofs;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Verification.Ledger;
using Npgsql;

namespace AuditPortal.Tests.Data.Proofs;

/// <summary>
/// The three readings of stream heads agree: the current heads (one backward index probe per stream), the heads at
/// the head's size (two probes per stream) and one pass over every event — on a ledger whose streams interleave,
/// differ in length and share a type or an id with another.
/// </summary>
public sealed class StreamHeadRowsTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task CurrentHeads_EqualTheHeadsAtTheHeadAndAFullPass()
    {
        await using (var appender = new LedgerAppender(db.WriterConnectionString, TimeProvider.System, new AppenderOptions()))
        {
            // 4 accounts (n² mod 7: 0, 1, 2, 4; streams of uneven length, interleaved) and 3 orders; "acct-1" is also an order's id.
            var events = Enumerable.Range(0, 45).Select(n => LedgerTestData.Event($"acct-{n * n % 7}", n))
                .Concat(Enumerable.Range(45, 6).Select(n => LedgerTestData.Event($"acct-{n % 3}", n, streamType: "order")))
                .ToList();
            await appender.AppendAsync(events);
        }
        await using var dataSource = NpgsqlDataSource.Create(db.ReaderConnectionString);
        await using var connection = await dataSource.OpenConnectionAsync();

        var current = new List<(StreamKey, long, string)>();
        var atHead = new List<(StreamKey, long, string)>();
        var pass = new Dictionary<StreamKey, (long, string)>();
        (await StreamHeadRows.ReadCurrentHeadsAsync(connection, (s, n, h) => current.Add((s, n, Convert.ToHexString(h))), default)).ShouldBeTrue();
        (await StreamHeadRows.ReadHeadsAtAsync(connection, 51, (s, n, h) => atHead.Add((s, n, Convert.ToHexString(h))), default)).ShouldBeTrue();
        await StreamHeadRows.ReadAsync(connection, 0, 51, (_, h, s, n) => pass[s] = (n, Convert.ToHexString(h)), default);

        var expected = pass.Select(p => (p.Key, p.Value.Item1, p.Value.Item2)).OrderBy(h => h.Key.ToString(), StringComparer.Ordinal).ToList();
        expected.Count.ShouldBe(7);
        current.OrderBy(h => h.Item1.ToString(), StringComparer.Ordinal).ShouldBe(expected);
        atHead.OrderBy(h => h.Item1.ToString(), StringComparer.Ordinal).ShouldBe(expected);
    }
}
