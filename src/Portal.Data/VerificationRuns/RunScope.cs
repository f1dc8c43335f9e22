using System.Globalization;
using AuditPortal.Data.Requests;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.VerificationRuns;

public enum RunScopeKind
{
    Whole,
    Range,
    Stream,

    /// <summary>The whole access log (the portal database's hash chain of queries), not the ledger.</summary>
    AccessLog,
}

/// <summary>What a verification run covers: the whole ledger, a seq range, or one stream.</summary>
public sealed record RunScope(RunScopeKind Kind, long? From = null, long? To = null, StreamKey? Stream = null)
{
    public static RunScope Whole { get; } = new(RunScopeKind.Whole);

    /// <summary>The whole access log (docs/access-log-review.md).</summary>
    public static RunScope AccessLog { get; } = new(RunScopeKind.AccessLog);

    public static RunScope ForRange(long from, long to)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(from, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(to, from);
        return new RunScope(RunScopeKind.Range, from, to);
    }

    /// <exception cref="Timeline.QueryValidationException">The type or id is not a name by <see cref="LedgerName"/>'s rule.</exception>
    public static RunScope ForStream(StreamKey stream)
    {
        LedgerName.Check("stream type", stream.Type ?? "");
        LedgerName.Check("stream id", stream.Id ?? "");
        return new(RunScopeKind.Stream, Stream: stream);
    }

    /// <summary>
    /// The scope of a start request (the form's <c>scope</c> = whole | range | stream, <c>from</c>, <c>to</c>,
    /// <c>stream</c> = type/id), or null and the reason: <c>from</c>/<c>to</c> by <see cref="RequestInteger"/>'s
    /// rule (so a number beyond 2^53 − 1 never reaches the access log), the stream's type and id by <see cref="LedgerName"/>'s.
    /// Fields of other scopes are ignored (the form always posts every field).
    /// </summary>
    public static RunScope? Parse(string? scope, string? from, string? to, string? stream, out string? problem)
    {
        problem = null;
        switch (scope)
        {
            case null or "" or "whole":
                return Whole;
            case "range":
                long last = 0;
                problem = RequestInteger.Check("from", from, 1, RequestInteger.MaxSafe, out long first)
                    ?? RequestInteger.Check("to", to, 1, RequestInteger.MaxSafe, out last);
                if (problem is null && last < first)
                    problem = string.Create(CultureInfo.InvariantCulture, $"to ({last}) must not be smaller than from ({first})");
                return problem is null ? ForRange(first, last) : null;
            case "stream":
                var text = stream?.Trim() ?? "";
                var slash = text.IndexOf('/', StringComparison.Ordinal);
                if (slash <= 0 || slash == text.Length - 1)
                {
                    problem = "A stream is written type/id, e.g. account/acc-000001.";
                    return null;
                }
                var key = new StreamKey(text[..slash], text[(slash + 1)..]);
                problem = LedgerName.Problem("stream type", key.Type) ?? LedgerName.Problem("stream id", key.Id);
                return problem is null ? ForStream(key) : null;
            default:
                problem = "The scope is whole, range or stream.";
                return null;
        }
    }

    /// <summary>Stable text for one-run-per-scope and the access log: <c>whole</c>, <c>range:1-100</c>, <c>stream:type/id</c>.</summary>
    public string Key => Kind switch
    {
        RunScopeKind.Whole => "whole",
        RunScopeKind.AccessLog => "access-log",
        RunScopeKind.Range => string.Create(CultureInfo.InvariantCulture, $"range:{From}-{To}"),
        _ => $"stream:{Stream!.Value.Type}/{Stream.Value.Id}",
    };

    /// <summary>For people: a stored stream name (possibly from before names were checked) is shown through <see cref="LedgerName.ForDisplay"/>.</summary>
    public string Describe() => Kind switch
    {
        RunScopeKind.Whole => "whole ledger",
        RunScopeKind.AccessLog => "whole access log",
        RunScopeKind.Range => string.Create(CultureInfo.InvariantCulture, $"seq {From}–{To}"),
        _ => $"stream {LedgerName.ForDisplay($"{Stream!.Value.Type}/{Stream.Value.Id}")}",
    };

    internal string DbKind => Kind.ToString().ToLowerInvariant();

    internal static RunScopeKind ParseKind(string text) => text switch
    {
        "whole" => RunScopeKind.Whole,
        "range" => RunScopeKind.Range,
        "stream" => RunScopeKind.Stream,
        "accesslog" => RunScopeKind.AccessLog,
        _ => throw new FormatException($"unknown run scope '{text}'"),
    };
}
