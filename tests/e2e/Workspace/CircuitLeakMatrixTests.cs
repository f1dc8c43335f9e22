using System.Globalization;
using System.Text;
using AuditPortal.Portal;
using AuditPortal.Portal.Auth;
using AuditPortal.Portal.Workspace;
using AuditPortal.Tests.E2e.Browser;
using Microsoft.Playwright;
using Npgsql;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AuditPortal.Tests.E2e.Workspace;

/// <summary>
/// The leak matrix over circuit updates (issue 14): the interactive pages driven in Chromium through the updates a
/// user makes — search, a timeline opened from it, the grant dialog, expanding a row, its raw JSON, filters, the next
/// page, the state as of an event, another as-of point, the diff, the forward impact (lineage), and a revocation or
/// expiry reaching an open page — for every kind of caller. Everything the server sends over the circuit's WebSocket
/// (render batches decoded to their strings, JS interop calls) and the DOM after each update is searched for every
/// clear personal value and every envelope ciphertext, as <see cref="LeakMatrixTests"/> searches pages and downloads.
/// Only the live grant's cells on the granted stream may hold the granted subject's values (and must: the detector
/// sees them in frames). The matrix is printed (test output and var/test-results/circuit-leak-matrix.txt).
/// One browser, one sign-in per account; the investigator's cases are switched by the portal-case cookie.
/// </summary>
[Collection(nameof(FakeClockChromiumPortalCollection))]
public sealed class CircuitLeakMatrixTests(FakeClockChromiumPortal portal, ITestOutputHelper output)
{
    static CircuitLeakMatrixTests() => SetDefaultExpectTimeout(30_000);

    private const string Investigator = "investigator1";

    /// <summary>The updates, in the order each caller makes them.</summary>
    private static readonly string[] Steps =
        ["search", "timeline", "grant dialog", "expand row", "raw json", "filters", "next page", "as-of", "as-of point", "diff", "lineage", "re-mask"];

    /// <summary>Where the live grant may reveal: every update of the granted stream's pages after the grant (search and lineage carry no payloads).</summary>
    private static readonly HashSet<string> LiveGrantCells = ["grant dialog", "expand row", "raw json", "filters", "next page", "as-of", "as-of point", "diff"];

    /// <summary>One cell: occurrences (granted subject's values, other personal values, ciphertexts), the granted values in frames alone, frames and batches.</summary>
    public sealed record Cell(int Granted, int Other, int Ciphertext, int GrantedInFrames, int Frames, int RenderBatches, int Undecoded, string Note);

    private sealed record Identity(string Name, string? Account, Guid? Case);

