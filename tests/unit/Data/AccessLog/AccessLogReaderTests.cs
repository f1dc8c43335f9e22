using System.Globalization;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Replica;
using AuditPortal.Tests.Infrastructure;

namespace AuditPortal.Tests.Data.AccessLog;

public sealed class AccessLogReaderTests(AccessLogPostgresFixture db) : IClassFixture<AccessLogPostgresFixture>, IAsyncLifetime
{
    private static readonly string[] Subjects = ["sub-a", "sub-b", "sub-c"];
    private static readonly string[] Kinds = ["timeline.read", "lineage.read"];
    private readonly List<(AccessLogEntry Entry, AppendedEvent Request)> logged = [];
    private ReplicaConnectionFactory? connections;
    private AccessLogReader reader = null!;

    /// <summary>Logs 36 queries: subject n % 3, kind n % 2, one a minute; every fourth without completion.</summary>
    public async Task InitializeAsync()
    {
        await db.ExecuteAsync("""
            ALTER TABLE ledger.events DISABLE TRIGGER ALL; DELETE FROM ledger.events; ALTER TABLE ledger.events ENABLE TRIGGER ALL;
            DELETE FROM portal.access_log_pending;
            """);
        await using (var writer = AccessLogTestData.Writer(db))
        {
            for (var n = 0; n < 36; n++)
                logged.Add(await LogAsync(writer, n));
        }
        reader = AccessLogTestData.Reader(db, out connections);
    }

    public async Task DisposeAsync()
    {
        if (connections is not null)
            await connections.DisposeAsync();
    }

    private static async Task<(AccessLogEntry, AppendedEvent)> LogAsync(AccessLogWriter writer, int n)
    {
        var entry = AccessLogTestData.Entry(n, Subjects[n % 3], Kinds[n % 2], secondsAfterStart: 60 * n);
        var request = await writer.AppendAsync(entry);
        if (n % 4 != 3)
            await writer.AppendCompletionAsync(AccessLogTestData.Completed(entry, request, rows: n));
        return (entry, request);
    }

    [Fact]
    public async Task SearchAsync_AllPages_EveryRequestOnceNewestFirst()
    {
        var seen = new List<long>();
        long? cursor = null;
        var pages = 0;
        do
        {
            var page = await reader.SearchAsync(new AccessLogFilter(), limit: 5, cursor);
            page.Items.Count.ShouldBeLessThanOrEqualTo(5);
            seen.AddRange(page.Items.Select(i => i.Seq));
            cursor = page.NextBeforeSeq;
            pages++;
        }
        while (cursor is not null);

        seen.ShouldBe(logged.Select(l => l.Request.Seq).OrderDescending());
        pages.ShouldBe(8); // 36 entries / 5
    }

    [Fact]
    public async Task SearchAsync_AppendsBetweenPages_NoDuplicatesNoSkips()
    {
        var first = await reader.SearchAsync(new AccessLogFilter(), limit: 10);
        await using (var writer = AccessLogTestData.Writer(db))
        {
            for (var n = 100; n < 105; n++)
                await LogAsync(writer, n);
        }
        var rest = new List<long>();
        long? cursor = first.NextBeforeSeq;
        while (cursor is not null)
        {
            var page = await reader.SearchAsync(new AccessLogFilter(), limit: 10, cursor);
            rest.AddRange(page.Items.Select(i => i.Seq));
            cursor = page.NextBeforeSeq;
        }

        first.Items.Select(i => i.Seq).Concat(rest).ShouldBe(logged.Select(l => l.Request.Seq).OrderDescending());
    }

