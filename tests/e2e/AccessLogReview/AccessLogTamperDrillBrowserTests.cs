using System.Globalization;
using System.Text.Json.Nodes;
using AuditPortal.Data;
using AuditPortal.Data.AccessLog;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Schema;
using AuditPortal.Portal;
using AuditPortal.Tests.E2e.Browser;
using AuditPortal.Tests.E2e.Gateway;
using AuditPortal.Tests.E2e.Verification;
using AuditPortal.Verification.Checkpoints;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace AuditPortal.Tests.E2e.AccessLogReview;

/// <summary>
/// The browser portal over its own tamperable databases, with the access log's own checkpoint key and witness
/// configured (so its checkpoints are signed, witnessed and checked).
/// </summary>
public sealed class AccessLogDrillBrowserPortal : ChromiumPortal
{
    private readonly DirectoryInfo keys = Directory.CreateTempSubdirectory("ap-accesslog-drill-");

    public TamperableLedger Ledger { get; } = new();

    public CheckpointSigner Signer { get; } = CheckpointSigner.Generate();

    public string WitnessDirectory => Path.Combine(keys.FullName, "witness");

    public string AccessLogPrimary(string? role = null) => Ledger.Databases.Primary(Ledger.Databases.PortalDb, role);

    protected override async Task<IReadOnlyDictionary<string, string?>?> PrepareDatabasesAsync()
    {
        await Ledger.InitializeAsync();
        var key = Path.Combine(keys.FullName, "access-log-checkpoint-private.pem");
        var ed25519 = Path.Combine(keys.FullName, "access-log-checkpoint-ed25519-private.pem");
        await File.WriteAllTextAsync(key, Signer.ExportPrivateKeyPem());
        await File.WriteAllTextAsync(ed25519, Signer.Ed25519!.ExportPrivateKeyPem());
        var settings = Ledger.Databases.PortalConfiguration();
        settings["Portal:Verification:Continuous"] = "false";
        settings["Portal:AccessLog:CheckpointPrivateKeyPath"] = key;
        settings["Portal:AccessLog:CheckpointEd25519PrivateKeyPath"] = ed25519;
        settings["Portal:AccessLog:WitnessDirectory"] = WitnessDirectory;
        return settings;
    }

    protected override async Task DisposeDatabasesAsync()
    {
        await Ledger.DisposeAsync();
        Signer.Dispose();
        keys.Delete(recursive: true);
    }
}

/// <summary>
/// The tamper drill on the access log in Chromium (issue 17): an edited entry, a deleted entry and a truncated-and-reforged
/// head, each found at its exact seq on the access log's verification run page, started by an admin from
/// <c>/access-log/verification</c> over a live circuit; a finding links to its entry.
/// </summary>
public sealed class AccessLogTamperDrillBrowserTests(AccessLogDrillBrowserPortal portal) : IClassFixture<AccessLogDrillBrowserPortal>
{
    private static ILocator Finding(IPage page, string kind, long seq) =>
        page.Locator($"[data-testid=findings] td[data-kind='{kind}'][data-seq='{seq}']");

    /// <summary>Logs <paramref name="count"/> queries as the portal's writer would, then signs a witnessed checkpoint; returns the request seqs and the checkpoint's size.</summary>
    private async Task<(List<long> Requests, long CheckpointSize)> LogAndCheckpointAsync(int first, int count)
    {
        await using var data = NpgsqlDataSource.Create(AutoPrepare.Apply(portal.AccessLogPrimary(LedgerRoles.AccessLog.Writer)));
        await using var writer = new AccessLogWriter(data, TimeProvider.System, new AccessLogWriterOptions
        {
            Deployment = "test",
            Signer = portal.Signer,
            Witness = new WitnessDirectory(portal.WitnessDirectory),
        });
        var requests = new List<long>();
        for (var n = first; n < first + count; n++)
        {
            var entry = new AccessLogEntry
            {
                RequestId = "drill-" + n.ToString(CultureInfo.InvariantCulture),
                SubjectId = "aud-drill",
                DisplayName = "Drill Auditor",
                Roles = ["auditor"],
                Kind = "stream.read",
                Parameters = new JsonObject { ["stream_type"] = "account", ["stream_id"] = "acc-" + n.ToString("D6", CultureInfo.InvariantCulture) },
                ClientAddress = "192.0.2.7",
                RequestedAt = DateTime.UtcNow,
            };
            var request = await writer.AppendAsync(entry);
            await writer.AppendCompletionAsync(AccessLogCompletion.For(entry, request.EventId, AccessLogOutcome.Completed, 0,
                RecordDigest.Compute(Array.Empty<string>()), TimeSpan.FromMilliseconds(3), DateTime.UtcNow));
            requests.Add(request.Seq);
        }
        var signed = await writer.CreateCheckpointAsync();
        return (requests, signed!.Checkpoint.Size);
    }

