using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AuditPortal.Data.Timeline;

/// <summary>
/// One readable line per event, from its payload, for the demo domain's actions (docs/demo-domain.md);
/// any other action gets a generic line of its first scalar members. Only clear (non-envelope)
/// values are used, so a summary never carries personal data, whatever the caller may unmask.
/// </summary>
public static class TimelineSummaries
{
    private const int GenericMembers = 4;
    private const int MaxValueLength = 60;

    public static string Summarize(string action, string payloadJson)
    {
        JsonObject? payload;
        try
        {
            payload = JsonNode.Parse(payloadJson) as JsonObject;
        }
        catch (JsonException)
        {
            return action + " (payload is not JSON)";
        }
        return payload is null ? action : Summarize(action, payload);
    }

    public static string Summarize(string action, JsonObject p)
    {
        ArgumentNullException.ThrowIfNull(p);
        string S(string name) => Text(p, name) ?? "?";
        return action switch
        {
            "subject.registered" => $"Subject registered (locale {S("locale")}, marketing opt-in {S("marketing_opt_in")})",
            "subject.consent_updated" => $"Marketing consent set to {S("marketing_opt_in")}",
            "subject.erasure_requested" => $"Erasure requested ({S("legal_basis")}, scope {S("scope")})",
            "account.opened" => $"{Cap(S("account_type"))} account opened in {S("base_currency")}{(Text(p, "entity_name") is { } n ? " for " + n : "")}, status {S("status")}",
            "account.kyc_verified" => $"KYC verified by {S("document_type")}, status {S("status")}",
            "account.status_changed" => $"Status {S("from")} → {S("to")}: {S("reason")}",
            "account.address_changed" => $"Address changed via {S("channel")}",
            "account.closed" => $"Account closed ({S("reason")}), final balance {S("final_balance")}",
            "trade.executed" => $"{Cap(S("side"))} {S("quantity")} {S("isin")} @ {S("price")} = {S("amount")} {S("currency")} ({S("source")}, {S("venue")})",
            "trade.corrected" => $"Trade {S("trade_id")} corrected: {S("side")} {S("quantity")} {S("isin")} @ {S("price")} = {S("amount")} {S("currency")} ({S("reason")})",
            "cash.deposited" => $"Deposit {S("amount")} {S("currency")} by {S("method")}, balance {S("balance_after")}",
            "cash.withdrawn" => $"Withdrawal {S("amount")} {S("currency")} by {S("method")}, balance {S("balance_after")}",
            "cash.fee_charged" => $"Fee ({S("fee_type")}) {S("amount")} {S("currency")}, balance {S("balance_after")}",
            "cash.dividend_paid" => $"Dividend {S("amount")} {S("currency")} on {S("shares")} {S("isin")} @ {S("per_share")}, balance {S("balance_after")}",
            "cash.corrected" => $"{S("corrects_action")} {S("reference")} corrected: {S("previous_amount")} → {S("amount")} {S("currency")} ({S("reason")})",
            "instrument.listed" => $"{S("name")} ({S("isin")}) listed on {S("exchange")}, {S("asset_class")}, reference {S("reference_price")} {S("currency")}",
            "instrument.dividend_declared" => $"Dividend {S("per_share")} {S("currency")} per share declared, ex {S("ex_date")}, pay {S("pay_date")}",
            "instrument.renamed" => $"Renamed {S("old_name")} → {S("new_name")}",
            "tax_form.issued" => $"{S("form_type")} {S("tax_year")} issued: {S("trade_count")} trades, proceeds {S("proceeds")}, purchases {S("purchases")} {S("currency")}",
            "tax_form.corrected" => $"{S("form_type")} {S("tax_year")} corrected: {S("trade_count")} trades, proceeds {S("proceeds")}, net {S("net_proceeds")} {S("currency")}",
            "proxy_vote.meeting_announced" => $"{Cap(S("meeting_type"))} meeting of {S("isin")} on {S("meeting_date")} announced ({Count(p, "proposals")} proposals)",
            "proxy_vote.cast" => $"{S("account_id")} voted {S("shares")} shares: {Join(p, "choices")}",
            "proxy_vote.changed" => $"{S("account_id")} changed vote ({S("shares")} shares): {Join(p, "choices")}",
            "proxy_vote.meeting_closed" => $"Meeting closed with {S("votes_received")} votes",
            _ => Generic(action, p),
        };
    }

    /// <summary>"action: name=value, …" over the first scalar, non-envelope members in canonical (ordinal) order.</summary>
    public static string Generic(string action, JsonObject p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var line = new StringBuilder(action);
        var shown = 0;
        foreach (var (name, _) in p.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (Text(p, name) is not { } value)
                continue;
            line.Append(shown == 0 ? ": " : ", ").Append(name).Append('=').Append(value);
            if (++shown == GenericMembers)
                break;
        }
        return line.ToString();
    }

    /// <summary>A scalar member as text; null for objects (envelopes included), arrays, null and absent members.</summary>
    private static string? Text(JsonObject p, string name)
    {
        if (p[name] is not JsonValue value)
            return null;
        var text = value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => value.ToJsonString(),
            _ => null,
        };
        return text is { Length: > MaxValueLength } ? text[..MaxValueLength] + "…" : text;
    }

    private static string Count(JsonObject p, string name) =>
        (p[name] as JsonArray)?.Count.ToString(CultureInfo.InvariantCulture) ?? "?";

    private static string Join(JsonObject p, string name) =>
        p[name] is JsonArray array ? string.Join("/", array.Select(x => x is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "?")) : "?";

    private static string Cap(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