    [ChromiumFact]
    public async Task EveryCircuitUpdate_ForEveryCaller_LeaksNothingButTheLiveGrantsCells()
    {
        var (granted, other) = await LeakSearch.TwoStreamsAsync(portal.Databases, "account", minEvents: 12);
        var secrets = await LeakSearch.SecretsAsync(portal.Databases, [granted.Stream, other.Stream]);
        var ciphertexts = await LeakSearch.CiphertextsAsync(portal.Databases, [granted.Stream, other.Stream]);
        var grantedValues = secrets.Where(s => s.Subject == granted.Subject).Select(s => s.Value).ToHashSet(StringComparer.Ordinal);
        var otherValues = secrets.Where(s => s.Subject != granted.Subject && !grantedValues.Contains(s.Value)).Select(s => s.Value).ToList();
        grantedValues.ShouldNotBeEmpty();
        otherValues.ShouldNotBeEmpty();
        var (eventId, asOfK) = await EventAsync(granted);

        var investigation = new Investigation(portal.Services);
        var principal = Investigation.Principal(Investigator, PortalRoles.Investigator);
        async Task<Guid> CaseAsync(string title) => await investigation.OpenCaseAsync(Investigator, title + " " + Guid.NewGuid().ToString("N")[..6]);
        var (caseNone, caseA, caseB, caseLive, caseRevoked, caseExpired) =
            (await CaseAsync("No grant"), await CaseAsync("Case A"), await CaseAsync("Case B"), await CaseAsync("Live"), await CaseAsync("Revoked"), await CaseAsync("Expired"));
        async Task<Guid> GrantAsync(Guid caseId, TimeSpan? duration = null)
        {
            var grant = await investigation.GrantAsync(principal, caseId, granted.Stream, granted.Subject, duration: duration);
            grant.IsOk.ShouldBeTrue(grant.Message);
            return grant.Value!.Id;
        }
        await GrantAsync(caseA);
        (await investigation.RevokeAsync(principal, caseRevoked, await GrantAsync(caseRevoked))).IsOk.ShouldBeTrue();
        await GrantAsync(caseExpired, TimeSpan.FromMinutes(1)); // ends when the clock moves on, before that caller's first update

        var identities = new List<Identity>
        {
            new("anonymous", null, null),
            new("norole", "norole1", null),
            new("auditor", "auditor1", null),
            new("admin", "admin1", null),
            new("investigator, no grant", Investigator, caseNone),
            new("grant in A, from B", Investigator, caseB),
            new("live grant", Investigator, caseLive),
            new("revoked grant", Investigator, caseRevoked),
            new("expired grant", Investigator, caseExpired),
        };
        var cells = new Dictionary<(string Identity, string Step), Cell>();
        var sessions = new Dictionary<string, BrowserSession>();
        try
        {
            foreach (var identity in identities)
            {
                if (!sessions.TryGetValue(identity.Account ?? "", out var session))
                {
                    session = sessions[identity.Account ?? ""] = await portal.NewSessionAsync();
                    if (identity.Account is { } account)
                    {
                        await session.Page.GotoAsync(portal.Url("/").ToString());
                        await session.SignInAtProviderAsync(account, account + "-dev");
                    }
                }
                if (identity.Name == "expired grant")
                    portal.Time.Advance(TimeSpan.FromMinutes(2));
                if (identity.Case is { } caseId)
                    await session.Page.Context.AddCookiesAsync([new Cookie { Name = ActiveCase.CookieName, Value = caseId.ToString("D"), Url = portal.Origin.ToString() }]);
                var page = await session.NewTabAsync();
                var capture = new CircuitCapture(page);
                async Task Record(string step, string note = "")
                {
                    var frames = capture.Take();
                    var dom = page.IsClosed ? "" : await page.ContentAsync();
                    var all = frames.Text + "\n" + dom;
                    cells[(identity.Name, step)] = new Cell(
                        LeakSearch.Count(all, grantedValues), LeakSearch.Count(all, otherValues), LeakSearch.Count(all, ciphertexts),
                        LeakSearch.Count(frames.Text, grantedValues), frames.Frames, frames.RenderBatches, frames.Undecoded, frames.Undecoded > 0 ? frames.FirstProblem! : note);
                }

                var script = new Script(portal, page, granted, eventId, asOfK);
                if (identity.Name is "anonymous" or "norole" or "admin")
                {
                    // No access to ledger pages: each is opened directly (sign-in or "no access"), nothing else to drive.
                    foreach (var (step, url) in script.DirectUrls())
                    {
                        await page.GotoAsync(portal.Url(url).ToString());
                        await Expect(page.Locator("h1").Or(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to AuditPortal" }))).ToBeVisibleAsync();
                        await Record(step, identity.Account is null ? "sign-in" : "no access");
                    }
                }
                else
                {
                    await script.SearchAsync();
                    await Record("search");
                    await script.OpenTimelineFromSearchAsync();
                    await Record("timeline");
                    if (identity.Case is null)
                        cells[(identity.Name, "grant dialog")] = new Cell(0, 0, 0, 0, 0, 0, 0, "no button");
                    else
                    {
                        await script.GrantDialogAsync(reveal: identity.Name == "live grant");
                        await Record("grant dialog");
                    }
                    await script.ExpandRowAsync();
                    await Record("expand row");
                    await script.RawJsonAsync();
                    await Record("raw json");
                    await script.FiltersAsync();
                    await Record("filters");
                    await script.NextPageAsync();
                    await Record("next page");
                    await script.AsOfEventAsync();
                    await Record("as-of");
                    await script.AsOfPointAsync();
                    await Record("as-of point");
                    if (identity.Name == "live grant")
                        await page.ScreenshotAsync(new() { Path = Path.Combine(ChromiumPortal.ScreenshotDirectory, "circuit-leak-live-grant-as-of.png"), FullPage = true });
                    await script.DiffAsync();
                    await Record("diff");
                    await script.LineageAsync();
                    await Record("lineage");
                    if (identity.Name is "revoked grant" or "expired grant")
                    {
                        // Another grant that reveals on an open page, then ends: what the circuit sends from that moment on.
                        var grant = await GrantAsync(identity.Case!.Value, identity.Name == "expired grant" ? TimeSpan.FromMinutes(1) : null);
                        await script.OpenRevealedAsync();
                        capture.Take(); // revealed while the grant lived: not this cell's
                        if (identity.Name == "revoked grant")
                            (await investigation.RevokeAsync(principal, identity.Case.Value, grant)).IsOk.ShouldBeTrue();
                        else
                            portal.Time.Advance(TimeSpan.FromMinutes(2));
                        await script.MaskedAgainAsync();
                        await Record("re-mask", identity.Name == "revoked grant" ? "revoked" : "expired");
                    }
                }
                await page.CloseAsync();
                if (identity.Account is "auditor1" or Investigator) // the others' pages answer 403, which the browser reports
                    session.PortalErrors.ShouldBeEmpty(portal.ProviderOutput);
            }
        }
        finally
        {
            foreach (var session in sessions.Values)
                await session.DisposeAsync();
        }

        var matrix = Print(identities.Select(i => i.Name).ToList(), cells);
        output.WriteLine(matrix);
        var results = Path.Combine(AuditPortal.Tests.E2e.Portal.DevOidcProcess.RepositoryRoot(), "var", "test-results");
        Directory.CreateDirectory(results);
        await File.WriteAllTextAsync(Path.Combine(results, "circuit-leak-matrix.txt"), matrix);

        AssertNoLeaks(cells, matrix);
        foreach (var ((identity, step), cell) in cells)
        {
            cell.Undecoded.ShouldBe(0, $"{identity} × {step}: frames the detector could not decode ({cell.Note})\n{matrix}");
            if (cell.Note is "" or "revoked" or "expired") // an update the caller made in a circuit
                cell.RenderBatches.ShouldBeGreaterThan(0, $"{identity} × {step}: the update reached the page over the circuit\n{matrix}");
        }
        // The detector sees revealed values in the frames themselves (not only in the DOM).
        foreach (var step in new[] { "expand row", "raw json", "as-of" })
            cells[("live grant", step)].GrantedInFrames.ShouldBeGreaterThan(0, $"live grant × {step}\n{matrix}");

        // The probe: the live grant's frames, had an auditor received them, fail the matrix.
        var probe = new Dictionary<(string Identity, string Step), Cell>(cells) { [("auditor", "expand row")] = cells[("live grant", "expand row")] };
        Should.Throw<ShouldAssertException>(() => AssertNoLeaks(probe, matrix)).Message.ShouldContain("auditor × expand row");
    }

    /// <summary>Zero ciphertexts and zero values outside the grant everywhere; the granted subject's values only in the live grant's cells.</summary>
    private static void AssertNoLeaks(Dictionary<(string Identity, string Step), Cell> cells, string matrix)
    {
        foreach (var ((identity, step), cell) in cells)
        {
            cell.Other.ShouldBe(0, $"{identity} × {step}: values outside every grant\n{matrix}");
            cell.Ciphertext.ShouldBe(0, $"{identity} × {step}: ciphertext\n{matrix}");
            if (!(identity == "live grant" && LiveGrantCells.Contains(step)))
                cell.Granted.ShouldBe(0, $"{identity} × {step}: the granted subject's values outside the live grant's cells\n{matrix}");
        }
    }

    /// <summary>The id of the granted stream's first personal event and a system time K a minute after its 11th event (to the minute, as the form takes it).</summary>
    private async Task<(Guid EventId, DateTime K)> EventAsync(StreamRef granted)
    {
        await using var connection = new NpgsqlConnection(portal.Databases.Replica(portal.Databases.LedgerDb));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT (SELECT event_id FROM ledger.events WHERE stream_type = $1 AND stream_id = $2 AND stream_seq = $3),
                   (SELECT recorded_at FROM ledger.events WHERE stream_type = $1 AND stream_id = $2 AND stream_seq = 11)
            """, connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = granted.Stream.Type });
        cmd.Parameters.Add(new NpgsqlParameter { Value = granted.Stream.Id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = granted.StreamSeq });
        await using var reader = await cmd.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        var k = reader.GetDateTime(1);
        return (reader.GetGuid(0), new DateTime(k.Year, k.Month, k.Day, k.Hour, k.Minute, 0, DateTimeKind.Utc).AddMinutes(1));
    }

    /// <summary>identities × updates; a cell is "granted/other/ciphertext fFRAMES" (— where the caller cannot make that update).</summary>
    private static string Print(IReadOnlyList<string> identities, Dictionary<(string Identity, string Step), Cell> cells)
    {
        var text = new StringBuilder();
        text.AppendLine("Circuit leak matrix: cell = granted-subject values / other personal values / ciphertexts in frames + DOM, f = WebSocket frames received");
        const int first = 14, width = 14;
        text.Append("update".PadRight(first));
        foreach (var identity in identities)
            text.Append(' ').Append((identity.Length > width ? identity[..width] : identity).PadRight(width));
        text.AppendLine();
        foreach (var step in Steps)
        {
            text.Append(step.PadRight(first));
            foreach (var identity in identities)
            {
                var shown = cells.TryGetValue((identity, step), out var c)
                    ? c.Frames == 0 && c.Note != "" ? $"{c.Granted}/{c.Other}/{c.Ciphertext} {c.Note}" : $"{c.Granted}/{c.Other}/{c.Ciphertext} f{c.Frames}"
                    : "—";
                text.Append(' ').Append((shown.Length > width ? shown[..width] : shown).PadRight(width));
            }
            text.AppendLine();
        }
        return text.ToString();
    }

    /// <summary>The updates, as a user makes them in the browser; each waits until the page shows their result.</summary>
    private sealed class Script(FakeClockChromiumPortal portal, IPage page, StreamRef granted, Guid eventId, DateTime asOfK)
    {
        private string Stream => $"{granted.Stream.Type}/{granted.Stream.Id}";

        private async Task CircuitAsync() => await Expect(page.Locator(".mud-layout[data-interactive=true]")).ToHaveCountAsync(1);

        public IEnumerable<(string Step, string Url)> DirectUrls()
        {
            var (t, i) = (granted.Stream.Type, granted.Stream.Id);
            var k = new DateTimeOffset(asOfK);
            return
            [
                ("search", PortalUrls.Timeline + "?id=" + Uri.EscapeDataString(i) + "&match=prefix"),
                ("timeline", PortalUrls.TimelineEvent(t, i, granted.StreamSeq).Split('#')[0]),
                ("as-of", PortalUrls.AsOf(t, i, k, k)),
                ("diff", PortalUrls.Diff(t, i, new AuditPortal.Portal.Timeline.AsOfPoint(k, k), new AuditPortal.Portal.Timeline.AsOfPoint(k.AddDays(1), k.AddDays(1)))),
                ("lineage", PortalUrls.LineageImpact(eventId)),
            ];
        }

        public async Task SearchAsync()
        {
            await page.GotoAsync(portal.Url(PortalUrls.Timeline).ToString());
            await CircuitAsync();
            await page.GetByLabel("Stream id").FillAsync(granted.Stream.Id);
            await Expect(page.GetByLabel("Stream id")).ToHaveValueAsync(granted.Stream.Id);
            await page.GetByLabel("id starts with").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
            await Expect(page.GetByTestId("entity-results")).ToContainTextAsync(Stream);
        }

        public async Task OpenTimelineFromSearchAsync()
        {
            await page.GetByRole(AriaRole.Link, new() { Name = Stream, Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Timeline of " + Stream })).ToBeVisibleAsync();
            await Expect(page.GetByTestId("event").First).ToBeVisibleAsync();
        }

        /// <summary>Opens the grant dialog; reveals the granted subject for an hour, or cancels.</summary>
        public async Task GrantDialogAsync(bool reveal)
        {
            await page.GetByTestId("reveal").ClickAsync();
            var dialog = page.GetByRole(AriaRole.Dialog);
            await Expect(dialog.GetByTestId("grant-rules")).ToBeVisibleAsync();
            if (!reveal)
            {
                await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
                await Expect(dialog).ToHaveCountAsync(0);
                return;
            }
            await dialog.GetByLabel("Reason").FillAsync("Disputed tax form: confirm the holder's identity");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Reveal" }).ClickAsync();
            await Expect(page.GetByTestId("grant-banner")).ToContainTextAsync(granted.Subject);
        }

        public async Task ExpandRowAsync()
        {
            await page.GetByRole(AriaRole.Button, new() { Name = $"Show event #{granted.StreamSeq}", Exact = true }).ClickAsync();
            await Expect(page.GetByTestId("event-details").GetByTestId("fields")).ToBeVisibleAsync();
        }

        public async Task RawJsonAsync()
        {
            await page.GetByTestId("event-details").GetByTestId("raw-toggle").ClickAsync();
            await Expect(page.GetByTestId("event-details").GetByTestId("raw-json")).ToBeVisibleAsync();
        }

        public async Task FiltersAsync()
        {
            await page.GetByText("Filters", new() { Exact = true }).ClickAsync();
            await page.GetByLabel("Rows per page").ClickAsync();
            await page.GetByRole(AriaRole.Option, new() { Name = "10", Exact = true }).ClickAsync();
            // The choice has reached the circuit (the list closed, the select shows it) before Apply reads it.
            await Expect(page.GetByRole(AriaRole.Option, new() { Name = "10", Exact = true })).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("filters").GetByText("10", new() { Exact = true })).ToBeVisibleAsync();
            await page.GetByTestId("apply-filters").ClickAsync();
            await Expect(page.GetByTestId("page-label")).ToContainTextAsync("events 1–10");
        }

        public async Task NextPageAsync()
        {
            await page.Locator("a[rel=next]").ClickAsync();
            await Expect(page.GetByTestId("page-label")).ToContainTextAsync("page 2");
        }

        public async Task AsOfEventAsync()
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Show event #11", Exact = true }).ClickAsync();
            await page.GetByTestId("event-details").GetByTestId("as-of-event").ClickAsync();
            await Expect(page.GetByTestId("state")).ToBeVisibleAsync();
        }

        public async Task AsOfPointAsync()
        {
            var kDate = page.GetByLabel("K date", new() { Exact = true });
            await kDate.FillAsync(asOfK.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            await kDate.PressAsync("Tab");
            var kTime = page.GetByLabel("K time", new() { Exact = true });
            await kTime.FillAsync(asOfK.ToString("HH:mm", CultureInfo.InvariantCulture));
            await kTime.PressAsync("Tab");
            var tDate = page.GetByLabel("T date", new() { Exact = true });
            await tDate.FillAsync("");
            await tDate.PressAsync("Tab");
            await page.GetByTestId("show-state").ClickAsync();
            await Expect(page.GetByTestId("as-of-point")).ToContainTextAsync("K = " + asOfK.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        }

        public async Task DiffAsync()
        {
            await page.GetByTestId("compare").ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Changes of {Stream} between two as-of points" })).ToBeVisibleAsync();
            await Expect(page.GetByTestId("changes").Or(page.GetByTestId("no-changes"))).ToBeVisibleAsync();
        }

        /// <summary>The forward impact of the granted stream's personal event, navigated to inside the circuit.</summary>
        public async Task LineageAsync()
        {
            await page.EvaluateAsync("url => Blazor.navigateTo(url)", PortalUrls.LineageImpact(eventId));
            await Expect(page.GetByTestId("input")).ToContainTextAsync(Stream + " #" + granted.StreamSeq);
            await Expect(page.GetByTestId("impact-total")).ToBeVisibleAsync();
        }

        /// <summary>The granted stream's personal event opened, revealed by a live grant.</summary>
        public async Task OpenRevealedAsync()
        {
            await page.GotoAsync(portal.Url(PortalUrls.TimelineEvent(granted.Stream.Type, granted.Stream.Id, granted.StreamSeq).Split('#')[0]).ToString());
            await CircuitAsync();
            await Expect(page.GetByTestId("event-details").GetByTestId("fields").GetByTestId("revealed").First).ToBeVisibleAsync();
        }

        /// <summary>The open page masks again by itself (same circuit, no navigation).</summary>
        public async Task MaskedAgainAsync()
        {
            var fields = page.GetByTestId("event-details").GetByTestId("fields");
            await Expect(fields.GetByTestId("revealed")).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("grant-banner")).ToHaveCountAsync(0);
            await Expect(fields).ToContainTextAsync(AuditPortal.Portal.Redaction.RedactionPolicy.MaskedText);
        }
    }
}
