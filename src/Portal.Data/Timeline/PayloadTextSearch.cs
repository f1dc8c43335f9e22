using AuditPortal.Data.Requests;
using System.Text;

namespace AuditPortal.Data.Timeline;

/// <summary>
/// Text search in payloads without ever looking inside personal-data envelopes.
/// </summary>
/// <remarks>
/// <para>Personal fields are stored as envelopes <c>{"enc":"A256GCM","iv":…,"ct":…,"sub":…}</c>
/// (docs/ledger-format.md §7): the clear value is not in the ledger at all, and the envelope's own
/// strings (algorithm, base64, subject id) are not meaningful text. The search is one SQL/JSON path
/// predicate evaluated on <c>payload::jsonb</c>:</para>
/// <code>lax $.** ? (@.type() == "object" &amp;&amp; !exists(@.enc)).* ? (@.type() == "string" &amp;&amp; @ like_regex "…" flag "iq")</code>
/// <para>It visits every object of the payload that has no <c>enc</c> member, takes its member values,
/// and matches those that are strings (lax mode unwraps arrays, so strings in an array that is a
/// member value are matched too; arrays nested directly in arrays are not searched — the demo
/// domain has none). Envelope objects are never selected, so none of their strings is tested.
/// Flag <c>q</c> makes the pattern a literal (no regex metacharacters), <c>i</c> case-insensitive.
/// The pattern is embedded as a jsonpath string literal (only <c>\</c> and <c>"</c> need escaping;
/// control characters are refused), and the whole jsonpath is sent as a query parameter.</para>
/// <para>Member names, numbers and booleans are not searched. The predicate parses each candidate
/// payload, so text search is a filter over the rows the other criteria (or the time order) reach:
/// combine it with a stream, actor, action or window on large ledgers.</para>
/// </remarks>
public static class PayloadTextSearch
{
    internal static void Check(string text)
    {
        if (text.Length == 0 || string.IsNullOrWhiteSpace(text))
            throw new QueryValidationException("text", "text: must not be empty or blank");
        if (LedgerName.TextProblem("text", text, SearchRequest.MaxTextLength) is { } problem)
            throw new QueryValidationException("text", problem);
    }

    /// <summary>The jsonpath that matches <paramref name="text"/> in string values outside envelopes.</summary>
    public static string JsonPath(string text)
    {
        Check(text);
        var literal = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '\\' or '"')
                literal.Append('\\');
            literal.Append(c);
        }
        return "lax $.** ? (@.type() == \"object\" && !exists(@.enc)).* ? (@.type() == \"string\" && @ like_regex \""
            + literal + "\" flag \"iq\")";
    }
}
