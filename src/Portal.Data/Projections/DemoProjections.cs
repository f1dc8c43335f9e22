using System.Text.Json.Nodes;
using static AuditPortal.Data.Projections.ProjectionValues;

namespace AuditPortal.Data.Projections;

/// <summary>
/// <c>account</c> streams (docs/demo-domain.md): profile, KYC, status, positions per ISIN, cash as
/// last reported and running totals. Personal members stay envelopes (the gateway redacts them).
/// </summary>
public sealed class AccountProjection : IPayloadTextProjection
{
    public string StreamType => "account";
    public string Version => "account/1";

    // Members the trade and cash actions read, in the order of the arrays below.
    private static readonly string[] TradeMembers = ["isin", "quantity", "side", "amount", "commission", "trade_id"];
    private static readonly string[] CashMembers = ["amount", "balance_after", "currency", "corrects_action"];

    /// <summary>
    /// Trades and cash movements — nearly every event of an account — straight from the payload text; the rest
    /// (and any payload whose <c>currency</c> is neither a string nor null) through <see cref="Apply"/>.
    /// </summary>
    public bool TryApplyText(JsonObject state, ProjectionEvent e, string payloadJson)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(e);
        switch (e.Action)
        {
            case "trade.executed":
            case "trade.corrected":
            {
                var f = new PayloadField[TradeMembers.Length];
                if (!PayloadFields.TryRead(payloadJson, TradeMembers, f))
                    return false;
                Trade(state, f[0].Str, f[1].Dec, f[2].Str, f[3].Dec, f[4].Dec, f[5].Str);
                return true;
            }
            case "cash.deposited":
            case "cash.withdrawn":
            case "cash.fee_charged":
            case "cash.dividend_paid":
            case "cash.corrected":
            {
                var f = new PayloadField[CashMembers.Length];
                if (!PayloadFields.TryRead(payloadJson, CashMembers, f) || f[2].Kind == PayloadFieldKind.Other)
                    return false;
                var currency = f[2].Kind switch
                {
                    PayloadFieldKind.String => (JsonNode?)JsonValue.Create(f[2].Text),
                    _ => null, // absent or JSON null (absent is not taken at all)
                };
                Cash(state, CashTotal(e.Action, f[3].Str), f[0].Dec, f[1].Str, f[2].Kind != PayloadFieldKind.Absent, currency);
                return true;
            }
            default:
                return false;
        }
    }

    public JsonObject Initial() => new() { ["status"] = "unknown", ["positions"] = new JsonObject(), ["trade_count"] = 0 };

    public JsonObject Apply(JsonObject state, ProjectionEvent e, JsonObject p)
    {
        switch (e.Action)
        {
            case "account.opened":
                foreach (var name in new[] { "subject_id", "account_type", "base_currency", "status", "holder_name", "date_of_birth", "tax_id", "address", "entity_name" })
                    Take(state, p, name);
                state["opened_at"] = Iso(e.OccurredAt);
                break;
            case "account.kyc_verified":
                Take(state, p, "status");
                var kyc = Child(state, "kyc");
                Take(kyc, p, "document_type");
                Take(kyc, p, "document_number");
                Take(kyc, p, "checks");
                kyc["verified_at"] = Iso(e.OccurredAt);
                break;
            case "account.status_changed":
                Take(state, p, "to", "status");
                Take(state, p, "reason", "status_reason");
                break;
            case "account.address_changed":
                Take(state, p, "address");
                break;
            case "account.closed":
                Take(state, p, "status");
                var closed = Child(state, "closure");
                Take(closed, p, "reason");
                Take(closed, p, "final_balance");
                Take(closed, p, "positions_transferred_out");
                closed["closed_at"] = Iso(e.OccurredAt);
                break;
            case "trade.executed":
            case "trade.corrected":
                Trade(state, Str(p, "isin"), Dec(p, "quantity"), Str(p, "side"), Dec(p, "amount"), Dec(p, "commission"), Str(p, "trade_id"));
                break;
            case "cash.deposited":
            case "cash.withdrawn":
            case "cash.fee_charged":
            case "cash.dividend_paid":
            case "cash.corrected":
                var hasCurrency = p.ContainsKey("currency");
                var currency = p["currency"];
                p.Remove("currency");
                Cash(state, CashTotal(e.Action, Str(p, "corrects_action")), Dec(p, "amount"), Str(p, "balance_after"), hasCurrency, currency);
                break;
            default:
                return Unrecognized(state, e.Action, p);
        }
        return state;
    }

    // The folds below get the payload's values, read either from the parsed payload (Apply) or from its text
    // (TryApplyText), so both paths share one definition of what a trade or cash movement does to the state.

    private static void Trade(JsonObject state, string? isinText, decimal quantity, string? side, decimal amount, decimal commission, string? tradeId)
    {
        var isin = isinText ?? "?";
        var buy = side == "buy";
        var positions = Child(state, "positions");
        var held = Dec(positions[isin]) + (buy ? quantity : -quantity);
        if (held == 0)
            positions.Remove(isin);
        else
            positions[isin] = Whole(held);
        state["trade_count"] = Count(state, "trade_count") + 1;
        var totals = Child(state, "totals");
        AddMoney(totals, buy ? "bought" : "sold", amount);
        AddMoney(totals, "commissions", commission);
        state["last_trade_id"] = tradeId;
    }

    /// <summary>Which running total a cash action adds to.</summary>
    private static string CashTotal(string action, string? correctsAction) => action switch
    {
        "cash.withdrawn" => "withdrawals",
        "cash.fee_charged" => "fees",
        "cash.dividend_paid" => "dividends",
        // Applied in place of the deposit or fee it supersedes (see AsOfEngine), so it counts once.
        "cash.corrected" => correctsAction == "cash.fee_charged" ? "fees" : "deposits",
        _ => "deposits",
    };

    /// <param name="hasCurrency">The payload has a <c>currency</c> member (then <paramref name="currency"/>, detached, becomes <c>cash_currency</c>).</param>
    private static void Cash(JsonObject state, string total, decimal amount, string? balance, bool hasCurrency, JsonNode? currency)
    {
        AddMoney(Child(state, "totals"), total, amount);
        if (balance is not null)
            state["cash_balance"] = balance;
        if (hasCurrency)
            state["cash_currency"] = currency;
    }

    internal static string Iso(DateTime utc) => AuditPortal.Verification.Ledger.LedgerTime.ToText(utc);
}

