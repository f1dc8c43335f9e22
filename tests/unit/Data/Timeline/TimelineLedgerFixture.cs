using Microsoft.Extensions.Time.Testing;
using System.Globalization;
using System.Text.Json.Nodes;
using AuditPortal.Data.Appending;
using AuditPortal.Data.Replica;
using AuditPortal.Tests.Infrastructure;
using AuditPortal.Verification.Checkpoints;

namespace AuditPortal.Tests.Data.Timeline;

/// <summary>
/// A small demo-shaped ledger written with the real <see cref="LedgerAppender"/> (personal fields
/// encrypted, chains and a signed checkpoint), read through <see cref="ReplicaConnectionFactory"/>
/// as the SELECT-only reader role in read-only transactions, as the gateway does.
/// </summary>
public sealed class TimelineLedgerFixture : IAsyncLifetime
{
    public static readonly DateTime Base = new(2024, 3, 1, 9, 0, 0, DateTimeKind.Utc);
    public const string Account = "acc-000001";
    public const int Trades = 12;

    public PostgresFixture Db { get; } = new();
    public CheckpointSigner Signer { get; } = CheckpointSigner.Generate();
    public LedgerAppender Appender { get; private set; } = null!;
    public ReplicaConnectionFactory Replica { get; private set; } = null!;

    /// <summary>Event ids by name: "opened", "trade-1".."trade-12", "late", "correction", ….</summary>
    public Dictionary<string, Guid> Ids { get; } = [];

    private int minute;

    public async Task InitializeAsync()
    {
        await Db.InitializeAsync();
        Appender = new LedgerAppender(Db.DataSource(Db.WriterConnectionString), new FakeTimeProvider(Base),
            new AppenderOptions { Signer = Signer, CheckpointEveryEvents = 1_000_000, CheckpointEverySeconds = 1_000_000 });
        Replica = new ReplicaConnectionFactory(Db.ReaderConnectionString);

        var batch = new List<(string Name, NewEvent Event)>
        {
            ("registered", Ev("subject", "subj-000001", "svc:onboarding", "subject.registered",
                new JsonObject { ["email"] = "zebediah@example.com", ["phone"] = "+1-555-0100", ["locale"] = "en-US", ["marketing_opt_in"] = true },
                personal: ["email", "phone"])),
            ("opened", Ev("account", Account, "svc:onboarding", "account.opened",
                new JsonObject
                {
                    ["subject_id"] = "subj-000001", ["account_type"] = "individual", ["base_currency"] = "USD", ["status"] = "pending_kyc",
                    ["holder_name"] = "Zebediah Quux", ["tax_id"] = "912-70-1234",
                },
                personal: ["holder_name", "tax_id"])),
            ("deposit", Ev("account", Account, "svc:payments", "cash.deposited",
                new JsonObject { ["method"] = "wire", ["reference"] = "dep-1", ["amount"] = "10000.00", ["currency"] = "USD", ["balance_after"] = "10000.00" })),
        };
        for (var i = 1; i <= Trades; i++)
            batch.Add(($"trade-{i}", Ev("account", Account, "svc:order-router", "trade.executed", Trade(i, i % 2 == 1 ? "Börse Stuttgart" : "XNYS"))));
        batch.Add(("opened-2", Ev("account", "acc-000002", "svc:onboarding", "account.opened",
            new JsonObject { ["subject_id"] = "subj-000002", ["account_type"] = "individual", ["status"] = "pending_kyc", ["holder_name"] = "Ada Example" },
            personal: ["holder_name"], subject: "subj-000002")));
        batch.Add(("opened-10", Ev("account", "acc-000010", "svc:onboarding", "account.opened",
            new JsonObject { ["subject_id"] = "subj-000010", ["account_type"] = "institutional", ["entity_name"] = "Quux Capital", ["status"] = "pending_kyc" })));
        batch.Add(("listed", Ev("instrument", "US0000000001", "svc:custody-feed", "instrument.listed",
            new JsonObject { ["isin"] = "US0000000001", ["name"] = "Acme O'Brien \"Quoted\"; DROP TABLE x; --", ["exchange"] = "XNYS", ["currency"] = "USD" })));
        var late = Ev("account", Account, "svc:custody-feed", "trade.executed", Trade(99, "OTC"));
        batch.Add(("late", late with { OccurredAt = late.RecordedAt!.Value.AddDays(-30) }));
        await AppendAsync(batch);

        var corrected = Trade(2, "XNYS");
        corrected["price"] = "10.5000";
        corrected["amount"] = "105.00";
        corrected["reason"] = "venue price amendment";
        await AppendAsync([("correction", Ev("account", Account, "ops.jdoe", "trade.corrected", corrected) with { Supersedes = Ids["trade-2"] })]);
        await Appender.CreateCheckpointAsync();
    }

    public async Task AppendAsync(IReadOnlyList<(string Name, NewEvent Event)> events)
    {
        var results = await Appender.AppendAsync(events.Select(e => e.Event).ToList());
        for (var i = 0; i < events.Count; i++)
            Ids[events[i].Name] = results[i].EventId;
    }

    /// <summary>System time of the event appended <paramref name="n"/>-th (0-based): Base + n minutes.</summary>
    public static DateTime RecordedAt(int n) => Base.AddMinutes(n);

    public NewEvent Ev(string type, string id, string actor, string action, JsonObject payload, string[]? personal = null, string subject = "subj-000001")
    {
        var recorded = RecordedAt(minute++);
        return new NewEvent
        {
            StreamType = type,
            StreamId = id,
            OccurredAt = recorded.AddSeconds(-1),
            RecordedAt = recorded,
            Actor = actor,
            Action = action,
            Payload = payload,
            PersonalFields = (personal ?? []).Select(p => new PersonalField(p, subject)).ToList(),
        };
    }

    public static JsonObject Trade(int n, string venue) => new()
    {
        ["trade_id"] = "t-" + n.ToString(CultureInfo.InvariantCulture),
        ["isin"] = "US0000000001",
        ["side"] = "buy",
        ["quantity"] = "10",
        ["price"] = "10.0000",
        ["amount"] = "100.00",
        ["commission"] = "1.00",
        ["currency"] = "USD",
        ["venue"] = venue,
        ["source"] = "order",
    };

    public async Task DisposeAsync()
    {
        await Appender.DisposeAsync();
        await Replica.DisposeAsync();
        await Db.DisposeAsync();
    }
}
