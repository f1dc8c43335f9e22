using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace AuditPortal.Evidence.Pdf;

/// <summary>What the PDF signature check found: the signer, and the problem if there is one.</summary>
public sealed record PdfSignatureResult(string? Problem, X509Certificate2? Signer, DateTime? SigningTime, bool Timestamped)
{
    public bool Valid => Problem is null;
}

/// <summary>
/// Checks an evidence PDF's one signature (docs/evidence-pdf.md, "Signature"): exactly one <c>/ByteRange</c>; it
/// covers the whole file except the <c>/Contents</c> hex string (so no byte anywhere — appended, inserted or
/// changed — escapes it); the hex string holds a DER CMS SignedData and nothing but zero padding after it; and that
/// CMS signature verifies over the covered bytes (its message digest included). Trust in the signer's certificate is
/// a separate question: the result names the certificate.
/// </summary>
public static partial class PdfSignatureCheck
{
    [GeneratedRegex(@"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")]
    private static partial Regex ByteRangePattern();

    public static PdfSignatureResult Check(byte[] pdf)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        var text = Encoding.Latin1.GetString(pdf);
        var ranges = ByteRangePattern().Matches(text);
        if (ranges.Count != 1)
            return Fail(ranges.Count == 0 ? "the PDF has no signature (/ByteRange)" : $"the PDF has {ranges.Count} /ByteRange entries, want exactly 1");
        var r = ranges[0].Groups;
        if (!long.TryParse(r[1].Value, CultureInfo.InvariantCulture, out var start1) || !long.TryParse(r[2].Value, CultureInfo.InvariantCulture, out var length1)
            || !long.TryParse(r[3].Value, CultureInfo.InvariantCulture, out var start2) || !long.TryParse(r[4].Value, CultureInfo.InvariantCulture, out var length2))
            return Fail("the /ByteRange numbers are out of range");
        if (start1 != 0 || length1 <= 0 || start2 <= length1 || start2 + length2 != pdf.Length)
            return Fail($"the /ByteRange [{start1} {length1} {start2} {length2}] does not cover the whole file of {pdf.Length} bytes but for one hole");
        // The hole is exactly the /Contents hex string, delimiters included.
        if (pdf[length1] != (byte)'<' || pdf[start2 - 1] != (byte)'>')
            return Fail("the bytes the signature leaves out are not one hex string");
        var hex = text.Substring((int)length1 + 1, (int)(start2 - length1 - 2));
        byte[] contents;
        try { contents = Convert.FromHexString(hex); }
        catch (FormatException) { return Fail("the signature's /Contents is not hex"); }

        int derLength;
        try
        {
            AsnDecoder.ReadEncodedValue(contents, AsnEncodingRules.BER, out _, out _, out derLength);
        }
        catch (AsnContentException ex)
        {
            return Fail("the signature's /Contents is not a CMS structure: " + ex.Message);
        }
        if (contents.AsSpan(derLength).ContainsAnyExcept((byte)0))
            return Fail("the signature's /Contents has bytes other than zero padding after the CMS structure");

        var signed = new byte[length1 + length2];
        pdf.AsSpan(0, (int)length1).CopyTo(signed);
        pdf.AsSpan((int)start2, (int)length2).CopyTo(signed.AsSpan((int)length1));
        var cms = new SignedCms(new ContentInfo(signed), detached: true);
        try
        {
            cms.Decode(contents.AsSpan(0, derLength));
        }
        catch (CryptographicException ex)
        {
            return Fail("the signature's /Contents is not a CMS SignedData: " + ex.Message);
        }
        if (cms.SignerInfos.Count != 1)
            return Fail($"the CMS holds {cms.SignerInfos.Count} signers, want exactly 1");
        var signer = cms.SignerInfos[0];
        try
        {
            signer.CheckSignature(verifySignatureOnly: true);
        }
        catch (CryptographicException ex)
        {
            return new PdfSignatureResult("the signature does not verify over the signed bytes: the file was changed after signing (" + ex.Message + ")", signer.Certificate, null, false);
        }
        DateTime? signingTime = signer.SignedAttributes.OfType<CryptographicAttributeObject>()
            .SelectMany(a => a.Values.OfType<Pkcs9SigningTime>()).Select(t => (DateTime?)t.SigningTime.ToUniversalTime()).FirstOrDefault();
        var timestamped = signer.UnsignedAttributes.OfType<CryptographicAttributeObject>()
            .Any(a => a.Oid.Value == "1.2.840.113549.1.9.16.2.14"); // id-aa-signatureTimeStampToken (RFC 3161 appendix A)
        return new PdfSignatureResult(null, signer.Certificate, signingTime, timestamped);
    }

    private static PdfSignatureResult Fail(string problem) => new(problem, null, null, false);
}