/// <summary><c>instrument</c> streams: listing data, current name (with former names), the last declared dividend.</summary>
public sealed class InstrumentProjection : IProjection
{
    public string StreamType => "instrument";
    public string Version => "instrument/1";

    public JsonObject Initial() => new() { ["status"] = "unknown" };

    public JsonObject Apply(JsonObject state, ProjectionEvent e, JsonObject p)
    {
        switch (e.Action)
        {
            case "instrument.listed":
                foreach (var name in new[] { "isin", "name", "exchange", "asset_class", "currency", "reference_price" })
                    Take(state, p, name);
                state["status"] = "listed";
                break;
            case "instrument.dividend_declared":
                var dividend = new JsonObject();
                TakeAll(dividend, p);
                state["last_dividend"] = dividend;
                Increment(state, "dividends_declared");
                break;
            case "instrument.renamed":
                if (state["former_names"] is not JsonArray former)
                    state["former_names"] = former = [];
                former.Add(Str(p, "old_name"));
                Take(state, p, "new_name", "name");
                break;
            default:
                return Unrecognized(state, e.Action, p);
        }
        return state;
    }
}

/// <summary><c>tax_form</c> streams: the form as last issued (a correction replaces the issued form in place).</summary>
public sealed class TaxFormProjection : IProjection
{
    public string StreamType => "tax_form";
    public string Version => "tax_form/1";

    public JsonObject Initial() => new() { ["status"] = "not_issued" };

    public JsonObject Apply(JsonObject state, ProjectionEvent e, JsonObject p)
    {
        switch (e.Action)
        {
            case "tax_form.issued":
            case "tax_form.corrected":
                var form = new JsonObject { ["status"] = e.Action == "tax_form.corrected" ? "corrected" : "issued" };
                TakeAll(form, p);
                form["form_event_id"] = e.EventId.ToString("D");
                return form;
            default:
                return Unrecognized(state, e.Action, p);
        }
    }
}

/// <summary><c>proxy_vote</c> streams: the meeting, each account's current vote and the share tally per proposal.</summary>
public sealed class ProxyVoteProjection : IProjection
{
    public string StreamType => "proxy_vote";
    public string Version => "proxy_vote/1";

