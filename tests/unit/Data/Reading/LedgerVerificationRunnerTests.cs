using AuditPortal.Data.Reading;
using AuditPortal.Tests.Verification.Verifying;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Ledger;
using AuditPortal.Verification.Verifying;

namespace AuditPortal.Tests.Data.Reading;

/// <summary>
/// Tamper tests over a real PostgreSQL: rows are loaded clean, then changed in place with SQL as a
/// superuser would (triggers disabled), then verified through the reader (as the SELECT-only reader
/// role) and the runner, single and in parallel ranges.
/// </summary>
public sealed class LedgerVerificationRunnerTests(LedgerTestDatabase db) : IClassFixture<LedgerTestDatabase>, IDisposable
{
    private const int Length = 40;
    private static readonly StreamKey Quirky = new("account", "o'brien\\x\"; DROP TABLE ledger.events; --");
    private static readonly CheckpointSigner Signer = CheckpointSigner.Generate();
    private static readonly CheckpointSigner OtherSigner = CheckpointSigner.Generate();

    private readonly string witnessPath = Path.Combine(Path.GetTempPath(), "verifier-witness-" + Guid.NewGuid().ToString("N"));

    private static List<LedgerEvent> Ledger(Func<LedgerEvent, LedgerEvent>? mutate = null) =>
        TestChain.Build(Length, e => (mutate ?? (x => x))(e.Seq switch
        {
            5 => e with { ClientAddress = "10.0.0.5" },
            6 => e with { IdempotencyKey = "k-6" },
            26 => e with { Supersedes = TestChain.Id(3) },
            30 => e with { Lineage = new LedgerLineage([TestChain.Id(1), TestChain.Id(2)], "rule-7", "1.0.0") },
            _ => e,
        }), seq => seq % 10 == 0 ? Quirky : TestChain.Streams[(seq - 1) % 3]);

    private static readonly List<LedgerEvent> Clean = Ledger();

    private static SignedCheckpoint Cp(long size, IReadOnlyList<LedgerEvent>? rows = null) => TestChain.Checkpoint(Signer, rows ?? Clean, size);

    private static SignedCheckpoint V2(long size) => TestChain.CheckpointV2(Signer, Clean, size);

    private static long NextInStream(long seq)
    {
        var stream = Clean.Single(e => e.Seq == seq).Stream;
        return Clean.First(e => e.Seq > seq && e.Stream == stream).Seq;
    }

    private LedgerVerificationRunner Runner(bool withWitness = false) =>
        new(db.DataSource, Signer.PublicKey, withWitness ? new WitnessDirectory(witnessPath) : null);

    private async Task<VerificationResult> VerifyBothWays((FindingKind Kind, long Seq)[] expected, bool withWitness = false)
    {
        var single = await Runner(withWitness).RunAsync(new VerificationRequest(), null, CancellationToken.None);
        single.Findings.Select(f => (f.Kind, f.Seq ?? -1)).ShouldBe(expected, string.Join("\n", single.Findings));
        foreach (var parts in new[] { 2, 3 })
        {
            var parallel = await Runner(withWitness).RunAsync(new VerificationRequest(Parallelism: parts), null, CancellationToken.None);
            parallel.Findings.ShouldBe(single.Findings, $"{parts} ranges");
            parallel.Root.ShouldBe(single.Root);
        }
        return single;
    }

    private Task Tamper(string sql) => db.TamperAsync(sql);

    [Fact]
    public async Task Read_Rows_RoundTripExactly()
    {
        await db.ResetAsync(Clean);
        var reader = new LedgerRowReader(db.DataSource);

        var rows = new List<LedgerEvent>();
        await foreach (var e in reader.ReadRangeAsync(1, Length))
            rows.Add(e);

        rows.Count.ShouldBe(Length);
        for (var i = 0; i < Length; i++)
        {
            EventRecord.CanonicalBytes(rows[i]).ShouldBe(EventRecord.CanonicalBytes(Clean[i]));
            rows[i].Hash.ShouldBe(Clean[i].Hash);
        }
        (await reader.HeadSeqAsync()).ShouldBe(Length);
        (await reader.StoredHashAsync(17)).ShouldBe(Clean[16].Hash);
        (await reader.StoredHashAsync(99)).ShouldBeNull();
    }

