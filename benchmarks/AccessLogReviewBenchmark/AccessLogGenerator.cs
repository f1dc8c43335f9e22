using System.Globalization;
using System.Text.Json.Nodes;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Appending;

namespace AuditPortal.Benchmarks.AccessLogReview;

/// <summary>
/// A deterministic access log of N queries (2N events) for benchmarks, like the demo ledger: the same seed gives the
/// same entries, ids and times. 400 users (auditors, investigators, a few admins), the portal's query kinds, one
/// query in eight for a case, 3 % failed, 2 % refused, 90 days of office-hours traffic with some nights, client
/// addresses per user; one query in 20,000 lost its outcome for good (a crash between the query and its outcome), so
/// <c>outcome=pending</c> has entries to find.
/// </summary>
public static class AccessLogGenerator
{
    private static readonly string[] Kinds =
        ["timeline.read", "entity.search", "asof.read", "asof.diff", "stream.proof", "dashboard.read", "stream.read", "verification.start", "proof.read"];

    public static IEnumerable<NewEvent> Events(int queries, int seed, DateTime start)
    {
        var random = new Random(seed);
        var ids = new byte[16];
        Guid NextId()
        {
            random.NextBytes(ids);
            ids[7] = (byte)((ids[7] & 0x0F) | 0x40); // version 4 layout, deterministic bytes
            return new Guid(ids);
        }
        var time = start;
        for (var n = 0; n < queries; n++)
        {
            time = time.AddMilliseconds(random.Next(1, 15_000)); // ~7.5 s apart: 90 days ≈ 1M queries
            var user = random.Next(400);
            string[] roles = user < 10 ? ["admin"] : user < 120 ? ["investigator"] : ["auditor"];
            var kind = roles[0] == "admin" ? "accesslog.read" : Kinds[random.Next(Kinds.Length)];
            var parameters = new JsonObject
            {
                ["stream_type"] = "account",
                ["stream_id"] = "acc-" + random.Next(20_000).ToString("D6", CultureInfo.InvariantCulture),
            };
            if (roles[0] == "investigator" && random.Next(20) == 0)
                parameters["unmask"] = true;
            var entry = new AccessLogEntry
            {
                RequestId = "bench-" + n.ToString(CultureInfo.InvariantCulture),
                SubjectId = "user-" + user.ToString("D3", CultureInfo.InvariantCulture),
                DisplayName = "User " + user.ToString(CultureInfo.InvariantCulture),
                Roles = roles,
                Kind = kind,
                Parameters = parameters,
                CaseReference = random.Next(8) == 0 ? "CASE-" + random.Next(500).ToString(CultureInfo.InvariantCulture) : null,
                ClientAddress = "10.0." + (user / 250).ToString(CultureInfo.InvariantCulture) + "." + (user % 250).ToString(CultureInfo.InvariantCulture),
                RequestedAt = time,
                LedgerSize = 1_000_000 + n,
            };
            var requestId = NextId();
            yield return AccessLogEvents.ToNewEvent(entry) with { EventId = requestId, RecordedAt = time };
            if (random.Next(20_000) == 0)
                continue; // the outcome was lost: pending for good
            var roll = random.Next(100);
            var outcome = roll < 3 ? AccessLogOutcome.Failed : roll < 5 ? AccessLogOutcome.Refused : AccessLogOutcome.Completed;
            var rows = outcome == AccessLogOutcome.Completed ? random.Next(0, 51) : (int?)null;
            var done = time.AddMilliseconds(random.Next(2, 200));
            var completion = AccessLogCompletion.For(entry, requestId, outcome, rows,
                rows is { } r ? RecordDigest.Compute(Enumerable.Range(0, r).Select(i => "r" + i.ToString(CultureInfo.InvariantCulture))) : null,
                done - time, done);
            yield return AccessLogEvents.ToNewEvent(completion) with { EventId = NextId(), RecordedAt = done };
        }
    }
}
