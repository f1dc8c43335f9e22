using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AuditPortal.Data.Appending;
using System.Text.Json;
using AuditPortal.Verification.Canonical;
using AuditPortal.Verification.Ledger;

namespace AuditPortal.Data.PersonalData;

/// <summary>
/// The personal-data envelope of docs/ledger-format.md §7: AES-256-GCM with the subject's key,
/// plaintext = UTF-8 canonical JSON of the value, AAD = UTF-8(subject ‖ LF ‖ field name).
/// </summary>
/// <remarks>
/// IVs are 12 random bytes per envelope. <paramref name="ivSource"/> exists only so the demo
/// generator can produce byte-identical ledgers; production must use the default (random IVs):
/// reusing an IV under one key breaks GCM.
/// </remarks>
public sealed class PersonalDataCipher(Func<byte[]>? ivSource = null)
{
    public const string Algorithm = PersonalDataEnvelope.Algorithm;
    public const int KeySize = 32;
    public const int IvSize = PersonalDataEnvelope.IvSize;
    public const int TagSize = PersonalDataEnvelope.TagSize;

    private static readonly byte[] AlgorithmUtf8 = Encoding.ASCII.GetBytes(Algorithm);

    private readonly Func<byte[]> ivSource = ivSource ?? (() => RandomNumberGenerator.GetBytes(IvSize));

    /// <summary>Encrypts <paramref name="value"/> (any JSON value, including null) into an envelope object.</summary>
    public JsonObject Encrypt(string subjectId, string fieldName, JsonNode? value, ReadOnlySpan<byte> key)
    {
        using var aes = CreateAes(key);
        return Encrypt(subjectId, fieldName, value, aes);
    }

    /// <summary>
    /// As <see cref="Encrypt(string, string, JsonNode?, ReadOnlySpan{byte})"/> with the subject's key already
    /// expanded (<see cref="CreateAes"/>). The envelope is the one <see cref="EncryptCanonical"/> writes.
    /// </summary>
    public JsonObject Encrypt(string subjectId, string fieldName, JsonNode? value, AesGcm key) =>
        JsonNode.Parse(EncryptCanonical(subjectId, fieldName, PayloadCanonicalizer.CanonicalizeUtf8(value), key))!.AsObject();

    /// <summary>
    /// Encrypts a value that is already canonical JSON (<paramref name="canonicalValue"/>, the plaintext as it
    /// is) and returns the envelope's canonical bytes, ready to take the value's place in a canonical payload.
    /// <paramref name="key"/> is the subject's expanded key (<see cref="CreateAes"/>): the appender encrypts many
    /// fields of one subject per batch, and expanding the key is a share of each encryption of these short values.
    /// </summary>
    public byte[] EncryptCanonical(string subjectId, string fieldName, ReadOnlySpan<byte> canonicalValue, AesGcm key)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        ArgumentException.ThrowIfNullOrEmpty(fieldName);
        ArgumentNullException.ThrowIfNull(key);
        var iv = ivSource();
        if (iv.Length != IvSize)
            throw new InvalidOperationException($"the IV source returned {iv.Length} bytes, want {IvSize}");
        var ct = new byte[canonicalValue.Length + TagSize];
        key.Encrypt(iv, canonicalValue, ct.AsSpan(0, canonicalValue.Length), ct.AsSpan(canonicalValue.Length), Aad(subjectId, fieldName));