    [Fact]
    public async Task Read_NonAsciiPayload_HoldsItsUtf8BytesAndVerifies()
    {
        // Two-byte, three-byte and surrogate-pair characters, and an escaped control character.
        const string payload = """{"name":"Zoë Ørsted – 東京 😀","note":"a\u0001b"}""";
        var rows = Ledger(e => e.Seq == 7 ? e with { PayloadJson = payload } : e);
        await db.ResetAsync(rows);

        var read = new List<LedgerEvent>();
        await foreach (var e in new LedgerRowReader(db.DataSource).ReadRangeAsync(7, 7))
            read.Add(e);

        var row = read.ShouldHaveSingleItem();
        row.PayloadUtf8.ShouldBe(System.Text.Encoding.UTF8.GetBytes(payload));
        row.PayloadJson.ShouldBe(payload);
        EventRecord.CanonicalBytes(row).ShouldBe(EventRecord.CanonicalBytes(rows[6]));
        EventRecord.LeafHash(row).ShouldBe(rows[6].Hash);
        var result = await Runner().RunAsync(new VerificationRequest(), null, CancellationToken.None);
        result.Findings.ShouldBeEmpty();
    }

    [Fact]
    public async Task Clean_WithCheckpointsAndWitness_NoFindings()
    {
        await db.ResetAsync(Clean, [Cp(8), Cp(16), Cp(32), Cp(40)]);
        foreach (var size in new[] { 8L, 16, 32, 40 })
            new WitnessDirectory(witnessPath).Record(Cp(size));

        var result = await VerifyBothWays([], withWitness: true);

        result.Rows.ShouldBe(Length);
        result.Root.ShouldBe(TestChain.Root(Clean, Length));
        result.HeadHash.ShouldBe(Clean[^1].Hash);
    }

    [Fact]
    public async Task ModifiedPayload_HashMismatch()
    {
        await db.ResetAsync(Clean);
        await Tamper("""UPDATE ledger.events SET payload = '{"amount":1,"currency":"EUR"}' WHERE seq = 20""");
        await VerifyBothWays([(FindingKind.HashMismatch, 20)]);
    }

    [Fact]
    public async Task ModifiedActor_HashMismatch()
    {
        await db.ResetAsync(Clean);
        await Tamper("UPDATE ledger.events SET actor = 'mallory' WHERE seq = 7");
        await VerifyBothWays([(FindingKind.HashMismatch, 7)]);
    }

    [Fact]
    public async Task ClearedClientAddress_HashMismatch()
    {
        await db.ResetAsync(Clean);
        await Tamper("UPDATE ledger.events SET client_address = NULL WHERE seq = 5");
        await VerifyBothWays([(FindingKind.HashMismatch, 5)]);
    }

    [Fact]
    public async Task DeletedRow_GlobalAndStreamGap()
    {
        await db.ResetAsync(Clean);
        await Tamper("DELETE FROM ledger.events WHERE seq = 15");
        var result = await VerifyBothWays([(FindingKind.GlobalSequenceGap, 16), (FindingKind.StreamSequenceGap, NextInStream(15))]);
        result.Root.ShouldBeNull();
    }

    [Fact]
    public async Task SwappedSeqs_HashesAndChainBroken()
    {
        await db.ResetAsync(Clean);
        await Tamper("""
            UPDATE ledger.events SET seq = 1000000 WHERE seq = 20;
            UPDATE ledger.events SET seq = 20 WHERE seq = 21;
            UPDATE ledger.events SET seq = 21 WHERE seq = 1000000;
            """);
        await VerifyBothWays([
            (FindingKind.HashMismatch, 20), (FindingKind.GlobalChainBroken, 20),
            (FindingKind.HashMismatch, 21), (FindingKind.GlobalChainBroken, 21),
            (FindingKind.GlobalChainBroken, 22)]);
    }

    [Fact]
    public async Task ModifiedStoredHash_BothSuccessorsBroken()
    {
        await db.ResetAsync(Clean);
        await Tamper("UPDATE ledger.events SET hash = sha256('forged'::bytea) WHERE seq = 10");
        await VerifyBothWays([(FindingKind.HashMismatch, 10), (FindingKind.GlobalChainBroken, 11),
            (FindingKind.StreamChainBroken, NextInStream(10))]);
    }

