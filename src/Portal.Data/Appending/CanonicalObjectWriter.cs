using System.Buffers;
using AuditPortal.Verification.Canonical;

namespace AuditPortal.Data.Appending;

/// <summary>
/// Writes a flat JSON object of string members straight into canonical form (RFC 8785; the payload
/// column's bytes), without a <see cref="System.Text.Json.Nodes.JsonObject"/> tree. Members may come in any
/// order; <see cref="ToPayload"/> sorts them by name (UTF-16 code units) as canonical form requires.
/// </summary>
/// <remarks>
/// For the demo generator's most frequent events (trades and cash movements, nine in ten): building a tree
/// for each and canonicalizing it was a large share of `ledger seed`'s client CPU (docs/performance.md §1).
/// One instance is reused per thread of writing; <see cref="ToPayload"/> starts it over.
/// Tests check that it gives the same bytes as canonicalizing the same object.
/// </remarks>
internal sealed class CanonicalObjectWriter
{
    private readonly ArrayBufferWriter<byte> values = new(512);
    private readonly ArrayBufferWriter<byte> output = new(1024);
    private readonly List<(string Name, int Start, int Length)> members = [];

    public CanonicalObjectWriter String(string name, string value)
    {
        var start = values.WrittenCount;
        JsonCanonicalizer.WriteString(values, value);
        members.Add((name, start, values.WrittenCount - start));
        return this;
    }

    /// <summary>The object written so far, as a payload; the writer is empty again afterwards.</summary>
    /// <exception cref="ArgumentException">Two members have the same name.</exception>
    public EventPayload ToPayload()
    {
        try
        {
            members.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            output.ResetWrittenCount();
            output.Write("{"u8);
            for (var i = 0; i < members.Count; i++)
            {
                var (name, start, length) = members[i];
                if (i > 0)
                {
                    if (string.Equals(members[i - 1].Name, name, StringComparison.Ordinal))
                        throw new ArgumentException($"member '{name}' is written twice");
                    output.Write(","u8);
                }
                JsonCanonicalizer.WriteString(output, name);
                output.Write(":"u8);
                output.Write(values.WrittenSpan.Slice(start, length));
            }
            output.Write("}"u8);
            return EventPayload.FromCanonicalUtf8(output.WrittenSpan.ToArray());
        }
        finally
        {
            members.Clear();
            values.ResetWrittenCount();
        }
    }
}
