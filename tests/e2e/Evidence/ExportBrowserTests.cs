using AuditPortal.Evidence.Pdf;
using AuditPortal.Tests.E2e.Browser;
using AuditPortal.Tests.E2e.Timeline;
using AuditPortal.Verification.Checkpoints;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuditPortal.Tests.E2e.Evidence;

/// <summary>
/// The export flow in headless Chromium, signed in through the real provider: an investigator opens a case, reveals a
/// subject under a grant, opens "Export evidence…" on the timeline, reads the preview (events, stream, the revealed
/// fields), starts the job, watches it reach done, downloads the signed PDF from the dialog and finds it in the case's
/// export list. Screenshots of the dialog and the list, and the PDF itself, are kept under var/test-results/screenshots.
/// </summary>
[Collection(nameof(SeededChromiumPortalCollection))]
public sealed class ExportBrowserTests(SeededChromiumPortal portal)
{
    static ExportBrowserTests() => SetDefaultExpectTimeout(60_000);

    [ChromiumFact]
    public async Task Investigator_ExportsFromTheTimeline_WatchesTheJob_DownloadsThePdf_FindsItInTheCaseList()
    {
        const string account = "acc-000001";
        await using var session = await portal.NewSessionAsync();
        var page = session.Page;
        var casePage = await OpenCaseAsync(session, "Export drill", "Art. 6(1)(f) GDPR: fraud prevention on the account");
        await Expect(page.GetByTestId("no-exports")).ToBeVisibleAsync();

        // A grant first, so the preview and the PDF show a revealed field.
        await page.GotoAsync(portal.Url($"/timeline/account/{account}?size=10&event=1").ToString());
        await session.WaitForCircuitAsync();
        await page.GetByTestId("reveal").ClickAsync();
        var grantDialog = page.GetByRole(AriaRole.Dialog);
        await grantDialog.GetByLabel("Reason").FillAsync("Suspected account takeover: check the holder");
        await grantDialog.GetByRole(AriaRole.Button, new() { Name = "Reveal" }).ClickAsync();
        await Expect(page.GetByTestId("grant-banner")).ToBeVisibleAsync();

        // The dialog: what will be exported, before anything starts.
        await page.GetByTestId("export-open").ClickAsync();
        var dialog = page.GetByTestId("export-dialog");
        await Expect(dialog.GetByTestId("preview-stream")).ToHaveTextAsync("account/" + account);
        await Expect(dialog.GetByTestId("preview-count")).ToContainTextAsync("occurred");
        await Expect(dialog.GetByTestId("preview-field-shown").First).ToBeVisibleAsync();
        await Expect(dialog.GetByTestId("preview-fields")).ToContainTextAsync("revealed under grant");
        await session.ScreenshotAsync("export-dialog-preview");

        // The job: progress to done, then the download.
        await page.GetByTestId("export-start").ClickAsync();
        await Expect(dialog.GetByTestId("job-status")).ToContainTextAsync("Done");
        await session.ScreenshotAsync("export-dialog-done");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("job-download").ClickAsync());
        var saved = Path.Combine(ChromiumPortal.ScreenshotDirectory, "export-from-dialog.pdf");
        await download.SaveAsAsync(saved);
        var pdf = await File.ReadAllBytesAsync(saved);
        var report = EvidencePdfVerifier.Verify(pdf, CheckpointPublicKey.FromPem(await File.ReadAllTextAsync(portal.Databases.PublicKeyPath)));
        report.Intact.ShouldBeTrue(string.Join("; ", report.Findings.Select(f => f.Check + ": " + f.Message)));
        (await Poppler.TextAsync(pdf)).ShouldContain("(revealed under grant");
        await page.GetByTestId("job-close").ClickAsync();