    [Fact]
    public async Task SearchAsync_UserKindAndWindow_ConditionsCombine()
    {
        var from = LedgerTestData.Start.UtcDateTime.AddMinutes(6);
        var to = LedgerTestData.Start.UtcDateTime.AddMinutes(30);
        var filter = new AccessLogFilter { SubjectId = "sub-a", Kind = "timeline.read", From = from, To = to };

        var expected = logged
            .Where(l => l.Entry.SubjectId == "sub-a" && l.Entry.Kind == "timeline.read" && l.Entry.RequestedAt >= from && l.Entry.RequestedAt < to)
            .Select(l => l.Request.Seq).OrderDescending().ToList();
        expected.Count.ShouldBe(4); // n = 6, 12, 18, 24

        var pageOne = await reader.SearchAsync(filter, limit: 3);
        var pageTwo = await reader.SearchAsync(filter, limit: 3, pageOne.NextBeforeSeq);
        pageOne.Items.Concat(pageTwo.Items).Select(i => i.Seq).ShouldBe(expected);
        pageTwo.NextBeforeSeq.ShouldBeNull();

        (await reader.SearchAsync(new AccessLogFilter { Kind = "lineage.read" }, limit: 100)).Items.Count.ShouldBe(18);
        (await reader.SearchAsync(new AccessLogFilter { SubjectId = "sub-b", Kind = "lineage.read" }, limit: 100)).Items
            .ShouldAllBe(i => i.SubjectId == "sub-b" && i.Kind == "lineage.read");
        (await reader.SearchAsync(new AccessLogFilter { SubjectId = "nobody" }, limit: 100)).Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task RecentOfUserAsync_OnlyThatUserNewestFirstWithCompletions()
    {
        var page = await reader.RecentOfUserAsync("sub-c", limit: 4);

        var expected = logged.Where(l => l.Entry.SubjectId == "sub-c").OrderByDescending(l => l.Request.Seq).Take(4).ToList();
        page.Items.Select(i => i.EventId).ShouldBe(expected.Select(e => e.Request.EventId));
        page.NextBeforeSeq.ShouldBe(page.Items[^1].Seq);
        foreach (var (item, (entry, _)) in page.Items.Zip(expected))
        {
            var n = int.Parse(entry.RequestId["req-".Length..], CultureInfo.InvariantCulture);
            item.DisplayName.ShouldBe("Name of sub-c");
            item.Kind.ShouldBe(entry.Kind);
            item.RequestId.ShouldBe(entry.RequestId);
            System.Text.Json.Nodes.JsonNode.DeepEquals(item.Parameters, entry.Parameters).ShouldBeTrue();
            item.Roles.ShouldBe(["auditor"]);
            item.Purpose.ShouldBe(entry.Purpose);
            item.CaseReference.ShouldBe(entry.CaseReference);
            item.RequestedAt.ShouldBe(entry.RequestedAt);
            if (n % 4 == 3)
            {
                item.Completion.ShouldBeNull();
            }
            else
            {
                item.Completion.ShouldNotBeNull();
                item.Completion.Outcome.ShouldBe(AccessLogOutcome.Completed);
                item.Completion.RowCount.ShouldBe(n);
                item.Completion.DurationMs.ShouldBe(12);
                item.Completion.Seq.ShouldBeGreaterThan(item.Seq);
            }
        }
    }

    [Fact]
    public async Task GetAsync_RequestEventId_ItemWithCompletion_UnknownIsNull()
    {
        var (entry, request) = logged[5];
        var item = await reader.GetAsync(request.EventId);

        item.ShouldNotBeNull();
        item.Seq.ShouldBe(request.Seq);
        item.SubjectId.ShouldBe(entry.SubjectId);
        item.Completion.ShouldNotBeNull();
        item.Completion.RecordDigest.ShouldBe(AccessLogTestData.Completed(entry, request, rows: 5).RecordDigest);
        (await reader.GetAsync(Guid.CreateVersion7())).ShouldBeNull();
    }

    [Fact]
    public async Task GetAsync_CompletionKeyOfOneRequestLineageOfAnother_NotJoinedToEither()
    {
        var (a, aRequest) = logged[3]; // n % 4 == 3: no completion yet
        var (_, bRequest) = logged[7];
        await using (var writer = AccessLogTestData.Writer(db))
        {
            await writer.AppendCompletionAsync(AccessLogCompletion.For(a, bRequest.EventId, AccessLogOutcome.Completed, 1, null,
                TimeSpan.Zero, a.RequestedAt));
        }

        (await reader.GetAsync(aRequest.EventId))!.Completion.ShouldBeNull();
        (await reader.GetAsync(bRequest.EventId))!.Completion.ShouldBeNull();
    }

    [Fact]
    public async Task HeadAsync_NoCheckpoint_SizeOnly()
    {
        var head = await reader.HeadAsync();
        head.Size.ShouldBe(36 + 27);
        head.LatestCheckpoint.ShouldBeNull();
    }

    private async Task<List<long>> AllSeqsAsync(AccessLogFilter filter, int limit = 7)
    {
        var seqs = new List<long>();
        long? cursor = null;
        do
        {
            var page = await reader.SearchAsync(filter, limit, cursor);
            seqs.AddRange(page.Items.Select(i => i.Seq));
            cursor = page.NextBeforeSeq;
        }
        while (cursor is not null);
        return seqs;
    }

    private IEnumerable<long> Expected(Func<int, bool> where) =>
        logged.Select((l, n) => (l, n)).Where(x => where(x.n)).Select(x => x.l.Request.Seq).OrderDescending();

    [Fact]
    public async Task SearchAsync_ReviewFilters_EachAndCombined_MatchExactlyTheirEntries()
    {
        (await AllSeqsAsync(new AccessLogFilter { Role = "auditor" })).ShouldBe(Expected(_ => true));
        (await AllSeqsAsync(new AccessLogFilter { Role = "admin" })).ShouldBeEmpty();
        (await AllSeqsAsync(new AccessLogFilter { CaseReference = "CASE-9" })).ShouldBe(Expected(n => n == 9));
        (await AllSeqsAsync(new AccessLogFilter { ClientAddress = "192.0.2.10" })).ShouldBe(Expected(_ => true));
        (await AllSeqsAsync(new AccessLogFilter { ClientAddress = "192.0.2.11" })).ShouldBeEmpty();
        (await AllSeqsAsync(new AccessLogFilter { Outcome = AccessLogOutcomeFilter.Pending })).ShouldBe(Expected(n => n % 4 == 3));
        (await AllSeqsAsync(new AccessLogFilter { Outcome = AccessLogOutcomeFilter.Completed })).ShouldBe(Expected(n => n % 4 != 3));
        (await AllSeqsAsync(new AccessLogFilter { Outcome = AccessLogOutcomeFilter.Refused })).ShouldBeEmpty();
        (await AllSeqsAsync(new AccessLogFilter { SubjectId = "sub-b", Kind = "lineage.read", Outcome = AccessLogOutcomeFilter.Completed, Role = "auditor" }))
            .ShouldBe(Expected(n => n % 3 == 1 && n % 2 == 1 && n % 4 != 3));
    }

    [Fact]
    public async Task SearchAsync_RefusedAlone_StartsFromTheOutcomes_EveryPageExact_WhateverOrderTheOutcomesCameIn()
    {
        // The pending requests (n % 4 == 3) are refused now, in an order unlike theirs: the oldest request's outcome is
        // the newest event, so a page taken from the newest outcomes alone would miss or misorder entries.
        await using (var writer = AccessLogTestData.Writer(db))
        {
            foreach (var n in new[] { 7, 11, 19, 15, 35, 23, 31, 27, 3 })
            {
                var (entry, request) = logged[n];
                await writer.AppendCompletionAsync(AccessLogCompletion.For(entry, request.EventId, AccessLogOutcome.Refused, null, null, TimeSpan.Zero, entry.RequestedAt));
            }
        }
        foreach (var limit in new[] { 1, 2, 3, 4, 8, 9, 10 })
            (await AllSeqsAsync(new AccessLogFilter { Outcome = AccessLogOutcomeFilter.Refused }, limit)).ShouldBe(Expected(n => n % 4 == 3), $"page size {limit}");
        (await AllSeqsAsync(new AccessLogFilter { Outcome = AccessLogOutcomeFilter.Failed })).ShouldBeEmpty();
        (await AllSeqsAsync(new AccessLogFilter { Outcome = AccessLogOutcomeFilter.Refused, SubjectId = "sub-a" }, 2)).ShouldBe(Expected(n => n % 4 == 3 && n % 3 == 0));
    }

    [Fact]
    public async Task ActivityAsync_CountsPerDayAndKind_ForwardAsync_OldestFirstAfterASeq()
    {
        var activity = await reader.ActivityAsync(new AccessLogFilter { SubjectId = "sub-a" }, maxDays: 10);
        activity.Days.Sum(d => d.Requests).ShouldBe(12);
        activity.Days.Sum(d => d.Pending).ShouldBe(Enumerable.Range(0, 36).Count(n => n % 3 == 0 && n % 4 == 3));
        activity.Kinds.Select(k => (k.Kind, k.Count)).ShouldBe([("lineage.read", 6L), ("timeline.read", 6L)], ignoreOrder: true);

        var first = await reader.ForwardAsync(new AccessLogFilter(), afterSeq: 0, limit: 5);
        first.Select(i => i.Seq).ShouldBe(logged.Take(5).Select(l => l.Request.Seq));
        var next = await reader.ForwardAsync(new AccessLogFilter(), first[^1].Seq, limit: 500);
        next.Select(i => i.Seq).ShouldBe(logged.Skip(5).Select(l => l.Request.Seq));
    }

    [Fact]
    public async Task SearchAsync_WindowAndRole_ExactWhenRequestTimesRunAgainstSeq_WithAndWithoutTheWindowBounds()
    {
        // 30 more queries whose request times run against their seqs (each later entry earlier in time, in a zig-zag) and
        // whose roles vary: a window's seq range may not be derived from times, and the bounds read must still be exact.
        var extra = new List<(long Seq, DateTime At, IReadOnlyList<string> Roles)>();
        await using (var writer = AccessLogTestData.Writer(db))
        {
            for (var n = 0; n < 30; n++)
            {
                IReadOnlyList<string> roles = (n % 3) switch { 0 => ["admin"], 1 => ["auditor", "investigator"], _ => ["investigator"] };
                var entry = AccessLogTestData.Entry(100 + n, Subjects[n % 3], Kinds[n % 2], secondsAfterStart: 60 * (40 - n) + (n % 2 == 0 ? 0 : 3 * 60)) with { Roles = roles };
                var request = await writer.AppendAsync(entry);
                extra.Add((request.Seq, entry.RequestedAt, roles));
            }
        }
        var all = logged.Select(l => (l.Request.Seq, At: l.Entry.RequestedAt, l.Entry.Roles)).Concat(extra).ToList();
        await using var smallLimit = new ReplicaConnectionFactory(db.ReaderConnectionString);
        var readers = new[] { reader, new AccessLogReader(smallLimit, windowBoundsLimit: 3) }; // the second takes the plain walk for windows above 3
        var start = LedgerTestData.Start.UtcDateTime;
        foreach (var (fromMinute, toMinute) in new (int?, int?)[] { (0, 5), (10, 20), (25, 45), (null, 12), (30, null), (41, 42), (1000, 2000) })
        {
            var filter = new AccessLogFilter { From = fromMinute is { } f ? start.AddMinutes(f) : null, To = toMinute is { } t ? start.AddMinutes(t) : null };
            var expected = all.Where(e => (filter.From is null || e.At >= filter.From) && (filter.To is null || e.At < filter.To))
                .Select(e => e.Seq).OrderDescending().ToList();
            foreach (var r in readers)
            {
                foreach (var limit in new[] { 1, 2, 5, 50 })
                    (await AllSeqsAsync(r, filter, limit)).ShouldBe(expected, $"window [{fromMinute}, {toMinute}), page {limit}");
            }
        }
        foreach (var role in new[] { "admin", "auditor", "investigator", "operator" })
        {
            var expected = all.Where(e => e.Roles.Contains(role)).Select(e => e.Seq).OrderDescending().ToList();
            foreach (var limit in new[] { 1, 4, 50 })
                (await AllSeqsAsync(reader, new AccessLogFilter { Role = role }, limit)).ShouldBe(expected, $"role {role}, page {limit}");
        }
        (await AllSeqsAsync(reader, new AccessLogFilter { Role = "admin", From = start.AddMinutes(20), To = start.AddMinutes(40) }, 2))
            .ShouldBe(all.Where(e => e.Roles.Contains("admin") && e.At >= start.AddMinutes(20) && e.At < start.AddMinutes(40)).Select(e => e.Seq).OrderDescending());
    }

    [Fact]
    public async Task SearchAsync_CombinedFilters_RareOutcomesWithAUser_CaseWithWindowAndRole_EveryPageMatchesTheLogReadInMemory()
    {
        // 120 more queries with varied users, kinds, roles, cases and outcomes, request times at random against seq order,
        // and outcomes appended in another order than their requests (half right after the request, half at the end,
        // shuffled): the combinations whose pages start from a user's rare outcomes (V005) or read a case's window must
        // give exactly what reading every entry gives, page by page, whatever the page size and window bounds.
        var random = new Random(17);
        IReadOnlyList<string>[] roleSets = [["auditor"], ["investigator"], ["auditor", "investigator"], ["admin"]];
        var oracle = logged.Select((l, n) => (l.Request.Seq, l.Entry.SubjectId, l.Entry.Kind, l.Entry.Roles, l.Entry.CaseReference, At: l.Entry.RequestedAt,
            Outcome: n % 4 == 3 ? (AccessLogOutcome?)null : AccessLogOutcome.Completed)).ToList();
        var late = new List<(AccessLogEntry Entry, AppendedEvent Request, AccessLogOutcome Outcome)>();
        await using (var writer = AccessLogTestData.Writer(db))
        {
            for (var n = 0; n < 120; n++)
            {
                var entry = AccessLogTestData.Entry(300 + n, Subjects[random.Next(3)], Kinds[random.Next(2)], secondsAfterStart: 60 * random.Next(0, 150)) with
                {
                    Roles = roleSets[random.Next(roleSets.Length)],
                    CaseReference = random.Next(3) switch { 0 => null, 1 => "CASE-X", _ => "CASE-Y" },
                };
                var request = await writer.AppendAsync(entry);
                var roll = random.Next(20);
                AccessLogOutcome? outcome = roll < 8 ? AccessLogOutcome.Completed : roll < 13 ? AccessLogOutcome.Failed : roll < 18 ? AccessLogOutcome.Refused : null;
                oracle.Add((request.Seq, entry.SubjectId, entry.Kind, entry.Roles, entry.CaseReference, entry.RequestedAt, outcome));
                if (outcome is not { } o)
                    continue;
                if (random.Next(2) == 0)
                    await writer.AppendCompletionAsync(Outcome(entry, request, o));
                else
                    late.Add((entry, request, o));
            }
            foreach (var (entry, request, o) in late.OrderBy(_ => random.Next()))
                await writer.AppendCompletionAsync(Outcome(entry, request, o));
        }
        late.Count.ShouldBeGreaterThan(20);

        var start = LedgerTestData.Start.UtcDateTime;
        AccessLogFilter[] filters =
        [
            new() { SubjectId = "sub-a", Kind = "timeline.read", Outcome = AccessLogOutcomeFilter.Failed },
            new() { SubjectId = "sub-b", Outcome = AccessLogOutcomeFilter.Refused },
            new() { SubjectId = "sub-c", Outcome = AccessLogOutcomeFilter.Failed, From = start.AddMinutes(30), To = start.AddMinutes(110) },
            new() { SubjectId = "sub-a", Outcome = AccessLogOutcomeFilter.Failed, Role = "investigator", CaseReference = "CASE-X" },
            new() { SubjectId = "sub-b", Kind = "lineage.read", Outcome = AccessLogOutcomeFilter.Refused, From = start.AddMinutes(40) },
            new() { SubjectId = "sub-c", Outcome = AccessLogOutcomeFilter.Refused, Role = "admin", ClientAddress = "192.0.2.10" },
            new() { SubjectId = "sub-z", Outcome = AccessLogOutcomeFilter.Failed },
            new() { Outcome = AccessLogOutcomeFilter.Failed },
            new() { Kind = "timeline.read", Outcome = AccessLogOutcomeFilter.Refused },
            new() { Role = "investigator", CaseReference = "CASE-X", From = start.AddMinutes(20), To = start.AddMinutes(100) },
            new() { Role = "auditor", CaseReference = "CASE-Y", To = start.AddMinutes(75) },
            new() { CaseReference = "CASE-X", From = start.AddMinutes(60) },
            new() { Role = "admin", CaseReference = "CASE-Y", From = start.AddMinutes(10), To = start.AddMinutes(140), Outcome = AccessLogOutcomeFilter.Completed },
        ];
        await using var smallLimit = new ReplicaConnectionFactory(db.ReaderConnectionString);
        var readers = new[] { reader, new AccessLogReader(smallLimit, windowBoundsLimit: 3) };
        var nonEmpty = 0;
        foreach (var filter in filters)
        {
            var expected = oracle.Where(e =>
                    (filter.SubjectId is null || e.SubjectId == filter.SubjectId) && (filter.Kind is null || e.Kind == filter.Kind)
                    && (filter.Role is null || e.Roles.Contains(filter.Role)) && (filter.CaseReference is null || e.CaseReference == filter.CaseReference)
                    && (filter.ClientAddress is null || filter.ClientAddress == "192.0.2.10")
                    && (filter.From is null || e.At >= filter.From) && (filter.To is null || e.At < filter.To)
                    && (filter.Outcome is null || e.Outcome == filter.Outcome switch
                    {
                        AccessLogOutcomeFilter.Completed => AccessLogOutcome.Completed,
                        AccessLogOutcomeFilter.Failed => AccessLogOutcome.Failed,
                        _ => AccessLogOutcome.Refused,
                    }))
                .Select(e => e.Seq).OrderDescending().ToList();
            nonEmpty += expected.Count > 0 ? 1 : 0;
            foreach (var r in readers)
            {
                foreach (var limit in new[] { 1, 2, 3, 50 })
                    (await AllSeqsAsync(r, filter, limit)).ShouldBe(expected, $"{filter}, page {limit}");
            }
        }
        nonEmpty.ShouldBeGreaterThanOrEqualTo(filters.Length - 1); // only the unknown user's is empty

        static AccessLogCompletion Outcome(AccessLogEntry entry, AppendedEvent request, AccessLogOutcome outcome) =>
            AccessLogCompletion.For(entry, request.EventId, outcome, outcome == AccessLogOutcome.Completed ? 1 : null,
                outcome == AccessLogOutcome.Completed ? RecordDigest.Compute(["record-0"]) : null, TimeSpan.Zero, entry.RequestedAt);
    }

    private static async Task<List<long>> AllSeqsAsync(AccessLogReader r, AccessLogFilter filter, int limit)
    {
        var seqs = new List<long>();
        long? cursor = null;
        do
        {
            var page = await r.SearchAsync(filter, limit, cursor);
            seqs.AddRange(page.Items.Select(i => i.Seq));
            cursor = page.NextBeforeSeq;
        }
        while (cursor is not null);
        return seqs;
    }

    private Task<long> MarkerCountAsync(string where = "true") => db.ScalarAsync<long>($"SELECT count(*) FROM portal.access_log_pending WHERE {where}");

    [Fact]
    public async Task Pending_MarkedByTheWritersTransaction_ListedUntilItsOutcome_ThenMarkerGone()
    {
        // Every pending request (n % 4 == 3) has its marker, and only those: the trigger fired in the writer's transaction.
        (await MarkerCountAsync()).ShouldBe(9);
        (await AllSeqsAsync(new AccessLogFilter { Outcome = AccessLogOutcomeFilter.Pending }, 2)).ShouldBe(Expected(n => n % 4 == 3));

        var (entry, request) = logged[11];
        await using (var writer = AccessLogTestData.Writer(db))
            await writer.AppendCompletionAsync(AccessLogTestData.Completed(entry, request, rows: 1));

        (await MarkerCountAsync($"seq = {request.Seq}")).ShouldBe(0);
        (await AllSeqsAsync(new AccessLogFilter { Outcome = AccessLogOutcomeFilter.Pending })).ShouldBe(Expected(n => n % 4 == 3 && n != 11));
        (await AllSeqsAsync(new AccessLogFilter { Outcome = AccessLogOutcomeFilter.Pending, SubjectId = "sub-a" }, 1))
            .ShouldBe(Expected(n => n % 4 == 3 && n % 3 == 0));
        var from = LedgerTestData.Start.UtcDateTime.AddMinutes(10);
        (await AllSeqsAsync(new AccessLogFilter { Outcome = AccessLogOutcomeFilter.Pending, From = from, To = from.AddMinutes(20) }, 1))
            .ShouldBe(Expected(n => n % 4 == 3 && n != 11 && n >= 10 && n < 30));
    }

    [Fact]
    public async Task Pending_StaleMarkerOfAnAnsweredRequest_ReCheckedOnRead_NeverListed()
    {
        // Markers for answered requests (an outcome that did not remove its marker): present, yet not listed.
        var answered = new[] { logged[0].Request.Seq, logged[5].Request.Seq, logged[34].Request.Seq };
        await db.ExecuteAsync($"INSERT INTO portal.access_log_pending (seq) VALUES ({string.Join("), (", answered)})");
        (await MarkerCountAsync($"seq IN ({string.Join(", ", answered)})")).ShouldBe(3);

        foreach (var limit in new[] { 1, 3, 50 })
            (await AllSeqsAsync(new AccessLogFilter { Outcome = AccessLogOutcomeFilter.Pending }, limit)).ShouldBe(Expected(n => n % 4 == 3));
        // A marker on a seq that is no request at all (an outcome's) is re-checked away too.
        var outcomeSeq = (await reader.GetBySeqAsync(logged[1].Request.Seq))!.Completion!.Seq;
        await db.ExecuteAsync($"INSERT INTO portal.access_log_pending (seq) VALUES ({outcomeSeq})");
        (await AllSeqsAsync(new AccessLogFilter { Outcome = AccessLogOutcomeFilter.Pending })).ShouldBe(Expected(n => n % 4 == 3));
    }

    [Fact]
    public async Task Pending_NoMarkers_NothingListed_TheMarkersAreWhatIsRead()
    {
        // The probe that the page reads the markers, not every request: without them the pending requests are not found.
        await db.ExecuteAsync("DELETE FROM portal.access_log_pending");
        (await AllSeqsAsync(new AccessLogFilter { Outcome = AccessLogOutcomeFilter.Pending })).ShouldBeEmpty();
    }
}
