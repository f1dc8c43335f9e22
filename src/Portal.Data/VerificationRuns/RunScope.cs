using System.Globalization;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.VerificationRuns;

public enum RunScopeKind
{
    Whole,
    Range,
    Stream,
}

/// <summary>What a verification run covers: the whole ledger, a seq range, or one stream.</summary>
public sealed record RunScope(RunScopeKind Kind, long? From = null, long? To = null, StreamKey? Stream = null)
{
    public static RunScope Whole { get; } = new(RunScopeKind.Whole);

    public static RunScope ForRange(long from, long to)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(from, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(to, from);
        return new RunScope(RunScopeKind.Range, from, to);
    }

    public static RunScope ForStream(StreamKey stream) => new(RunScopeKind.Stream, Stream: stream);

    /// <summary>Stable text for one-run-per-scope and the access log: <c>whole</c>, <c>range:1-100</c>, <c>stream:type/id</c>.</summary>
    public string Key => Kind switch
    {
        RunScopeKind.Whole => "whole",
        RunScopeKind.Range => string.Create(CultureInfo.InvariantCulture, $"range:{From}-{To}"),
        _ => $"stream:{Stream!.Value.Type}/{Stream.Value.Id}",
    };

    public string Describe() => Kind switch
    {
        RunScopeKind.Whole => "whole ledger",
        RunScopeKind.Range => string.Create(CultureInfo.InvariantCulture, $"seq {From}–{To}"),
        _ => $"stream {Stream!.Value.Type}/{Stream.Value.Id}",
    };

    internal string DbKind => Kind.ToString().ToLowerInvariant();

    internal static RunScopeKind ParseKind(string text) => text switch
    {
        "whole" => RunScopeKind.Whole,
        "range" => RunScopeKind.Range,
        "stream" => RunScopeKind.Stream,
        _ => throw new FormatException($"unknown run scope '{text}'"),
    };
}
