namespace AuditPortal.Data.Demo;

/// <summary>Knobs of the demo ledger. Defaults give the data described in docs/demo-domain.md.</summary>
public sealed record DemoOptions
{
    /// <summary>Deployment name; the ledger's checkpoint origin is <c>ledger/&lt;Deployment&gt;</c>.</summary>
    public string Deployment { get; init; } = "demo";

    public string Origin => "ledger/" + Deployment;

    /// <summary>System time of the first event; recorded time advances from here.</summary>
    public DateTime Epoch { get; init; } = new(2024, 1, 2, 8, 0, 0, DateTimeKind.Utc);

    /// <summary>Recorded time advances by a uniform step in [min, max] per event (≥ 1 ms keeps UUIDv7 ids strictly increasing).</summary>
    public TimeSpan MinRecordedStep { get; init; } = TimeSpan.FromMilliseconds(50);
    public TimeSpan MaxRecordedStep { get; init; } = TimeSpan.FromMilliseconds(550);

    /// <summary>Accounts opened for a run of N events: min(BaseAccounts + N / EventsPerExtraAccount, AccountCap).</summary>
    public int AccountCap { get; init; } = 20_000;
    public int BaseAccounts { get; init; } = 1_000;
    public int EventsPerExtraAccount { get; init; } = 500;

    /// <summary>The first HotAccounts accounts (institutional desks) share HotShare of all account activity.</summary>
    public int HotAccounts { get; init; } = 3;
    public double HotShare { get; init; } = 0.25;

    public int Instruments { get; init; } = 40;

    /// <summary>Probability that a trade or cash movement is later corrected by a superseding event.</summary>
    public double CorrectionRate { get; init; } = 0.02;

    /// <summary>Probability that a dividend or custody-feed trade confirmation arrives 7–42 days after it occurred.</summary>
    public double LateArrivalRate { get; init; } = 0.03;

    /// <summary>Probability, per step, that a (non-hot) account is closed.</summary>
    public double AccountClosureRate { get; init; } = 0.0006;

    /// <summary>Share of closing customers who then request erasure (their subject key is crypto-shredded).</summary>
    public double ShreddedSubjectRate { get; init; } = 0.3;

    /// <summary>Probability that an issued tax form is re-issued under the next rule version.</summary>
    public double TaxReissueRate { get; init; } = 0.3;

    internal void Validate()
    {
        if (MinRecordedStep < TimeSpan.FromMilliseconds(1) || MaxRecordedStep < MinRecordedStep)
            throw new ArgumentException("recorded steps must be at least 1 ms and min ≤ max");
        if (AccountCap < HotAccounts + 10 || BaseAccounts < HotAccounts + 10 || EventsPerExtraAccount < 1)
            throw new ArgumentException("need room for at least ten ordinary accounts besides the hot ones");
        if (Instruments < 4)
            throw new ArgumentException("need at least four instruments");
        if (Epoch.Kind != DateTimeKind.Utc)
            throw new ArgumentException("the epoch must be UTC");
    }
}