        // Members in canonical order (ct, enc, iv, sub); base64 needs no escaping.
        var envelope = new ArrayBufferWriter<byte>(64 + Base64.GetMaxEncodedToUtf8Length(ct.Length) + (2 * subjectId.Length));
        envelope.Write("{\"ct\":\""u8);
        WriteBase64(envelope, ct);
        envelope.Write("\",\"enc\":\""u8);
        envelope.Write(AlgorithmUtf8);
        envelope.Write("\",\"iv\":\""u8);
        WriteBase64(envelope, iv);
        envelope.Write("\",\"sub\":"u8);
        JsonCanonicalizer.WriteString(envelope, subjectId);
        envelope.Write("}"u8);
        return envelope.WrittenSpan.ToArray();
    }

    private static void WriteBase64(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> data)
    {
        var span = output.GetSpan(Base64.GetMaxEncodedToUtf8Length(data.Length));
        Base64.EncodeToUtf8(data, span, out _, out var written);
        output.Advance(written);
    }

    /// <summary>The AES-GCM instance for a 32-byte subject key, with the envelope's tag size; the caller disposes it.</summary>
    public static AesGcm CreateAes(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
            throw new ArgumentException($"subject keys are {KeySize} bytes, got {key.Length}", nameof(key));
        return new AesGcm(key, TagSize);
    }

    /// <summary>
    /// Opens an envelope stored under <paramref name="fieldName"/>. <paramref name="key"/> is null when
    /// the key store no longer holds the subject's key (crypto-shredded).
    /// </summary>
    public static PersonalValue Decrypt(JsonNode? envelope, string fieldName, byte[]? key)
    {
        if (!TryReadEnvelope(envelope, out var subject, out var iv, out var ct, out var problem))
            return PersonalValue.Invalid(subject, problem);
        if (key is null)
            return PersonalValue.Erased(subject);
        if (key.Length != KeySize)
            return PersonalValue.Invalid(subject, $"subject key is {key.Length} bytes, want {KeySize}");
        var plaintext = new byte[ct.Length - TagSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(iv, ct.AsSpan(0, plaintext.Length), ct.AsSpan(plaintext.Length), plaintext, Aad(subject, fieldName));
        }
        catch (AuthenticationTagMismatchException)
        {
            return PersonalValue.Invalid(subject, "authentication failed: wrong key, field name or subject, or the ciphertext was altered");
        }
        try
        {
            return PersonalValue.Decrypted(subject, JsonNode.Parse(plaintext));
        }
        catch (System.Text.Json.JsonException ex)
        {
            return PersonalValue.Invalid(subject, "decrypted plaintext is not JSON: " + ex.Message);
        }
    }

    /// <summary>The subject of an envelope, or null when <paramref name="node"/> is not an envelope.</summary>
    public static string? SubjectOf(JsonNode? node) =>
        TryReadEnvelope(node, out var subject, out _, out _, out _) ? subject : null;

    // The shape is the format's one envelope rule (PersonalDataEnvelope, docs/ledger-format.md §7), which the verifier checks too.
    private static bool TryReadEnvelope(JsonNode? node, out string subject, out byte[] iv, out byte[] ct, out string problem)
    {
        subject = "";
        iv = [];
        ct = [];
        if (node is not JsonObject obj)
        {
            problem = "not an envelope object";
            return false;
        }
        // The rule's marker, read on the node: every object of a payload is asked, and only envelopes are worth
        // the copy into a JsonElement that the shape rule reads.
        if (!obj.ContainsKey(PersonalDataEnvelope.Marker))
        {
            problem = "not an envelope: no enc member";
            return false;
        }
        var element = JsonSerializer.SerializeToElement(obj);
        subject = Text(obj, "sub") ?? "";
        if (PersonalDataEnvelope.ShapeProblem(element) is { } shape)
        {
            problem = shape;
            return false;
        }
        iv = StrictBase64.TryDecode(Text(obj, "iv")!, out _)!;
        ct = StrictBase64.TryDecode(Text(obj, "ct")!, out _)!;
        problem = "";
        return true;
    }

    private static string? Text(JsonObject obj, string name) =>
        obj.TryGetPropertyValue(name, out var v) && v is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    private static byte[] Aad(string subjectId, string fieldName) => Encoding.UTF8.GetBytes(subjectId + "\n" + fieldName);
}

/// <summary>What opening a personal-data envelope gave.</summary>
public enum PersonalValueStatus
{
    /// <summary>The plaintext value is in <see cref="PersonalValue.Value"/>.</summary>
    Decrypted,

    /// <summary>The subject's key was destroyed: the value is unrecoverable (crypto-shredded).</summary>
    Erased,

    /// <summary>The envelope is malformed or failed authentication; see <see cref="PersonalValue.Problem"/>.</summary>
    Invalid,
}

/// <summary>The outcome of <see cref="PersonalDataCipher.Decrypt"/>.</summary>
public sealed record PersonalValue(PersonalValueStatus Status, string SubjectId, JsonNode? Value, string? Problem)
{
    public static PersonalValue Decrypted(string subjectId, JsonNode? value) => new(PersonalValueStatus.Decrypted, subjectId, value, null);
    public static PersonalValue Erased(string subjectId) => new(PersonalValueStatus.Erased, subjectId, null, null);
    public static PersonalValue Invalid(string subjectId, string problem) => new(PersonalValueStatus.Invalid, subjectId, null, problem);
}
