using System.Security.Cryptography;
using System.Text;
using AuditPortal.Data.Demo;

namespace AuditPortal.Tests.Data.Demo;

/// <summary>
/// Pins the demo ledger itself: the SHA-256 of every field of every event of a seed-42 run. Refactoring the
/// generator (e.g. moving the derivations into the versioned rules, docs/lineage.md) must not change a byte.
/// </summary>
public sealed class DemoLedgerGoldenTests(DemoLedgerFixture fixture) : IClassFixture<DemoLedgerFixture>
{
    [Fact]
    public void Seed42_20000Events_DigestPinned()
    {
        Digest(fixture.Events.Select(DemoLedgerFixture.Describe)).ShouldBe(Pinned20k);
    }

    [Fact]
    public void Seed42_60000Events_WithReissuesAndDividends_DigestPinned()
    {
        var events = new DemoLedgerGenerator(42, new DemoOptions()).Batches(60_000, 5_000).SelectMany(b => b).ToList();
        events.Count(e => e.Action == "tax_form.corrected").ShouldBeGreaterThan(0);
        events.Count(e => e.Action == "cash.dividend_paid").ShouldBeGreaterThan(0);
        Digest(events.Select(DemoLedgerFixture.Describe)).ShouldBe(Pinned60k);
    }

    private static string Digest(IEnumerable<string> described)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var line in described)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(line));
            sha.AppendData("\n"u8);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private const string Pinned20k = "58802213bd53c93194a939e4a2ba3d1abd656ca23655780a4d5f4df893fc77df";
    private const string Pinned60k = "a9448c57982178a32e608ca3213e14eb9360eca52d0e592f7647ea2c6ba16118";
}
