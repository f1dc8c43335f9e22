namespace AuditPortal.Data.Demo;

// Bounded run state. Per-account state is capped by DemoOptions.AccountCap; everything else
// (follow-ups, open meetings, issued forms awaiting re-issue) lives in fixed-size structures.

internal sealed class DemoActor(string name, string? address, string? keyPrefix)
{
    public string Name { get; } = name;
    public string? Address { get; } = address;
    private long issued;

    /// <summary>Services key every write (<c>order-router:17</c>); people retry by hand and send none.</summary>
    public string? NextIdempotencyKey() => keyPrefix is null ? null : keyPrefix + ":" + DemoMoney.Integer(++issued);
}

internal sealed class DemoInstrument
{
    public required string Isin;
    public required string Name;
    public required string Exchange;
    public long Price;
    public Guid? DividendDeclaration;
    public long DividendPerShare;
    public int Meetings;
}

internal sealed class DemoAccount
{
    public required int Number;
    public required string Id;
    public required string SubjectId;
    public required bool Hot;
    public required string HolderName;
    public required string TaxId;
    public required int[] Universe;
    public required long[] Positions;
    public long Cash;
    public bool KycVerified;
    public bool Restricted;
    public bool Closed;
    public int ActiveIndex = -1;

    // Trades not yet on a tax form, for the year TaxYear; null when none are pending.
    public List<DemoTradeLot>? TaxLots;
    public int TaxYear;
    public int TaxTarget;
    public int LastFormYear;
}

/// <summary>A trade as it currently stands: a correction replaces Id, Price and Amount in place.</summary>
internal sealed class DemoTradeLot
{
    public required DemoAccount Account;
    public required Guid Id;
    public required string TradeId;
    public required int Slot;
    public required bool Sell;
    public required long Quantity;
    public required long Price;
    public required long Amount;
    public required long Commission;
    /// <summary>trade.executed, or trade.corrected once a correction replaced it.</summary>
    public string Action = "trade.executed";
}

internal sealed class DemoCashMovement
{
    public required DemoAccount Account;
    public required Guid Id;
    public required string Action;
    public required string Reference;
    public required long Amount;
}

internal sealed class DemoTaxForm
{
    public required DemoAccount Account;
    public required string StreamId;
    public required int Year;
    public required DemoTradeLot[] Lots;
    public Guid Id;
    public int Version;
}

internal sealed class DemoMeeting
{
    public required DemoInstrument Instrument;
    public required int InstrumentIndex;
    public required string StreamId;
    public required string[] Proposals;
    public required int Target;
    public int Votes;
    public bool Closed;
}

internal sealed class DemoVote
{
    public required DemoMeeting Meeting;
    public required DemoAccount Account;
    public required Guid Id;
    public required long Shares;
}

internal enum FollowUpKind { TradeCorrection, CashCorrection, TaxReissue, VoteChange }

internal readonly record struct DemoFollowUp(FollowUpKind Kind, object Target);
