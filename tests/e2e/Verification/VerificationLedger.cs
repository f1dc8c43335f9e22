using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Schema;
using AuditPortal.Tests.E2e.Gateway;
using Npgsql;

using AuditPortal.Portal;

namespace AuditPortal.Tests.E2e.Verification;

/// <summary>
/// A seeded ledger of its own (600 events, signed checkpoints at 400 and 600, each in the witness) that a
/// test class may tamper with as the primary's superuser, the way an attacker with database access would.
/// </summary>
public sealed class TamperableLedger : IAsyncLifetime
{
    public LedgerDatabasesFixture Databases { get; } = new(LedgerDatabasesFixture.EventCount);

    public Task InitializeAsync() => Databases.InitializeAsync();

    public Task DisposeAsync() => Databases.DisposeAsync();

    /// <summary>Changes the payload of <paramref name="seq"/> in place (triggers disabled), then waits for the standby.</summary>
    public Task ChangePayloadAsync(long seq) => TamperAsync(string.Create(CultureInfo.InvariantCulture,
        $"UPDATE ledger.events SET payload = '{{\"tampered\":true}}' WHERE seq = {seq}"));

    /// <summary>Deletes the row <paramref name="seq"/> (a gap), then waits for the standby.</summary>
    public Task DeleteRowAsync(long seq) => TamperAsync(string.Create(CultureInfo.InvariantCulture, $"DELETE FROM ledger.events WHERE seq = {seq}"));

    /// <summary>
    /// Truncates the ledger to <paramref name="keep"/> events (and the checkpoint table with it), then
    /// appends <paramref name="reforged"/> new, well-chained events in their place: the database alone
    /// looks consistent; only the witness still holds the old head.
    /// </summary>
    public async Task TruncateAndReforgeAsync(long keep, int reforged)
    {
        await TamperAsync(string.Create(CultureInfo.InvariantCulture,
            $"DELETE FROM ledger.events WHERE seq > {keep}; DELETE FROM ledger.checkpoints WHERE size > {keep}"), wait: false);
        await using (var appender = new LedgerAppender(Databases.Primary(Databases.LedgerDb, LedgerRoles.Ledger.Writer), TimeProvider.System,
            new AppenderOptions { CheckpointEveryEvents = 1_000_000, CheckpointEverySeconds = 1_000_000, Origin = "ledger/test" }))
        {
            var events = Enumerable.Range(1, reforged).Select(i => new NewEvent
            {
                StreamType = "forged",
                StreamId = "f-" + i.ToString(CultureInfo.InvariantCulture),
                OccurredAt = DateTime.UtcNow,
                Actor = "mallory",
                Action = "forged",
                Payload = new JsonObject { ["n"] = i },
            }).ToList();
            await appender.AppendAsync(events);
        }
        await WaitForStandbyAsync();
    }

    /// <summary>Appends <paramref name="count"/> well-formed events on the primary as the writer role, then waits for the standby.</summary>
    public async Task AppendAsync(int count, string streamType)
    {
        await using (var appender = new LedgerAppender(Databases.Primary(Databases.LedgerDb, LedgerRoles.Ledger.Writer), TimeProvider.System,
            new AppenderOptions { CheckpointEveryEvents = 1_000_000, CheckpointEverySeconds = 1_000_000, Origin = "ledger/test" }))
        {
            await appender.AppendAsync(Enumerable.Range(1, count).Select(i => new NewEvent
            {
                StreamType = streamType,
                StreamId = "e-" + i.ToString(CultureInfo.InvariantCulture),
                OccurredAt = DateTime.UtcNow,
                Actor = "upstream",
                Action = "appended",
                Payload = new JsonObject { ["n"] = i },
            }).ToList());
        }
        await WaitForStandbyAsync();
    }

    private async Task TamperAsync(string sql, bool wait = true)
    {
        await LedgerDatabasesFixture.ExecuteAsync(Databases.Primary(Databases.LedgerDb), $"""
            BEGIN;
            ALTER TABLE ledger.events DISABLE TRIGGER ALL;
            ALTER TABLE ledger.checkpoints DISABLE TRIGGER ALL;
            {sql};
            ALTER TABLE ledger.events ENABLE TRIGGER ALL;
            ALTER TABLE ledger.checkpoints ENABLE TRIGGER ALL;
            COMMIT;
            """);
        if (wait)
            await WaitForStandbyAsync();
    }

    /// <summary>
    /// Waits until the standby has replayed everything the primary has written so far. The insert
    /// position, not the write position: the test cluster commits asynchronously, so a commit record
    /// may still sit in the WAL buffers beyond <c>pg_current_wal_lsn()</c>.
    /// </summary>
    public async Task WaitForStandbyAsync()
    {
        string lsn;
        await using (var primary = new NpgsqlConnection(Databases.Primary(Databases.LedgerDb)))
        {
            await primary.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT pg_current_wal_insert_lsn()::text", primary);
            lsn = (string)(await cmd.ExecuteScalarAsync())!;
        }
        await using var standby = new NpgsqlConnection(Databases.Replica(Databases.LedgerDb));
        await standby.OpenAsync();
        for (var i = 0; i < 300; i++)
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", standby);
            cmd.Parameters.Add(new NpgsqlParameter { Value = lsn });
            if ((bool)(await cmd.ExecuteScalarAsync())!)
                return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"the standby did not replay up to {lsn}");
    }
}

/// <summary>HTTP helpers for the verification endpoints with the test header sign-in.</summary>
internal static partial class VerificationHttp
{
    /// <summary>Any page carries the sign-out form and with it an antiforgery token for this user.</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient client)
    {
        var html = await client.GetStringAsync(PortalUrls.Home);
        return TokenPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new InvalidOperationException("no antiforgery token on the home page");
    }

    public static async Task<HttpResponseMessage> StartAsync(HttpClient client, params (string Key, string Value)[] form)
    {
        var token = await AntiforgeryTokenAsync(client);
        var fields = form.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)).Append(new("__RequestVerificationToken", token));
        return await client.PostAsync(PortalUrls.VerificationRuns, new FormUrlEncodedContent(fields));
    }

    public static async Task<HttpResponseMessage> CancelAsync(HttpClient client, Guid run)
    {
        var token = await AntiforgeryTokenAsync(client);
        return await client.PostAsync(PortalUrls.VerificationRunCancel(run),
            new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
    }

    public static Guid RunIdOf(HttpResponseMessage redirect)
    {
        var location = redirect.Headers.Location?.OriginalString ?? throw new InvalidOperationException($"no redirect: {(int)redirect.StatusCode}");
        return Guid.Parse(location[(location.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>Reads the event stream of a run to its <c>done</c> event: (event, id, data) in order.</summary>
    public static async Task<List<(string Event, string? Id, string Data)>> ReadEventsAsync(HttpClient client, Guid run, string? lastEventId = null,
        TimeSpan? timeout = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, PortalUrls.VerificationRunEvents(run));
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
            request.Headers.Add("Last-Event-ID", lastEventId);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
            throw new InvalidOperationException($"content type {response.Content.Headers.ContentType}");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var events = new List<(string, string?, string)>();
        string? ev = null, id = null, data = null;
        while (await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (ev is not null)
                {
                    events.Add((ev, id, data ?? ""));
                    if (ev == "done")
                        return events;
                }
                ev = id = data = null;
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal)) ev = line[7..];
            else if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
        }
        return events;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
