using System.Text;
using AuditPortal.Data.Requests;

namespace AuditPortal.Data.Timeline;

/// <summary>
/// Text search in payloads without ever looking inside personal-data envelopes.
/// </summary>
/// <remarks>
/// <para>Personal fields are stored as envelopes <c>{"enc":"A256GCM","iv":…,"ct":…,"sub":…}</c>
/// (docs/ledger-format.md §7): the clear value is not in the ledger at all, and the envelope's own
/// strings (algorithm, base64, subject id) are not meaningful text. The searchable text of a payload is
/// <c>ledger.payload_text(payload)</c> (migration V003), stored with each event in the generated column
/// <c>search_text</c>: the string values selected by</para>
/// <code>lax $.** ? (@.type() == "object" &amp;&amp; !exists(@.enc)).* ? (@.type() == "string")</code>
/// <para>joined with U+001F: it visits every object of the payload that has no <c>enc</c> member, takes
/// its member values, and keeps those that are strings (lax mode unwraps arrays, so strings in an array
/// that is a member value count too; arrays nested directly in arrays do not — the demo domain has none).
/// Envelope objects are never selected, so none of their strings is indexed or matched. Member names,
/// numbers and booleans are not searched.</para>
/// <para>The predicate is <c>e.search_text ILIKE '%text%'</c> with <c>%</c>, <c>_</c> and
/// <c>\</c> escaped, so the text is a literal, case-insensitive substring of one string value (the separator
/// is a control character, which a search text may not contain). A GIN trigram index (<c>pg_trgm</c>) on
/// the column serves it; texts of fewer than three characters give the index nothing to narrow
/// and are slower (docs/performance.md).</para>
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

    /// <summary>The SQL predicate on the events alias <paramref name="alias"/>, given the parameter placeholder of <see cref="LikePattern"/>.</summary>
    public static string Predicate(string alias, string patternParameter) => $"{alias}.search_text ILIKE {patternParameter}";

    /// <summary>The ILIKE pattern that matches <paramref name="text"/> literally anywhere in a string value.</summary>
    public static string LikePattern(string text)
    {
        Check(text);
        var pattern = new StringBuilder(text.Length + 8).Append('%');
        foreach (var c in text)
        {
            if (c is '\\' or '%' or '_')
                pattern.Append('\\');
            pattern.Append(c);
        }
        return pattern.Append('%').ToString();
    }
}
