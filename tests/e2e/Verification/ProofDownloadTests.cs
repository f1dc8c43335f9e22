using System.Net;
using System.Text.Json.Nodes;
using AuditPortal.Portal;
using AuditPortal.Tests.E2e.Gateway;
using Npgsql;

namespace AuditPortal.Tests.E2e.Verification;

/// <summary>
/// The proofs page's downloads, end to end: the JSON the portal serves (built on the real standby) is
/// written to a file and checked by the real <c>auditportal evidence verify</c>; it is intact as
/// downloaded, and one flipped hex digit anywhere in a hash is a finding naming the check that failed.
/// The seeded ledger (600 events) has signed checkpoints at a few sizes, the last at 600; 300 is not one.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ProofDownloadTests(LedgerDatabasesFixture databases) : IDisposable
{
    private readonly GatewayPortalFactory portal = new(databases, new Dictionary<string, string?> { ["Portal:Verification:Continuous"] = "false" });

    private async Task<JsonObject> DownloadAsync(string url, string expectedFileName)
    {
        var response = await portal.ClientFor("auditor", "proof-download").GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");
        response.Content.Headers.ContentDisposition?.ToString().ShouldContain(expectedFileName);
        response.Headers.CacheControl?.NoStore.ShouldBe(true, "a proof names ledger data: never cached");
        return JsonNode.Parse(body)!.AsObject();
    }

    private Task<(int Code, string Out)> VerifyOfflineAsync(JsonObject document) =>
        OfflineEvidenceCheck.RunAsync(document.ToJsonString(), databases.PublicKeyPath);

    /// <summary>A copy of <paramref name="document"/> with the first hex digit of one hash changed.</summary>
    private static JsonObject Flipped(JsonObject document, string member, int? element = null)
    {
        var copy = document.DeepClone().AsObject();
        var node = element is { } i ? copy[member]!.AsArray()[i]! : copy[member]!;
        var hex = node.GetValue<string>();
        var flipped = (hex[0] == '0' ? '1' : '0') + hex[1..];
        if (element is { } j)
            copy[member]!.AsArray()[j] = flipped;
        else
            copy[member] = flipped;
        return copy;
    }

    private async Task ShouldFailAsync(JsonObject tampered, string findingPrefix, string what)
    {
        var (code, output) = await VerifyOfflineAsync(tampered);
        code.ShouldBe(OfflineEvidenceCheck.Findings, $"{what}: {output}");
        output.ShouldContain(findingPrefix, Case.Sensitive, $"{what}: {output}");
        output.ShouldNotContain("INTACT", Case.Sensitive, what);
    }

    [Fact]
    public async Task InclusionJson_VerifiesOffline_EveryFlippedHashIsAFinding()
    {
        var size = (await databases.CheckpointSizesAsync())[0];
        var document = await DownloadAsync(PortalUrls.InclusionProofJson(123, size), $"inclusion-123-in-{size}.json");

        var (code, output) = await VerifyOfflineAsync(document);

        code.ShouldBe(OfflineEvidenceCheck.Intact, output);
        output.ShouldContain($"INTACT: verified against the signed checkpoint of size {size}");
        output.ShouldContain("1 events checked");
        var proof = document["proof"]!.AsArray();
        proof.Count.ShouldBeGreaterThan(1, $"a proof for leaf 122 of {size} has several levels");
        for (var i = 0; i < proof.Count; i++)
            await ShouldFailAsync(Flipped(document, "proof", i), "FINDING inclusion_proof at seq 123", $"proof[{i}]");
        await ShouldFailAsync(Flipped(document, "root_hash"), $"FINDING checkpoint_root at seq {size}", "root_hash");
        await ShouldFailAsync(Flipped(document, "leaf_hash"), "FINDING leaf_hash at seq 123", "leaf_hash");
    }

    [Fact]
    public async Task ConsistencyJson_VerifiesOffline_EveryFlippedHashIsAFinding()
    {
        var sizes = await databases.CheckpointSizesAsync();
        sizes.Count.ShouldBeGreaterThanOrEqualTo(2, "the seed signs more than one checkpoint");
        var (older, newer) = (sizes[0], sizes[^1]);
        var document = await DownloadAsync(PortalUrls.ConsistencyProofJson(older, newer), $"consistency-{older}-to-{newer}.json");

        var (code, output) = await VerifyOfflineAsync(document);

        code.ShouldBe(OfflineEvidenceCheck.Intact, output);
        output.ShouldContain($"INTACT: verified against the signed checkpoint of size {newer}");
        var proof = document["proof"]!.AsArray();
        proof.Count.ShouldBeGreaterThan(1);
        for (var i = 0; i < proof.Count; i++)
            await ShouldFailAsync(Flipped(document, "proof", i), "FINDING consistency_proof", $"proof[{i}]");
        await ShouldFailAsync(Flipped(document, "root1"), $"FINDING checkpoint_root at seq {older}", "root1");
        await ShouldFailAsync(Flipped(document, "root2"), $"FINDING checkpoint_root at seq {newer}", "root2");
    }

    [Theory]
    [InlineData("inclusion.json?seq=601&size=600", 400, "beyond")]        // seq past the tree
    [InlineData("inclusion.json?seq=0&size=600", 400, "seq")]
    [InlineData("inclusion.json?seq=-5&size=600", 400, "seq")]
    [InlineData("inclusion.json?seq=abc&size=600", 400, "seq")]
    [InlineData("inclusion.json?seq=12&size=1e3", 400, "size")]
    [InlineData("inclusion.json?seq=99999999999999999999&size=600", 400, "seq")]
    [InlineData("inclusion.json?seq=12", 400, "size")]
    [InlineData("inclusion.json?seq=12&size=300", 404, "300")]             // within the ledger, but no checkpoint
    [InlineData("inclusion.json?seq=12&size=9999", 404, "9999")]           // beyond the ledger's head
    [InlineData("consistency.json?size1=600&size2=250", 400, "size1")]
    [InlineData("consistency.json?size1=x&size2=600", 400, "size1")]
    [InlineData("consistency.json?size1=250", 400, "size2")]
    [InlineData("consistency.json?size1=-1&size2=600", 400, "size1")]
    [InlineData("consistency.json?size1=300&size2=600", 404, "300")]
    [InlineData("consistency.json?size1=600&size2=9999", 404, "9999")]
    public async Task Download_BadParameters_ClearClientErrorNeverServerError(string query, int expected, string mentioned)
    {
        var client = portal.ClientFor("auditor", "proof-bad-input");
        client.DefaultRequestHeaders.Accept.Clear();
        client.DefaultRequestHeaders.Accept.ParseAdd("application/json");

        var response = await client.GetAsync(PortalUrls.Proofs + "/" + query);

        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(expected, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", body);
        JsonNode.Parse(body)!["detail"]!.GetValue<string>().ShouldContain(mentioned, Case.Insensitive, body);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("norole")]
    public async Task Download_RoleWithoutProofRead_Forbidden(string caller)
    {
        var response = await portal.ClientFor(caller).GetAsync(PortalUrls.InclusionProofJson(1, 600));

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    public void Dispose()
    {
        portal.Dispose();
        NpgsqlConnection.ClearAllPools();
    }
}