    private async Task TamperAsync(string sql)
    {
        await LedgerDatabasesFixture.ExecuteAsync(portal.AccessLogPrimary(), $"""
            BEGIN; ALTER TABLE ledger.events DISABLE TRIGGER ALL; ALTER TABLE ledger.checkpoints DISABLE TRIGGER ALL;
            {sql};
            ALTER TABLE ledger.events ENABLE TRIGGER ALL; ALTER TABLE ledger.checkpoints ENABLE TRIGGER ALL; COMMIT;
            """);
        await portal.Ledger.WaitForStandbyAsync();
    }

    private async Task<IPage> VerifyAccessLogAsync(BrowserSession session)
    {
        var page = session.Page;
        await page.GotoAsync(portal.Url(PortalUrls.AccessLogVerification).ToString());
        await session.WaitForCircuitAsync();
        await page.GetByTestId("start-access-log-verification").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Verification run" })).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Expect(page.Locator("#run")).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 45_000 });
        return page;
    }

    [ChromiumFact]
    public async Task Drill_TruncatedReforgedHead_ThenEditedAndDeletedEntries_EachFoundAtItsSeqInTheBrowser()
    {
        var (early, firstCheckpoint) = await LogAndCheckpointAsync(0, 30);
        var (_, secondCheckpoint) = await LogAndCheckpointAsync(30, 30);
        await using var session = await portal.NewSessionAsync();
        await session.Page.GotoAsync(portal.Url(PortalUrls.AccessLogVerification).ToString());
        await session.SignInAtProviderAsync("admin1", "admin1-dev");

        // First, on an untouched log: the head truncated between the two checkpoints (rows and checkpoint rows), new
        // entries chained correctly after the cut and past the second checkpoint's size. The database alone looks whole;
        // the witness still holds the second checkpoint, whose root the reforged rows do not give (a head shorter than it
        // would be HeadTruncated instead).
        var cut = firstCheckpoint + 10;
        await TamperAsync($"DELETE FROM ledger.checkpoints WHERE size > {cut}; DELETE FROM ledger.events WHERE seq > {cut}");
        await using (var forger = new LedgerAppender(portal.AccessLogPrimary(LedgerRoles.AccessLog.Writer), TimeProvider.System,
            new AppenderOptions { CheckpointEveryEvents = 1_000_000, CheckpointEverySeconds = 1_000_000, Origin = AccessLogEvents.Origin("test") }))
        {
            await forger.AppendAsync(Enumerable.Range(1, 80).Select(i => new NewEvent
            {
                StreamType = AccessLogEvents.StreamType,
                StreamId = "mallory",
                OccurredAt = DateTime.UtcNow,
                Actor = "Mallory",
                Action = "forged",
                Payload = new JsonObject { ["n"] = i },
            }).ToList());
        }
        await portal.Ledger.WaitForStandbyAsync();

        var page = await VerifyAccessLogAsync(session);

        var reforged = await FindingsAsync(page);
        reforged.ShouldContain($"WitnessMismatch@{secondCheckpoint}", string.Join(", ", reforged));
        reforged.ShouldNotContain(f => f.StartsWith("HashMismatch@", StringComparison.Ordinal) || f.StartsWith("GlobalChainBroken@", StringComparison.Ordinal),
            string.Join(", ", reforged));
        await session.ScreenshotAsync("access-log-drill-reforged-head");

        // Then an edited entry and a deleted one, both before the cut: the edit at its seq and nowhere else, the deletion
        // as the gap at the next seq; a finding links to its entry.
        var edited = early[4];
        var deleted = early[9];
        cut.ShouldBeGreaterThan(deleted);
        await TamperAsync($"UPDATE ledger.events SET payload = replace(payload, 'acc-000004', 'acc-999999') WHERE seq = {edited}");
        await TamperAsync($"DELETE FROM ledger.events WHERE seq = {deleted}");

        page = await VerifyAccessLogAsync(session);

        await Expect(Finding(page, "HashMismatch", edited)).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=findings] td[data-kind='HashMismatch']")).ToHaveCountAsync(1);
        await Expect(Finding(page, "GlobalSequenceGap", deleted + 1)).ToHaveCountAsync(1);
        await Expect(page.Locator($"[data-testid=findings] a[href='{PortalUrls.AccessLogEntry(edited)}']").First).ToBeVisibleAsync();
        await session.ScreenshotAsync("access-log-drill-edited-deleted");
        session.PortalErrors.ShouldBeEmpty(portal.ProviderOutput);
    }

    private static async Task<string[]> FindingsAsync(IPage page) =>
        await page.Locator("[data-testid=findings] td[data-kind]").EvaluateAllAsync<string[]>(
            "cells => cells.map(c => c.getAttribute('data-kind') + '@' + c.getAttribute('data-seq'))");
}