    [Fact]
    public async Task ModifiedStreamSeq_GapThenReordered()
    {
        await db.ResetAsync(Clean);
        await Tamper("UPDATE ledger.events SET stream_seq = stream_seq + 2 WHERE seq = 13");
        await VerifyBothWays([(FindingKind.HashMismatch, 13), (FindingKind.StreamSequenceGap, 13),
            (FindingKind.Reordered, NextInStream(13))]);
    }

    [Fact]
    public async Task TruncatedHead_CheckpointAndWitnessSayTruncated()
    {
        await db.ResetAsync(Clean, [Cp(16), Cp(40)]);
        new WitnessDirectory(witnessPath).Record(Cp(16));
        new WitnessDirectory(witnessPath).Record(Cp(40));
        await Tamper("DELETE FROM ledger.events WHERE seq > 35");
        var result = await VerifyBothWays([(FindingKind.HeadTruncated, 40), (FindingKind.HeadTruncated, 40)], withWitness: true);
        result.HeadSeq.ShouldBe(35);
    }

    [Fact]
    public async Task TruncatedAndReforged_CaughtByWitnessOnly()
    {
        await db.ResetAsync(Clean, [Cp(16), Cp(32), Cp(40)]);
        foreach (var size in new[] { 16L, 32, 40 })
            new WitnessDirectory(witnessPath).Record(Cp(size));
        var reforged = Ledger(e => e.Seq > 30 ? e with { Actor = "forger" } : e);
        await Tamper("DELETE FROM ledger.events WHERE seq > 30; DELETE FROM ledger.checkpoints WHERE size > 30;");
        await using (var connection = await db.Superuser.OpenConnectionAsync())
            await LedgerTestDatabase.LoadAsync(connection, reforged.Skip(30));

        await VerifyBothWays([(FindingKind.WitnessNotInLedger, 32), (FindingKind.WitnessMismatch, 32),
            (FindingKind.WitnessNotInLedger, 40), (FindingKind.WitnessMismatch, 40)], withWitness: true);
    }

    /// <summary>
    /// Regression (issue 12): the verifier read checkpoint rows from their columns and ignored the stored text, while
    /// the proof and access-log readers refused a row whose text disagreed with its columns. One reader now: such a
    /// row is not a signed checkpoint anywhere, and the verifier reports its signature invalid.
    /// </summary>
    [Fact]
    public async Task CheckpointTextReplaced_ColumnsIntact_SignatureInvalid()
    {
        await db.ResetAsync(Clean, [Cp(8), Cp(16)]);
        await Tamper("UPDATE ledger.checkpoints SET text = replace(text, 'size 16', 'size 15') WHERE size = 16");
        await VerifyBothWays([(FindingKind.CheckpointSignatureInvalid, 16)]);
    }

    [Fact]
    public async Task CheckpointSignatureReplaced_SignatureInvalid()
    {
        await db.ResetAsync(Clean, [Cp(8), TestChain.Checkpoint(OtherSigner, Clean, 16)]);
        await VerifyBothWays([(FindingKind.CheckpointSignatureInvalid, 16)]);
    }

    [Fact]
    public async Task CheckpointRootReplaced_SignatureAndRootFail()
    {
        await db.ResetAsync(Clean, [Cp(8), Cp(16)]);
        await Tamper("UPDATE ledger.checkpoints SET root_hash = sha256('other'::bytea) WHERE size = 16");
        await VerifyBothWays([(FindingKind.CheckpointSignatureInvalid, 16), (FindingKind.CheckpointRootMismatch, 16)]);
    }

    [Fact]
    public async Task DanglingSupersedes_Found()
    {
        await db.ResetAsync(Clean);
        await Tamper("UPDATE ledger.events SET supersedes = '0190a000-0000-7000-8000-999999999999' WHERE seq = 25");
        await VerifyBothWays([(FindingKind.HashMismatch, 25), (FindingKind.DanglingSupersedes, 25)]);
    }