        // The case's list: done, with its hashes and a download.
        await page.GotoAsync(casePage);
        await session.WaitForCircuitAsync();
        var row = page.GetByTestId("case-export").First;
        await Expect(row).ToHaveAttributeAsync("data-status", "done");
        await Expect(row.GetByTestId("case-export-pdf-sha")).ToHaveTextAsync(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pdf)));
        await Expect(row.GetByTestId("case-export-download")).ToBeVisibleAsync();
        await session.ScreenshotAsync("case-export-list");
        session.PortalErrors.ShouldBeEmpty(portal.ProviderOutput);
    }

    /// <summary>
    /// The case's starred events, from two streams: starred on two timelines, exported from the case page's "Export starred
    /// events…", the preview naming both streams; the downloaded PDF passes `auditportal evidence verify` and its embedded
    /// evidence set the independent JavaScript verifier.
    /// </summary>
    [ChromiumFact]
    public async Task Investigator_ExportsTheCasesStarredEvents_FromTheCasePage_AndBothVerifiersAcceptThePdf()
    {
        string[] accounts = ["acc-000001", "acc-000002"];
        await using var session = await portal.NewSessionAsync();
        var page = session.Page;
        var casePage = await OpenCaseAsync(session, "Starred drill", "Art. 6(1)(f) GDPR: fraud prevention across two accounts");

        // Star the first event of each account's timeline.
        foreach (var account in accounts)
        {
            await page.GotoAsync(portal.Url($"/timeline/account/{account}?size=10").ToString());
            await session.WaitForCircuitAsync();
            await page.GetByTestId("annotate").First.ClickAsync();
            var annotation = page.GetByTestId("annotation-dialog");
            await annotation.GetByLabel("Starred").CheckAsync();
            await page.GetByTestId("annotation-save").ClickAsync();
            await Expect(page.GetByTestId("annotation-star").First).ToBeVisibleAsync();
        }

        // The case page's button: the preview lists both streams, one event each.
        await page.GotoAsync(casePage);
        await session.WaitForCircuitAsync();
        await page.GetByTestId("export-starred-open").ClickAsync();
        var dialog = page.GetByTestId("export-dialog");
        await Expect(dialog.GetByTestId("preview-scope")).ToContainTextAsync("starred events");
        await Expect(dialog.GetByTestId("preview-stream")).ToHaveCountAsync(2);
        foreach (var account in accounts)
            await Expect(dialog.GetByTestId("preview-streams")).ToContainTextAsync("account/" + account);
        await Expect(dialog.GetByTestId("preview-count")).ToContainTextAsync("2");
        await session.ScreenshotAsync("export-starred-preview");

        await page.GetByTestId("export-start").ClickAsync();
        await Expect(dialog.GetByTestId("job-status")).ToContainTextAsync("Done");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("job-download").ClickAsync());
        var saved = Path.Combine(ChromiumPortal.ScreenshotDirectory, "export-starred.pdf");
        await download.SaveAsAsync(saved);
        await page.GetByTestId("job-close").ClickAsync();
        var row = page.GetByTestId("case-export").First;
        await Expect(row).ToHaveAttributeAsync("data-status", "done");
        await Expect(row).ToContainTextAsync("starred events");
        await session.ScreenshotAsync("export-starred-list");

        var pdf = await File.ReadAllBytesAsync(saved);
        var (code, output) = await AuditPortal.Tests.E2e.Verification.OfflineEvidenceCheck.RunFileAsync(saved, portal.Databases.PublicKeyPath);
        code.ShouldBe(AuditPortal.Tests.E2e.Verification.OfflineEvidenceCheck.Intact, output);
        output.ShouldContain("2 events checked");
        var set = await Poppler.BundleAsync(pdf);
        System.Text.Encoding.UTF8.GetString(set).ShouldContain("\"format\": \"auditportal-evidence-set/v1\"");
        var (jsCode, jsOutput) = await Poppler.JsVerifyAsync(set, portal.Databases.PublicKeyPath);
        jsCode.ShouldBe(0, jsOutput);
        var text = await Poppler.TextAsync(pdf);
        text.ShouldContain("Streams in this export (2)");
        foreach (var account in accounts)
            text.ShouldContain("account/" + account);
        session.PortalErrors.ShouldBeEmpty(portal.ProviderOutput);
    }

    /// <summary>Signs in as investigator1 on the cases page and opens a case (a unique title); returns the case page's URL.</summary>
    private async Task<string> OpenCaseAsync(BrowserSession session, string titlePrefix, string purpose)
    {
        var page = session.Page;
        var title = titlePrefix + " " + Guid.NewGuid().ToString("N")[..6];
        await page.GotoAsync(portal.Url("/cases").ToString());
        await session.SignInAtProviderAsync("investigator1", "investigator1-dev");
        await session.WaitForCircuitAsync();
        await page.GetByLabel("Title").FillAsync(title);
        await page.GetByLabel("Purpose or legal basis").FillAsync(purpose);
        await page.GetByTestId("case-open").ClickAsync();
        await Expect(page.GetByTestId("case-heading")).ToContainTextAsync(title);
        return page.Url;
    }
}
