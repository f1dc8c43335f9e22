using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AngleSharp.Dom;
using AuditPortal.Portal;
using AuditPortal.Tests.E2e.Gateway;
using Npgsql;

namespace AuditPortal.Tests.E2e.Verification;

/// <summary>
/// The proofs page shows the walk step by step: each proof element, the side it is hashed on, the
/// running hash and the recomputed root. The steps are checked against an independent walk of RFC 9162
/// §2.1.3.2 written here, over the hashes of the downloaded document; bad parameters are a 400/404 page.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ProofsPageTests(LedgerDatabasesFixture databases) : IDisposable
{
    private readonly GatewayPortalFactory portal = new(databases, new Dictionary<string, string?> { ["Portal:Verification:Continuous"] = "false" });

    [Fact]
    public async Task InclusionPage_ShowsEveryStepSideAndRunningHash_AndTheRecomputedSignedRoot()
    {
        var size = (await databases.CheckpointSizesAsync())[0];
        var client = portal.ClientFor("auditor", "proof-page");
        var document = JsonNode.Parse(await client.GetStringAsync(PortalUrls.InclusionProofJson(123, size)))!;
        var proof = document["proof"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();
        var expected = ReferenceInclusionWalk(122, size, document["leaf_hash"]!.GetValue<string>(), proof);

        var response = await client.GetAsync(PortalUrls.InclusionProof(123, size));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await AuditPortal.Tests.E2e.Portal.Browser.ParseAsync(response);
        var section = page.QuerySelector("[data-testid=inclusion-proof]").ShouldNotBeNull();
        section.GetAttribute("data-valid").ShouldBe("true");
        section.TextContent.ShouldContain(document["leaf_hash"]!.GetValue<string>(), Case.Sensitive, "the seed: the leaf hash");
        var rows = section.QuerySelectorAll("[data-testid=proof-steps] tbody tr").ToList();
        rows.Count.ShouldBe(proof.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var cells = rows[i].QuerySelectorAll("td").ToList();
            cells[1].TextContent.Trim().ShouldBe(proof[i], $"step {i + 1}: element");
            rows[i].GetAttribute("data-side").ShouldBe(expected.Steps[i].Side, $"step {i + 1}: side");
            cells[2].TextContent.Trim().ShouldBe(expected.Steps[i].Side, $"step {i + 1}: side shown");
            cells[4].QuerySelector("code")!.TextContent.Trim().ShouldBe(expected.Steps[i].Running, $"step {i + 1}: running hash");
        }
        expected.Root.ShouldBe(document["root_hash"]!.GetValue<string>(), "the reference walk reaches the document's root");
        var verdict = section.QuerySelector("[data-testid=verdict]")!;
        verdict.QuerySelector("code")!.TextContent.Trim().ShouldBe(expected.Root, "the recomputed root");
        verdict.TextContent.ShouldContain("signed checkpoint");
        section.QuerySelector("a[download]")!.GetAttribute("href").ShouldBe(PortalUrls.InclusionProofJson(123, size));
    }

    [Fact]
    public async Task ConsistencyPage_ShowsEveryStepAndBothRecomputedRoots()
    {
        var sizes = await databases.CheckpointSizesAsync();
        var client = portal.ClientFor("auditor", "proof-page");
        var document = JsonNode.Parse(await client.GetStringAsync(PortalUrls.ConsistencyProofJson(sizes[0], sizes[^1])))!;
        var proof = document["proof"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();

        var response = await client.GetAsync(PortalUrls.ConsistencyProof(sizes[0], sizes[^1]));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await AuditPortal.Tests.E2e.Portal.Browser.ParseAsync(response);
        var section = page.QuerySelector("[data-testid=consistency-proof]").ShouldNotBeNull();
        section.GetAttribute("data-valid").ShouldBe("true");
        var rows = section.QuerySelectorAll("[data-testid=proof-steps] tbody tr").ToList();
        rows.Select(r => r.QuerySelectorAll("td")[1].TextContent.Trim()).ShouldBe(proof.Skip(proof.Count - rows.Count),
            "each step hashes one proof element, in order (the seed may be the first element)");
        rows.ShouldAllBe(r => r.GetAttribute("data-side") == "left" || r.GetAttribute("data-side") == "right");
        section.TextContent.ShouldContain($"Recomputed first root: {document["root1"]}");
        section.QuerySelector("[data-testid=verdict] code")!.TextContent.Trim().ShouldBe(document["root2"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("?seq=abc&size=600", 400, "seq: a whole number from 1 to 9007199254740991")]
    [InlineData("?seq=601&size=600", 400, "beyond the tree size 600")]
    [InlineData("?size1=600&size2=250", 400, "size1 (600) must not be larger than size2 (250)")]
    [InlineData("?seq=12&size=300", 404, "no signed checkpoint of size 300")]
    [InlineData("?seq=12&size=9999", 404, "fewer than the tree size 9999")]
    [InlineData("?size1=600&size2=9999", 404, "fewer than the tree size 9999")]
    public async Task Page_BadParameters_ExplainTheProblemWithClientErrorStatus(string query, int expected, string explanation)
    {
        var response = await portal.ClientFor("auditor", "proof-page").GetAsync(PortalUrls.Proofs + query);

        ((int)response.StatusCode).ShouldBe(expected);
        var page = await AuditPortal.Tests.E2e.Portal.Browser.ParseAsync(response);
        // A 400 is explained on the proofs page itself; a 404 on the status page (.NET 10 renders no body for a page's own 404).
        var shown = expected == 400 ? page.QuerySelector("[role=alert]") : page.QuerySelector("[data-testid=status-explanation]");
        shown.ShouldNotBeNull(page.Body?.TextContent).TextContent.ShouldContain(explanation);
        page.QuerySelector("[data-testid=inclusion-proof], [data-testid=consistency-proof]").ShouldBeNull();
    }

    /// <summary>RFC 9162 §2.1.3.2, written out: the side of each element and the running hash after it.</summary>
    private static (List<(string Side, string Running)> Steps, string Root) ReferenceInclusionWalk(long index, long size, string leafHex, List<string> proof)
    {
        var (fn, sn) = (index, size - 1);
        var r = Convert.FromHexString(leafHex);
        var steps = new List<(string, string)>();
        foreach (var hex in proof)
        {
            var p = Convert.FromHexString(hex);
            sn.ShouldBeGreaterThan(0L, "proof longer than the path");
            if ((fn & 1) == 1 || fn == sn)
            {
                r = Node(p, r);
                steps.Add(("left", Convert.ToHexStringLower(r)));
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                        (fn, sn) = (fn >> 1, sn >> 1);
                }
            }
            else
            {
                r = Node(r, p);
                steps.Add(("right", Convert.ToHexStringLower(r)));
            }
            (fn, sn) = (fn >> 1, sn >> 1);
        }
        sn.ShouldBe(0L, "proof shorter than the path");
        return (steps, Convert.ToHexStringLower(r));
    }

    private static byte[] Node(byte[] left, byte[] right) => SHA256.HashData([0x01, .. left, .. right]);

    public void Dispose()
    {
        portal.Dispose();
        NpgsqlConnection.ClearAllPools();
    }
}
