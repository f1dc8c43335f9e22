using System.Text.Json;
using System.Text.RegularExpressions;
using AuditPortal.Portal;
using AuditPortal.Tests.E2e.Browser;
using AuditPortal.Tests.E2e.Timeline;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace AuditPortal.Tests.E2e.Lineage;

/// <summary>
/// The lineage page in headless Chromium over a live circuit: the DAG (Cytoscape.js + dagre, served from this
/// origin under the CSP) draws the output and every input, a tap on a node opens its timeline, and the table
/// beside it links to the same timelines. Screenshots go to var/test-results/screenshots.
/// </summary>
[Collection(nameof(SeededChromiumPortalCollection))]
public sealed class LineageBrowserTests(SeededChromiumPortal portal)
{
    static LineageBrowserTests() => SetDefaultExpectTimeout(30_000);

    [ChromiumFact]
    public async Task LineageGraph_ShowsOutputAndInputs_TapOpensTheInputsTimeline()
    {
        var (id, inputs, input) = await FormAsync();
        await using var session = await portal.NewSessionAsync();
        var page = session.Page;
        var graph = await OpenGraphAsync(session, id);
        (await graph.GetAttributeAsync("data-nodes")).ShouldBe((inputs + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(graph.Locator("canvas").First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("lineage-row")).ToHaveCountAsync(inputs);
        await session.ScreenshotAsync("lineage-graph");
        session.PortalErrors.ShouldBeEmpty();

        // A tap on the first input's node navigates (inside the circuit) to that event on its timeline.
        var positions = JsonSerializer.Deserialize<Dictionary<string, int[]>>((await graph.GetAttributeAsync("data-positions"))!)!;
        var at = positions[input.Id.ToString("D")];
        await graph.ScrollIntoViewIfNeededAsync();
        await graph.ClickAsync(new LocatorClickOptions { Position = new Position { X = at[0], Y = at[1] } });
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape($"/timeline/account/{input.Stream}?event={input.StreamSeq}")));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Timeline of account/" + input.Stream })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("event-details")).ToBeVisibleAsync();
        await session.ScreenshotAsync("lineage-graph-tapped");
        session.PortalErrors.ShouldBeEmpty();
    }

    [ChromiumFact]
    public async Task LineageGraph_TakesTheKeyboard_HomeArrowsAndEnterOpenTheFocusedTimeline()
    {
        var (id, inputs, _) = await FormAsync();
        await using var session = await portal.NewSessionAsync();
        var page = session.Page;
        var graph = await OpenGraphAsync(session, id);
        var focus = page.GetByTestId("lineage-graph-focus");

        await graph.FocusAsync();
        await page.Keyboard.PressAsync("Home");
        await Expect(focus).ToHaveAttributeAsync("data-node", id.ToString("D"));
        await Expect(focus).ToContainTextAsync($"(output; {inputs} inputs; 1 of 1 in its column)");

        // ← goes to the topmost input; ↓ walks that column, one event at a time, and stops at its end.
        await page.Keyboard.PressAsync("ArrowLeft");
        await Expect(focus).ToContainTextAsync($"1 of {inputs} in its column");
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(focus).ToContainTextAsync($"2 of {inputs} in its column");
        for (var i = 2; i < inputs + 2; i++)
            await page.Keyboard.PressAsync("ArrowDown");
        await Expect(focus).ToContainTextAsync($"{inputs} of {inputs} in its column");
        await session.ScreenshotAsync("lineage-graph-keyboard");

        // → from an input goes back to the output it feeds; ← and Enter open the focused input's timeline.
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(focus).ToHaveAttributeAsync("data-node", id.ToString("D"));
        await page.Keyboard.PressAsync("ArrowLeft");
        var url = await focus.GetAttributeAsync("data-url");
        url.ShouldNotBeNullOrEmpty();
        url.ShouldStartWith("/timeline/");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(url) + "$"));
        await Expect(page.GetByTestId("event-details")).ToBeVisibleAsync();
        session.PortalErrors.ShouldBeEmpty();
    }

    /// <summary>Opens the lineage page of <paramref name="output"/> as auditor1 and waits until its graph is drawn.</summary>
    private async Task<ILocator> OpenGraphAsync(BrowserSession session, Guid output)
    {
        await session.Page.GotoAsync(portal.Url(PortalUrls.Lineage(output)).ToString());
        await session.SignInAtProviderAsync("auditor1", "auditor1-dev");
        await session.WaitForCircuitAsync();
        var graph = session.Page.GetByTestId("lineage-graph");
        await Expect(graph).ToHaveAttributeAsync("data-ready", "true");
        return graph;
    }

    /// <summary>A tax form of the seeded ledger, its input count, and its first input (id, account, stream_seq).</summary>
    private async Task<(Guid Id, int Inputs, (Guid Id, string Stream, long StreamSeq) First)> FormAsync()
    {
        await using var connection = new NpgsqlConnection(portal.Databases.Replica(portal.Databases.LedgerDb));
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT f.event_id, cardinality(f.lineage_inputs), i.event_id, i.stream_id, i.stream_seq
            FROM ledger.events f JOIN ledger.events i ON i.event_id = f.lineage_inputs[1]
            WHERE f.stream_type = 'tax_form' ORDER BY f.seq LIMIT 1
            """, connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue("the seeded ledger has a tax form");
        return (reader.GetGuid(0), reader.GetInt32(1), (reader.GetGuid(2), reader.GetString(3), reader.GetInt64(4)));
    }
}
