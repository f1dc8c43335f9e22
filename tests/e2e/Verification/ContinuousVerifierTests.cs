using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AuditPortal.Tests.E2e.Gateway;
using AuditPortal.Portal;
using Npgsql;

namespace AuditPortal.Tests.E2e.Verification;

/// <summary>
/// The continuous verifier, watched the way an auditor sees it: the verification card on the dashboard.
/// The portal polls every 250 ms and re-verifies the whole ledger every 2 s; the test appends on the
/// primary and tampers as the primary's superuser, and polls the dashboard (with a deadline) until it
/// shows the result.
/// </summary>
public sealed partial class ContinuousVerifierTests(TamperableLedger ledger) : IClassFixture<TamperableLedger>, IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(25);

    private readonly GatewayPortalFactory portal = new(ledger.Databases, new Dictionary<string, string?>
    {
        ["Portal:Verification:Continuous"] = "true",
        ["Portal:Verification:PollInterval"] = "00:00:00.250",
        ["Portal:Verification:FullPassInterval"] = "00:00:02",
    });

    /// <summary>What the verification card shows.</summary>
    private sealed record Card(long? VerifiedHead, string LastFullPass, string? LastFullPassUrl, long OpenFindings, string? OpenFindingsUrl,
        List<(string? Kind, string? Seq)> Listed)
    {
        public override string ToString() =>
            $"head {VerifiedHead}, last full pass '{LastFullPass}', {OpenFindings} open: {string.Join(", ", Listed)}";
    }

    private static async Task<Card> ReadCardAsync(HttpClient client)
    {
        var response = await client.GetAsync(PortalUrls.Home);
        response.EnsureSuccessStatusCode();
        var page = await AuditPortal.Tests.E2e.Portal.Browser.ParseAsync(response);
        var card = page.QuerySelector("[data-testid=verification-status]") ?? throw new InvalidOperationException("no verification card on the dashboard");
        var head = card.QuerySelector("[data-testid=verified-head]")?.TextContent ?? "";
        var full = card.QuerySelector("[data-testid=last-full-pass]")!;
        var alert = card.QuerySelector("[data-testid=open-findings]");
        var open = alert is null ? 0 : long.Parse(OpenCount().Match(alert.TextContent).Groups[1].Value, CultureInfo.InvariantCulture);
        return new Card(HeadSeq().Match(head) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null,
            full.TextContent.Trim(), full.QuerySelector("a")?.GetAttribute("href"), open, alert?.QuerySelector("a")?.GetAttribute("href"),
            card.QuerySelectorAll("[data-testid=open-finding-list] td[data-kind]").Select(li => (li.GetAttribute("data-kind"), li.GetAttribute("data-seq"))).ToList());
    }

    /// <summary>Reloads the dashboard until <paramref name="condition"/> holds; fails with the last card seen at the deadline.</summary>
    private static async Task<Card> DashboardUntilAsync(HttpClient client, Func<Card, bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        Card card;
        while (!condition(card = await ReadCardAsync(client)))
        {
            if (clock.Elapsed > Deadline)
                throw new TimeoutException($"the dashboard did not show {what} within {Deadline}: last seen {card}");
            await Task.Delay(200);
        }
        return card;
    }

    [Fact]
    public async Task Dashboard_VerifiedHeadFollowsAppends_AndATamperedPayloadBecomesAnOpenFindingAtItsSeq()
    {
        var client = portal.ClientFor("auditor", "dashboard-watch");

        var first = await DashboardUntilAsync(client, c => c.VerifiedHead == 600 && c.LastFullPassUrl is not null, "the first full pass");
        first.OpenFindings.ShouldBe(0, first.ToString());
        first.LastFullPass.ShouldContain("600 rows, clean");

        await ledger.AppendAsync(7, "continuous");
        var advanced = await DashboardUntilAsync(client, c => c.VerifiedHead == 607, "the verified head at the new events");
        advanced.OpenFindings.ShouldBe(0, advanced.ToString());

        await ledger.ChangePayloadAsync(123);
        // A pass in progress already lists what it has found; wait for the pass that found it to complete.
        var tampered = await DashboardUntilAsync(client, c => c.OpenFindings > 0 && !c.LastFullPass.Contains("clean", StringComparison.Ordinal),
            "an open finding from a completed full pass");
        tampered.LastFullPass.ShouldContain("607 rows, ");
        tampered.OpenFindingsUrl.ShouldBe(tampered.LastFullPassUrl);
        // The card names the finding and its seq, lowest seq first (the checkpoint roots above it no longer
        // match either: the tree is built from recomputed leaves).
        tampered.Listed.ShouldNotBeEmpty(tampered.ToString());
        tampered.Listed[0].ShouldBe(("HashMismatch", "123"), tampered.ToString());
        tampered.Listed.Count.ShouldBe((int)Math.Min(tampered.OpenFindings, AuditPortal.Portal.Verification.VerificationStatus.ListedFindings), tampered.ToString());

        // The card's alert links to the pass that found it, with every finding.
        var run = await AuditPortal.Tests.E2e.Portal.Browser.ParseAsync(await client.GetAsync(tampered.OpenFindingsUrl));
        var findings = run.QuerySelectorAll("[data-testid=findings] td[data-kind]").Select(r => (r.GetAttribute("data-kind"), r.GetAttribute("data-seq"))).ToList();
        findings.Count.ShouldBe((int)tampered.OpenFindings, string.Join("\n", findings));
        findings[0].ShouldBe(("HashMismatch", "123"), string.Join("\n", findings));
        findings.ShouldNotContain(f => f.Item1 == "HashMismatch" && f.Item2 != "123", string.Join("\n", findings));
    }

    [GeneratedRegex(@"^\s*seq (\d+)")]
    private static partial Regex HeadSeq();

    [GeneratedRegex(@"(\d+) open finding")]
    private static partial Regex OpenCount();

    public void Dispose()
    {
        portal.Dispose();
        NpgsqlConnection.ClearAllPools();
    }
}
