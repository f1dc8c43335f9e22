using System.Globalization;
using System.Text;
using System.Text.Json;
using AuditPortal.Verification.StrictJson;

namespace AuditPortal.Verification.Ledger;

/// <summary>One broken record rule: which rule, which member, what was there and what the rule wants.</summary>
public sealed record RecordViolation(string Rule, string Member, string Got, string Want)
{
    public string Message => $"{Member}: got {Got}, want {Want}";
}

/// <summary>The members of a record the offline checks link with each other (chains, stream, position).</summary>
public sealed record RecordFields(long Seq, string StreamType, string StreamId, long StreamSeq, byte[] PrevHash, byte[] StreamPrevHash);

/// <summary>
/// Every rule of docs/ledger-format.md §2 that one record can be checked against on its own: exactly the
/// eighteen members, their types, <c>v</c> = 1, UUIDs, timestamps, hashes, lineage, the zero hashes at
/// sequence 1 (and only there), and the shape of every personal-data envelope in the payload (§7).
/// Rules that link records (the chains, completeness) are the caller's: they need the neighbours.
/// </summary>
public static class RecordRules
{
    public const string Member = "record_member";
    public const string Type = "record_type";
    public const string Version = "record_version";
    public const string Uuid = "uuid";
    public const string Timestamp = "timestamp";
    public const string Hex = "hex";
    public const string ZeroHash = "zero_hash";
    public const string Lineage = "lineage";
    public const string Envelope = "envelope";
    public const string Json = "record_json";

    private static readonly string[] Members =
    [
        "action", "actor", "client_address", "event_id", "idempotency_key", "lineage", "occurred_at", "payload", "prev_hash",
        "recorded_at", "schema_version", "seq", "stream_id", "stream_prev_hash", "stream_seq", "stream_type", "supersedes", "v",
    ];

    /// <summary>
    /// Checks the record <paramref name="canonical"/> and reports each broken rule to <paramref name="report"/>.
    /// Returns the linking members when they could be read (even if other rules broke), else null.
    /// </summary>
    public static RecordFields? Check(string canonical, Action<RecordViolation> report)
    {
        ArgumentNullException.ThrowIfNull(canonical);
        ArgumentNullException.ThrowIfNull(report);
        var utf8 = Encoding.UTF8.GetBytes(canonical);
        try
        {
            StrictJsonReader.CheckDocument(utf8, signedIntegers: true);
        }
        catch (StrictJsonException ex)
        {
            report(new RecordViolation(ex.Rule == "duplicate_member" ? ex.Rule : Json, ex.Path, ex.Got, ex.Want));
            return null;
        }
        using var doc = JsonDocument.Parse(utf8);
        var r = doc.RootElement;
        if (r.ValueKind != JsonValueKind.Object)
        {
            report(new RecordViolation(Type, "$", Kind(r), "an object"));
            return null;
        }
        var present = r.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in Members.Where(m => !present.Contains(m)))
            report(new RecordViolation(Member, name, "absent", "present (absent values are null)"));
        foreach (var name in present.Where(p => !Members.Contains(p)).Order(StringComparer.Ordinal))
            report(new RecordViolation(Member, name, "a member §2 does not define", "only the eighteen members of §2"));

        if (Get(r, "v") is { } v && !(v.ValueKind == JsonValueKind.Number && v.GetRawText() == "1"))
            report(new RecordViolation(Version, "v", v.GetRawText(), "1"));
        var seq = Integer(r, "seq", 1, report);
        var streamSeq = Integer(r, "stream_seq", 1, report);
        Integer(r, "schema_version", 1, report);
        var streamType = String(r, "stream_type", nullable: false, report);
        var streamId = String(r, "stream_id", nullable: false, report);
        String(r, "actor", nullable: false, report);
        String(r, "action", nullable: false, report);
        String(r, "client_address", nullable: true, report);
        String(r, "idempotency_key", nullable: true, report);
        UuidMember(r, "event_id", nullable: false, report);
        UuidMember(r, "supersedes", nullable: true, report);
        TimestampMember(r, "occurred_at", report);
        TimestampMember(r, "recorded_at", report);
        CheckLineage(r, report);
        CheckPayload(r, report);
        var prevHash = HashMember(r, "prev_hash", seq, "seq", report);
        var streamPrevHash = HashMember(r, "stream_prev_hash", streamSeq, "stream_seq", report);