    [Fact]
    public async Task DanglingLineageInput_Found()
    {
        await db.ResetAsync(Clean);
        await Tamper("UPDATE ledger.events SET lineage_inputs = array['0190a000-0000-7000-8000-999999999999'::uuid] WHERE seq = 30");
        await VerifyBothWays([(FindingKind.HashMismatch, 30), (FindingKind.DanglingLineageInput, 30)]);
    }

    [Fact]
    public async Task LineageInputAfterOutput_Found()
    {
        await db.ResetAsync(Clean);
        await Tamper($"UPDATE ledger.events SET lineage_inputs = array['{TestChain.Id(35)}'::uuid] WHERE seq = 30");
        await VerifyBothWays([(FindingKind.HashMismatch, 30), (FindingKind.LineageInputAfterOutput, 30)]);
    }

    [Fact]
    public async Task LineageInputOfUnknownRuleVersion_Found()
    {
        // seq 30 was derived by rule-7 1.0.0, which the code does not have; seq 33 now names it as its input.
        await db.ResetAsync(Clean);
        await Tamper($"UPDATE ledger.events SET lineage_inputs = array['{TestChain.Id(30)}'::uuid], rule_id = 'tax.1099-B', rule_version = '2024.1' WHERE seq = 33");
        var result = await VerifyBothWays([(FindingKind.HashMismatch, 33), (FindingKind.LineageInputUnknownRule, 33)]);
        result.Findings[1].Actual.ShouldBe("rule rule-7 version 1.0.0");
    }

    [Fact]
    public async Task DuplicatedEventId_Found()
    {
        await db.ResetAsync(Clean);
        await Tamper($"UPDATE ledger.events SET event_id = '{TestChain.Id(2)}' WHERE seq = 31");
        await VerifyBothWays([(FindingKind.HashMismatch, 31), (FindingKind.Duplicate, 31)]);
    }

    [Fact]
    public async Task DuplicatedRowAppended_Found()
    {
        await db.ResetAsync(Clean);
        await Tamper("INSERT INTO ledger.events SELECT 41, event_id, stream_type, stream_id, stream_seq, occurred_at, recorded_at, actor, " +
                     "action, client_address, schema_version, payload, supersedes, lineage_inputs, rule_id, rule_version, " +
                     "idempotency_key, prev_hash, stream_prev_hash, hash FROM ledger.events WHERE seq = 12");
        await VerifyBothWays([(FindingKind.HashMismatch, 41), (FindingKind.Reordered, 41), (FindingKind.Duplicate, 41),
            (FindingKind.GlobalChainBroken, 41)]);
    }

    [Fact]
    public async Task StreamMode_QuotedStreamId_CleanThenGap()
    {
        await db.ResetAsync(Clean);
        var clean = await Runner().RunAsync(new VerificationRequest(Stream: Quirky), null, CancellationToken.None);
        clean.Rows.ShouldBe(4);
        clean.Findings.ShouldBeEmpty();

        await Tamper("DELETE FROM ledger.events WHERE seq = 20");
        var gap = await Runner().RunAsync(new VerificationRequest(Stream: Quirky), null, CancellationToken.None);
        gap.Findings.Select(f => (f.Kind, f.StreamSeq)).ShouldBe([(FindingKind.StreamSequenceGap, (long?)3)]);
    }

    [Fact]
    public async Task SubRange_LinksToStoredPredecessor()
    {
        await db.ResetAsync(Clean);
        var ok = await Runner().RunAsync(new VerificationRequest(From: 11, To: 30), null, CancellationToken.None);
        ok.Rows.ShouldBe(20);
        ok.Findings.ShouldBeEmpty();

        await Tamper("UPDATE ledger.events SET hash = sha256('x'::bytea) WHERE seq = 10");
        var broken = await Runner().RunAsync(new VerificationRequest(From: 11, To: 30), null, CancellationToken.None);
        broken.Findings.Select(f => (f.Kind, f.Seq)).ShouldBe([(FindingKind.GlobalChainBroken, (long?)11)]);
    }

