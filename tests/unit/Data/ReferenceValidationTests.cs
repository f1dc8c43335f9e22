using Microsoft.Extensions.Time.Testing;
using System.Text.Json.Nodes;
using AuditPortal.Data.Appending;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Tests.Data;

public sealed class ReferenceValidationTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    private LedgerAppender NewAppender() =>
        new(db.DataSource(db.WriterConnectionString), new FakeTimeProvider(LedgerTestData.Start), new AppenderOptions());

    private Task<long> CountAsync() => db.ScalarAsync<long>("SELECT count(*) FROM ledger.events");

    [Fact]
    public async Task AppendAsync_SupersedesUnknownEvent_RejectedAndAppendsNothing()
    {
        await using var appender = NewAppender();
        var before = await CountAsync();
        var unknown = Guid.CreateVersion7();

        var ex = await Should.ThrowAsync<ArgumentException>(() => appender.AppendAsync(
            [LedgerTestData.Event("ref-1", 1), LedgerTestData.Event("ref-1", 2) with { Supersedes = unknown }]));

        ex.Message.ShouldContain($"batch[1]: supersedes {unknown}");
        (await CountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task AppendAsync_LineageInputUnknown_RejectedAndAppendsNothing()
    {
        await using var appender = NewAppender();
        var known = await appender.AppendAsync([LedgerTestData.Event("ref-2", 1)]);
        var before = await CountAsync();
        var unknown = Guid.CreateVersion7();

        var ex = await Should.ThrowAsync<ArgumentException>(() => appender.AppendAsync(
            [LedgerTestData.Event("ref-2", 2) with { Lineage = new LedgerLineage([known[0].EventId, unknown], "rule.fx", "1.0") }]));

        ex.Message.ShouldContain($"lineage input {unknown}");
        (await CountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task AppendAsync_ReferencesEarlierInBatchAndInLedger_Appended()
    {
        await using var appender = NewAppender();
        var original = await appender.AppendAsync([LedgerTestData.Event("ref-3", 1)]);
        var inputId = Guid.CreateVersion7();

        var results = await appender.AppendAsync(
        [
            LedgerTestData.Event("ref-3", 2) with { EventId = inputId },
            LedgerTestData.Event("ref-3", 3) with { Supersedes = original[0].EventId },
            LedgerTestData.Event("ref-3", 4) with { Lineage = new LedgerLineage([inputId, original[0].EventId], "rule.fx", "1.0") },
        ]);

        results[0].EventId.ShouldBe(inputId);
        var rows = (await LedgerTestData.ReadAllAsync(db.SuperuserConnectionString)).Where(r => r.StreamId == "ref-3").ToList();
        rows[2].Supersedes.ShouldBe(original[0].EventId);
        rows[3].Lineage!.Inputs.ShouldBe([inputId, original[0].EventId]);
        rows[3].Lineage!.RuleVersion.ShouldBe("1.0");
    }

    [Fact]
    public async Task AppendAsync_ReferenceToLaterEventInBatch_Rejected()
    {
        await using var appender = NewAppender();
        var later = Guid.CreateVersion7();

        await Should.ThrowAsync<ArgumentException>(() => appender.AppendAsync(
            [LedgerTestData.Event("ref-4", 1) with { Supersedes = later }, LedgerTestData.Event("ref-4", 2) with { EventId = later }]));
    }

    [Fact]
    public async Task AppendAsync_InvalidInput_ClearArgumentExceptions()
    {
        await using var appender = NewAppender();

        (await Should.ThrowAsync<ArgumentException>(() => appender.AppendAsync([LedgerTestData.Event("", 1)])))
            .Message.ShouldContain("batch[0]: StreamId is empty");
        (await Should.ThrowAsync<ArgumentException>(() => appender.AppendAsync(
            [LedgerTestData.Event("ref-5", 1) with { Payload = new JsonObject { ["price"] = 1.5 } }])))
            .Message.ShouldContain("only integers");
        (await Should.ThrowAsync<ArgumentException>(() => appender.AppendAsync(
            [LedgerTestData.Event("ref-5", 1) with { PersonalFields = [new("missing", "subj")] }])))
            .Message.ShouldContain("'missing' is not a member of the payload");
        (await Should.ThrowAsync<ArgumentException>(() => appender.AppendAsync(
            [LedgerTestData.Event("ref-5", 1) with { Payload = new JsonObject { ["meta"] = new JsonArray(new JsonObject { ["enc"] = "none" }) } }])))
            .Message.ShouldContain("payload object at $.meta[0] has a member 'enc'");
        (await Should.ThrowAsync<ArgumentException>(() => appender.AppendAsync(
            [LedgerTestData.Event("ref-5", 1) with { OccurredAt = new DateTime(2024, 1, 1) }])))
            .Message.ShouldContain("Unspecified");
    }

    [Fact]
    public async Task AppendAsync_ExistingEventIdWithoutIdempotencyKey_Rejected()
    {
        await using var appender = NewAppender();
        var id = Guid.CreateVersion7();
        await appender.AppendAsync([LedgerTestData.Event("ref-6", 1) with { EventId = id }]);

        (await Should.ThrowAsync<ArgumentException>(() => appender.AppendAsync([LedgerTestData.Event("ref-6", 2) with { EventId = id }])))
            .Message.ShouldContain("already in the ledger");
    }
}
