using AuditPortal.Data.Projections;
using AuditPortal.Verification.Ledger;
using static AuditPortal.Tests.Data.Projections.AsOfEngineTests;

namespace AuditPortal.Tests.Data.Projections;

public sealed class DemoProjectionTests
{
    private static readonly DateTime D0 = new(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    private static AsOfState Replay(string type, params ProjectionEvent[] events) =>
        AsOfEngine.Replay(new StreamKey(type, "x"), events, D0.AddDays(100), D0.AddDays(100), ProjectionCatalog.Demo.For(type));

    [Fact]
    public void ProxyVote_ChangedVoteReplacesCast_TallyCountsItOnce()
    {
        var s = Replay("proxy_vote",
            E(1, "proxy_vote.meeting_announced", D0, D0, """{"isin":"US1","meeting_date":"2024-04-01","meeting_type":"annual","proposals":["p1","p2"],"record_date":"2024-03-15"}"""),
            E(2, "proxy_vote.cast", D0.AddHours(1), D0.AddHours(1), """{"account_id":"acc-1","choices":["for","against"],"isin":"US1","shares":"100"}"""),
            E(3, "proxy_vote.cast", D0.AddHours(2), D0.AddHours(2), """{"account_id":"acc-2","choices":["for","for"],"isin":"US1","shares":"50"}"""),
            E(4, "proxy_vote.changed", D0.AddHours(3), D0.AddHours(3), """{"account_id":"acc-1","choices":["abstain","for"],"isin":"US1","shares":"100"}""", 2),
            E(5, "proxy_vote.meeting_closed", D0.AddHours(4), D0.AddHours(4), """{"isin":"US1","votes_received":2}"""));

        s.ProjectionVersion.ShouldBe("proxy_vote/1");
        s.Json.ShouldBe("""{"isin":"US1","meeting_date":"2024-04-01","meeting_type":"annual","proposals":["p1","p2"],"record_date":"2024-03-15","status":"closed","tally":[{"abstain":"100","against":"0","for":"50"},{"abstain":"0","against":"0","for":"150"}],"votes":{"acc-1":{"choices":["abstain","for"],"shares":"100"},"acc-2":{"choices":["for","for"],"shares":"50"}},"votes_received":2}""");
    }

    [Fact]
    public void TaxForm_Correction_ReplacesIssuedForm()
    {
        var s = Replay("tax_form",
            E(1, "tax_form.issued", D0, D0, """{"corrected":false,"form_type":"1099-B","proceeds":"100.00","tax_year":"2024"}"""),
            E(2, "tax_form.corrected", D0.AddDays(3), D0.AddDays(3), """{"corrected":true,"form_type":"1099-B","net_proceeds":"98.00","proceeds":"100.00","tax_year":"2024"}""", 1));

        var state = s.ToJsonObject();
        state["status"]!.GetValue<string>().ShouldBe("corrected");
        state["net_proceeds"]!.GetValue<string>().ShouldBe("98.00");
        state["form_event_id"]!.GetValue<string>().ShouldEndWith("000000000002");
    }

    [Fact]
    public void Instrument_RenameAndDividend()
    {
        var s = Replay("instrument",
            E(1, "instrument.listed", D0, D0, """{"asset_class":"equity","currency":"USD","exchange":"XNYS","isin":"US1","name":"Acme","reference_price":"10.0000"}"""),
            E(2, "instrument.renamed", D0.AddDays(1), D0.AddDays(1), """{"new_name":"Acme Corp","old_name":"Acme"}"""),
            E(3, "instrument.dividend_declared", D0.AddDays(2), D0.AddDays(2), """{"currency":"USD","ex_date":"2024-03-10","pay_date":"2024-03-20","per_share":"0.2500"}"""));

        s.Json.ShouldBe("""{"asset_class":"equity","currency":"USD","dividends_declared":1,"exchange":"XNYS","former_names":["Acme"],"isin":"US1","last_dividend":{"currency":"USD","ex_date":"2024-03-10","pay_date":"2024-03-20","per_share":"0.2500"},"name":"Acme Corp","reference_price":"10.0000","status":"listed"}""");
    }

    [Fact]
    public void Subject_ErasureRequested()
    {
        var s = Replay("subject",
            E(1, "subject.registered", D0, D0, """{"email":{"enc":"A256GCM"},"locale":"en-US","marketing_opt_in":true,"phone":{"enc":"A256GCM"}}"""),
            E(2, "subject.consent_updated", D0.AddDays(1), D0.AddDays(1), """{"marketing_opt_in":false}"""),
            E(3, "subject.erasure_requested", D0.AddDays(2), D0.AddDays(2), """{"legal_basis":"GDPR-17","retention":"none","scope":"personal_fields"}"""));

        s.Json.ShouldBe("""{"email":{"enc":"A256GCM"},"erasure":{"legal_basis":"GDPR-17","requested_at":"2024-03-03T00:00:00.000000Z","retention":"none","scope":"personal_fields"},"locale":"en-US","marketing_opt_in":false,"phone":{"enc":"A256GCM"},"status":"erasure_requested"}""");
    }

    [Fact]
    public void UnknownStreamType_GenericFoldLastWriterWins()
    {
        var s = Replay("widget",
            E(1, "widget.made", D0, D0, """{"colour":"red","size":3}"""),
            E(2, "widget.painted", D0.AddDays(1), D0.AddDays(1), """{"colour":"blue"}"""));

        s.ProjectionVersion.ShouldBe("generic/1");
        s.Json.ShouldBe("""{"colour":"blue","size":3}""");
    }

    [Fact]
    public void UnknownAction_KeptApartFromTypedState()
    {
        var s = Replay("account",
            E(1, "account.opened", D0, D0, """{"status":"pending_kyc"}"""),
            E(2, "account.frozen", D0.AddDays(1), D0.AddDays(1), """{"status":"frozen"}"""));

        var state = s.ToJsonObject();
        state["status"]!.GetValue<string>().ShouldBe("pending_kyc");
        state["unrecognized"]!["account.frozen"]!["status"]!.GetValue<string>().ShouldBe("frozen");
    }
}