    private static readonly string[] Choices = ["abstain", "against", "for"];

    public JsonObject Initial() => new() { ["status"] = "unknown", ["votes"] = new JsonObject() };

    public JsonObject Apply(JsonObject state, ProjectionEvent e, JsonObject p)
    {
        switch (e.Action)
        {
            case "proxy_vote.meeting_announced":
                foreach (var name in new[] { "isin", "meeting_type", "meeting_date", "record_date", "proposals" })
                    Take(state, p, name);
                state["status"] = "open";
                break;
            case "proxy_vote.cast":
            case "proxy_vote.changed":
                var account = Str(p, "account_id") ?? "?";
                var vote = new JsonObject();
                Take(vote, p, "shares");
                Take(vote, p, "choices");
                Child(state, "votes")[account] = vote;
                Tally(state);
                break;
            case "proxy_vote.meeting_closed":
                state["status"] = "closed";
                Take(state, p, "votes_received");
                break;
            default:
                return Unrecognized(state, e.Action, p);
        }
        return state;
    }

    // Recomputed from the votes (ordinal account order), so a changed vote replaces, never adds.
    private static void Tally(JsonObject state)
    {
        var proposals = (state["proposals"] as JsonArray)?.Count ?? 0;
        var sums = new decimal[proposals, Choices.Length];
        foreach (var (_, node) in Child(state, "votes").OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            if (node is not JsonObject vote || vote["choices"] is not JsonArray choices)
                continue;
            var shares = Dec(vote["shares"]);
            for (var i = 0; i < Math.Min(proposals, choices.Count); i++)
            {
                var c = Array.IndexOf(Choices, choices[i] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : "");
                if (c >= 0)
                    sums[i, c] += shares;
            }
        }
        var tally = new JsonArray();
        for (var i = 0; i < proposals; i++)
        {
            var row = new JsonObject();
            for (var c = 0; c < Choices.Length; c++)
                row[Choices[c]] = Whole(sums[i, c]);
            tally.Add(row);
        }
        state["tally"] = tally;
    }
}

/// <summary><c>subject</c> streams: contact envelopes, locale, consent and erasure request.</summary>
public sealed class SubjectProjection : IProjection
{
    public string StreamType => "subject";
    public string Version => "subject/1";

    public JsonObject Initial() => new() { ["status"] = "unknown" };

    public JsonObject Apply(JsonObject state, ProjectionEvent e, JsonObject p)
    {
        switch (e.Action)
        {
            case "subject.registered":
                foreach (var name in new[] { "email", "phone", "locale", "marketing_opt_in" })
                    Take(state, p, name);
                state["status"] = "registered";
                break;
            case "subject.consent_updated":
                Take(state, p, "marketing_opt_in");
                break;
            case "subject.erasure_requested":
                var erasure = new JsonObject();
                TakeAll(erasure, p);
                erasure["requested_at"] = AccountProjection.Iso(e.OccurredAt);
                state["erasure"] = erasure;
                state["status"] = "erasure_requested";
                break;
            default:
                return Unrecognized(state, e.Action, p);
        }
        return state;
    }
}

/// <summary>Any other stream type: every payload member folded into the state, last writer (in replay order) wins.</summary>
public sealed class GenericProjection : IProjection
{
    public string StreamType => "*";
    public string Version => "generic/1";

    public JsonObject Initial() => [];

    public JsonObject Apply(JsonObject state, ProjectionEvent e, JsonObject p)
    {
        TakeAll(state, p);
        return state;
    }
}

/// <summary>The projection for each stream type of the demo domain; <see cref="GenericProjection"/> for any other.</summary>
public sealed class ProjectionCatalog
{
    private readonly Dictionary<string, IProjection> byType;
    private readonly IProjection fallback;

    public ProjectionCatalog(IEnumerable<IProjection> projections, IProjection fallback)
    {
        byType = projections.ToDictionary(p => p.StreamType, StringComparer.Ordinal);
        this.fallback = fallback;
    }

    public static ProjectionCatalog Demo { get; } = new(
        [new AccountProjection(), new InstrumentProjection(), new TaxFormProjection(), new ProxyVoteProjection(), new SubjectProjection()],
        new GenericProjection());

    public IProjection For(string streamType) => byType.TryGetValue(streamType, out var p) ? p : fallback;
}