    /// <summary>
    /// The COPY feed decodes each column from the binary COPY bytes and the record is written from those bytes: a change
    /// to any one column of one row is found at that row (its stored hash no longer matches), and nothing before it.
    /// </summary>
    [Theory]
    [InlineData(12, "event_id = '0190a000-0000-7000-8000-999999999998'")]
    [InlineData(12, "stream_type = 'accounts'")]
    [InlineData(12, "stream_id = stream_id || 'x'")]
    [InlineData(12, "occurred_at = occurred_at + interval '1 microsecond'")]
    [InlineData(12, "recorded_at = recorded_at - interval '1 microsecond'")]
    [InlineData(12, "actor = 'svc-ledgeR'")]
    [InlineData(12, "action = 'trade.executeD'")]
    [InlineData(12, "schema_version = 2")]
    [InlineData(12, "payload = replace(payload, '120', '121')")]
    [InlineData(12, "payload = replace(payload, 'EUR', 'E\\u0022R')")]
    [InlineData(12, "payload = replace(payload, 'EUR', 'EÜR')")]
    [InlineData(5, "client_address = '10.0.0.6'")]
    [InlineData(6, "idempotency_key = 'k-7'")]
    [InlineData(26, "supersedes = '0190a000-0000-7000-8000-000000000004'")]
    [InlineData(30, "lineage_inputs = array[lineage_inputs[2], lineage_inputs[1]]")]
    [InlineData(30, "rule_id = 'rule-8'")]
    [InlineData(30, "rule_version = '1.0.1'")]
    [InlineData(12, "prev_hash = stream_prev_hash")]
    [InlineData(12, "stream_prev_hash = prev_hash")]
    public async Task AnyColumnChanged_FoundAtItsSeq(long seq, string set)
    {
        await db.ResetAsync(Clean);
        await Tamper($"UPDATE ledger.events SET {set} WHERE seq = {seq}");

        var single = await Runner().RunAsync(new VerificationRequest(CheckReferences: false), null, CancellationToken.None);

        single.Findings.ShouldContain(f => f.Kind == FindingKind.HashMismatch && f.Seq == seq, string.Join("\n", single.Findings));
        single.Findings.ShouldAllBe(f => f.Seq >= seq, string.Join("\n", single.Findings));
        var parallel = await Runner().RunAsync(new VerificationRequest(Parallelism: 3, CheckReferences: false), null, CancellationToken.None);
        parallel.Findings.ShouldBe(single.Findings);
    }

    /// <summary>
    /// A checkpoint whose stream-head commitment is forged (right root, right signature, heads of the size before) is
    /// found by every run that reaches its size: the whole run, parallel ranges (each starts from the heads stored
    /// before it), and a run from a later seq; a run that ends before it, or starts after it, does not judge it.
    /// </summary>
    [Fact]
    public async Task ForgedStreamHeads_FoundByEveryRunThatCoversThem()
    {
        var forged = Signer.Sign(new Checkpoint("ledger/test", 32, TestChain.Root(Clean, 32), TestChain.Epoch.AddDays(1),
            TestChain.StreamHeadsReference(Clean, 31)));
        await db.ResetAsync(Clean, [V2(8), V2(16), forged, V2(40)]);

        await VerifyBothWays([(FindingKind.StreamHeadsMismatch, 32)]);
        foreach (var from in new long[] { 2, 17, 20, 32 })
        {
            var partial = await Runner().RunAsync(new VerificationRequest(From: from), null, CancellationToken.None);
            partial.Findings.Select(f => (f.Kind, f.Seq)).ShouldBe([(FindingKind.StreamHeadsMismatch, (long?)32)], $"from {from}");
        }
        (await Runner().RunAsync(new VerificationRequest(From: 33), null, CancellationToken.None)).Findings.ShouldBeEmpty();
        (await Runner().RunAsync(new VerificationRequest(From: 20, To: 31), null, CancellationToken.None)).Findings.ShouldBeEmpty();
        // The honest commitments are judged the same way: a run from seq 20 finds nothing wrong with them.
        await db.ResetAsync(Clean, [V2(8), V2(16), V2(32), V2(40)]);
        (await Runner().RunAsync(new VerificationRequest(From: 20), null, CancellationToken.None)).Findings.ShouldBeEmpty();
    }

    public void Dispose()
    {
        if (Directory.Exists(witnessPath))
            Directory.Delete(witnessPath, recursive: true);
    }
}
