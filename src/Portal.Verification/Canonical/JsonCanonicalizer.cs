using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AuditPortal.Verification.Canonical;

/// <summary>
/// The JSON Canonicalization Scheme, RFC 8785: turns any I-JSON text into its canonical UTF-8 bytes
/// (members sorted by UTF-16 code units, no whitespace, minimal string escaping, ECMAScript numbers).
/// </summary>
/// <remarks>
/// Inputs outside the I-JSON domain are rejected with <see cref="CanonicalJsonException"/>: invalid JSON,
/// duplicate member names (compared after unescaping), lone surrogates, numbers that overflow a double.
/// </remarks>
public static partial class JsonCanonicalizer
{
    private const int MaxDepth = 256;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Returns the canonical UTF-8 bytes of the JSON text <paramref name="json"/>.</summary>
    /// <exception cref="CanonicalJsonException">The text is not canonicalizable JSON.</exception>
    public static byte[] Canonicalize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (IndexOfLoneSurrogate(json) is var lone and >= 0)
        {
            throw new CanonicalJsonException(string.Create(CultureInfo.InvariantCulture, $"lone surrogate at position {lone} of the JSON text"));
        }

        return Canonicalize(StrictUtf8.GetBytes(json));
    }

    /// <summary>Returns the canonical UTF-8 bytes of the UTF-8 JSON text <paramref name="utf8Json"/>.</summary>
    /// <exception cref="CanonicalJsonException">The text is not canonicalizable JSON.</exception>
    public static byte[] Canonicalize(ReadOnlySpan<byte> utf8Json)
    {
        var output = new ArrayBufferWriter<byte>(Math.Max(utf8Json.Length, 16));
        Canonicalize(utf8Json, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Writes the canonical UTF-8 bytes of <paramref name="utf8Json"/> to <paramref name="output"/>.</summary>
    /// <exception cref="CanonicalJsonException">The text is not canonicalizable JSON; output may hold a partial result.</exception>
    public static void Canonicalize(ReadOnlySpan<byte> utf8Json, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
            MaxDepth = MaxDepth,
        });
        try
        {
            if (!reader.Read())
            {
                throw new CanonicalJsonException("empty input: no JSON value");
            }

            WriteValue(ref reader, output);
            if (reader.Read())
            {
                throw new CanonicalJsonException("trailing content after the JSON value");
            }
        }
        catch (JsonException e)
        {
            throw new CanonicalJsonException($"not JSON: {e.Message}", e);
        }
    }

    /// <summary>True when <paramref name="json"/> is valid JSON and already in canonical form, byte for byte.</summary>
    public static bool IsCanonical(ReadOnlySpan<byte> json)
    {
        var output = new ArrayBufferWriter<byte>(Math.Max(json.Length, 16));
        try
        {
            Canonicalize(json, output);
        }
        catch (CanonicalJsonException)
        {
            return false;
        }

        return output.WrittenSpan.SequenceEqual(json);
    }

    /// <summary>Writes <paramref name="value"/> as a JCS number (see <see cref="EcmaScriptNumber.Format"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">NaN or ±Infinity.</exception>
    public static void WriteNumber(IBufferWriter<byte> output, double value)
    {
        ArgumentNullException.ThrowIfNull(output);
        string text = EcmaScriptNumber.Format(value);
        var destination = output.GetSpan(text.Length);
        output.Advance(Encoding.ASCII.GetBytes(text, destination));
    }

    private static void WriteValue(ref Utf8JsonReader reader, IBufferWriter<byte> output)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                WriteObject(ref reader, output);
                break;
            case JsonTokenType.StartArray:
                output.Write("["u8);
                bool first = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (!first)
                    {
                        output.Write(","u8);
                    }

                    first = false;
                    WriteValue(ref reader, output);
                }

                output.Write("]"u8);
                break;
            case JsonTokenType.String:
                WriteString(output, ReadString(ref reader));
                break;
            case JsonTokenType.Number:
                WriteNumber(output, ReadNumber(ref reader));
                break;
            case JsonTokenType.True:
                output.Write("true"u8);
                break;
            case JsonTokenType.False:
                output.Write("false"u8);
                break;
            case JsonTokenType.Null:
                output.Write("null"u8);
                break;
            default:
                throw new CanonicalJsonException(string.Create(CultureInfo.InvariantCulture, $"unexpected token {reader.TokenType} at byte {reader.TokenStartIndex}"));
        }
    }

    private static void WriteObject(ref Utf8JsonReader reader, IBufferWriter<byte> output)
    {
        var members = new List<KeyValuePair<string, byte[]>>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            long position = reader.TokenStartIndex;
            string name = ReadString(ref reader);
            if (!names.Add(name))
            {
                throw new CanonicalJsonException(string.Create(CultureInfo.InvariantCulture, $"duplicate member name \"{name}\" at byte {position}"));
            }

            reader.Read();
            var value = new ArrayBufferWriter<byte>();
            WriteValue(ref reader, value);
            members.Add(new(name, value.WrittenSpan.ToArray()));
        }

        // RFC 8785 §3.2.3: names compared as arrays of UTF-16 code units, which is ordinal comparison.
        members.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        output.Write("{"u8);
        for (int i = 0; i < members.Count; i++)
        {
            if (i > 0)
            {
                output.Write(","u8);
            }

            WriteString(output, members[i].Key);
            output.Write(":"u8);
            output.Write(members[i].Value);
        }

        output.Write("}"u8);
    }

    // Reads a string or property name token to UTF-16, strictly: invalid UTF-8 and lone surrogates
    // (raw or escaped) are errors, not replaced.
    private static string ReadString(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        string value;
        try
        {
            value = reader.ValueIsEscaped ? Unescape(raw) : StrictUtf8.GetString(raw);
        }
        catch (DecoderFallbackException e)
        {
            throw new CanonicalJsonException(string.Create(CultureInfo.InvariantCulture, $"invalid UTF-8 in string at byte {reader.TokenStartIndex}"), e);
        }

        int lone = IndexOfLoneSurrogate(value);
        if (lone >= 0)
        {
            throw new CanonicalJsonException(string.Create(
                CultureInfo.InvariantCulture,
                $"lone surrogate U+{(int)value[lone]:X4} in string at byte {reader.TokenStartIndex}: not Unicode text (RFC 8785 §3.2.2.2)"));
        }

        return value;
    }

    // The reader has validated the escape syntax; this resolves it without substituting anything.
    private static string Unescape(ReadOnlySpan<byte> raw)
    {
        var builder = new StringBuilder(raw.Length);
        while (!raw.IsEmpty)
        {
            int backslash = raw.IndexOf((byte)'\\');
            if (backslash < 0)
            {
                builder.Append(StrictUtf8.GetString(raw));
                break;
            }

            builder.Append(StrictUtf8.GetString(raw[..backslash]));
            byte kind = raw[backslash + 1];
            raw = raw[(backslash + 2)..];
            switch (kind)
            {
                case (byte)'"': builder.Append('"'); break;
                case (byte)'\\': builder.Append('\\'); break;
                case (byte)'/': builder.Append('/'); break;
                case (byte)'b': builder.Append('\b'); break;
                case (byte)'f': builder.Append('\f'); break;
                case (byte)'n': builder.Append('\n'); break;
                case (byte)'r': builder.Append('\r'); break;
                case (byte)'t': builder.Append('\t'); break;
                case (byte)'u':
                    builder.Append((char)int.Parse(raw[..4], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                    raw = raw[4..];
                    break;
                default:
                    throw new CanonicalJsonException($"invalid escape \\{(char)kind}");
            }
        }

        return builder.ToString();
    }

    private static double ReadNumber(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        double value = double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!double.IsFinite(value))
        {
            throw new CanonicalJsonException(string.Create(
                CultureInfo.InvariantCulture,
                $"number {Encoding.ASCII.GetString(raw)} at byte {reader.TokenStartIndex} is outside the IEEE 754 double range"));
        }

        return value;
    }
}