        return seq is { } s && streamSeq is { } ss && streamType is not null && streamId is not null && prevHash is not null && streamPrevHash is not null
            ? new RecordFields(s, streamType, streamId, ss, prevHash, streamPrevHash)
            : null;
    }

    /// <summary>True when <paramref name="text"/> is a UUID as the format writes it: 36 characters, lowercase hex, 8-4-4-4-12.</summary>
    public static bool IsUuid(string text)
    {
        if (text.Length != 36)
            return false;
        for (var i = 0; i < text.Length; i++)
        {
            var hyphen = i is 8 or 13 or 18 or 23;
            if (hyphen ? text[i] != '-' : !char.IsAsciiHexDigitLower(text[i]) && !char.IsAsciiDigit(text[i]))
                return false;
        }
        return true;
    }

    /// <summary>True when <paramref name="text"/> is a timestamp of §1: <c>YYYY-MM-DDTHH:MM:SS.ffffffZ</c>, a real UTC instant.</summary>
    public static bool IsTimestamp(string text) =>
        text.Length == LedgerTime.Length
        && DateTime.TryParseExact(text, LedgerTime.Format, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed)
        && LedgerTime.ToText(parsed) == text;

    private static JsonElement? Get(JsonElement r, string name) => r.TryGetProperty(name, out var value) ? value : null;

    private static long? Integer(JsonElement r, string name, long min, Action<RecordViolation> report)
    {
        if (Get(r, name) is not { } value)
            return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n >= min)
            return n;
        report(new RecordViolation(Type, name, value.GetRawText(), $"an integer ≥ {min}"));
        return null;
    }

    private static string? String(JsonElement r, string name, bool nullable, Action<RecordViolation> report)
    {
        if (Get(r, name) is not { } value)
            return null;
        if (value.ValueKind == JsonValueKind.String)
            return value.GetString();
        if (!(nullable && value.ValueKind == JsonValueKind.Null))
            report(new RecordViolation(Type, name, Kind(value), nullable ? "a string or null" : "a string"));
        return null;
    }

    private static void UuidMember(JsonElement r, string name, bool nullable, Action<RecordViolation> report)
    {
        if (Get(r, name) is not { } value || (nullable && value.ValueKind == JsonValueKind.Null))
            return;
        if (value.ValueKind != JsonValueKind.String || !IsUuid(value.GetString()!))
            report(new RecordViolation(Uuid, name, value.GetRawText(), "a lowercase UUID, 8-4-4-4-12 hex digits" + (nullable ? ", or null" : "")));
    }

    private static void TimestampMember(JsonElement r, string name, Action<RecordViolation> report)
    {
        if (Get(r, name) is { } value && (value.ValueKind != JsonValueKind.String || !IsTimestamp(value.GetString()!)))
            report(new RecordViolation(Timestamp, name, value.GetRawText(), "YYYY-MM-DDTHH:MM:SS.ffffffZ (UTC, six fractional digits)"));
    }

    private static void CheckLineage(JsonElement r, Action<RecordViolation> report)
    {
        if (Get(r, "lineage") is not { } lineage || lineage.ValueKind == JsonValueKind.Null)
            return;
        const string want = "null or {\"inputs\": [UUID, …], \"rule_id\": string, \"rule_version\": string}";
        if (lineage.ValueKind != JsonValueKind.Object
            || !lineage.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).SequenceEqual(["inputs", "rule_id", "rule_version"])
            || lineage.GetProperty("inputs").ValueKind != JsonValueKind.Array
            || lineage.GetProperty("rule_id").ValueKind != JsonValueKind.String
            || lineage.GetProperty("rule_version").ValueKind != JsonValueKind.String)
        {
            report(new RecordViolation(Lineage, "lineage", Truncated(lineage.GetRawText()), want));
            return;
        }
        var i = 0;
        foreach (var input in lineage.GetProperty("inputs").EnumerateArray())
        {
            if (input.ValueKind != JsonValueKind.String || !IsUuid(input.GetString()!))
                report(new RecordViolation(Uuid, $"lineage.inputs[{i}]", input.GetRawText(), "a lowercase UUID"));
            i++;
        }
    }

    private static void CheckPayload(JsonElement r, Action<RecordViolation> report)
    {
        if (Get(r, "payload") is not { } payload)
            return;
        if (payload.ValueKind != JsonValueKind.Object)
        {
            report(new RecordViolation(Type, "payload", Kind(payload), "an object"));
            return;
        }
        PersonalDataEnvelope.FindAll(payload, "payload", (path, envelope) =>
        {
            if (PersonalDataEnvelope.ShapeProblem(envelope) is { } problem)
                report(new RecordViolation(Envelope, path, problem, "an envelope of §7 (every payload object with an enc member is one)"));
        });
    }

    // prev_hash is 64 zeros exactly at seq 1, stream_prev_hash exactly at stream_seq 1 (a SHA-256 is never all zeros).
    private static byte[]? HashMember(JsonElement r, string name, long? position, string positionName, Action<RecordViolation> report)
    {
        if (Get(r, name) is not { } value)
            return null;
        byte[] hash;
        try
        {
            hash = HashHex.Parse(value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException());
        }
        catch (FormatException)
        {
            report(new RecordViolation(Hex, name, Truncated(value.GetRawText()), "64 lowercase hex characters"));
            return null;
        }
        var zero = hash.AsSpan().SequenceEqual(HashHex.Zero);
        if (position == 1 && !zero)
            report(new RecordViolation(ZeroHash, name, value.GetString()!, $"64 zeros at {positionName} 1"));
        else if (position > 1 && zero)
            report(new RecordViolation(ZeroHash, name, "64 zeros", $"the leaf hash of the previous event (only {positionName} 1 has 64 zeros)"));
        return hash;
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Number => "the number " + value.GetRawText(),
        JsonValueKind.String => "a string",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };

    private static string Truncated(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
