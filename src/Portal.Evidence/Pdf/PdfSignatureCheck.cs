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
        // One spelling only: "ab" and "AB" are the same bytes, but a changed letter case is a changed file.
        if (hex != Convert.ToHexString(contents) && hex != Convert.ToHexStringLower(contents))
            return Fail("the signature's /Contents mixes upper- and lower-case hex digits: the file was changed after signing");

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
        try
        {
            return Signature(cms, contents.AsMemory(0, derLength));
        }
        catch (CryptographicException ex)
        {
            // A changed byte inside a certificate or an attribute can make the CMS undecodable only when its part is read.
            return Fail("the signature's CMS is damaged: " + ex.Message);
        }
    }

    private static PdfSignatureResult Signature(SignedCms cms, ReadOnlyMemory<byte> der)
    {
        if (cms.SignerInfos.Count != 1)
            return Fail($"the CMS holds {cms.SignerInfos.Count} signers, want exactly 1");
        var signer = cms.SignerInfos[0];
        if (StructureProblem(der, cms, signer) is { } structure)
            return new PdfSignatureResult(structure, signer.Certificate, null, false);
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
            .Any(a => a.Oid.Value == CmsPdfSigner.TimestampTokenOid);
        return new PdfSignatureResult(null, signer.Certificate, signingTime, timestamped);
    }

    private static readonly byte[] Sha256Oid = [0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
    private static readonly byte[] IdData = [0x30, 0x0B, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01];
    private static readonly string[] SignatureAlgorithms = ["1.2.840.113549.1.1.1", "1.2.840.113549.1.1.11", "1.2.840.10045.4.3.2"];

    /// <summary>
    /// The parts of a CMS SignedData its signature does not cover, held to the one form the signer writes, so no byte of
    /// the signature's hex string can change unnoticed either: version 1 and a version 1 SignerInfo named by issuer and serial number; digestAlgorithms exactly {SHA-256}; the
    /// encapsulated content exactly id-data with no content; exactly the signer's certificate and no CRLs; the
    /// certificate bound by the signed ESS signing-certificate-v2 attribute; a known signature algorithm; and no unsigned
    /// attribute but a timestamp token, which must verify for this signature.
    /// </summary>
    private static string? StructureProblem(ReadOnlyMemory<byte> der, SignedCms cms, SignerInfo signer)
    {
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            outer.ReadObjectIdentifier();
            var signedData = outer.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
            if (!signedData.TryReadInt32(out var version) || version != 1)
                return "the CMS SignedData version is not 1";
            var digestAlgorithms = signedData.ReadEncodedValue().Span;
            byte[] withoutNull = [0x31, 0x0D, 0x30, 0x0B, .. Sha256Oid];
            byte[] withNull = [0x31, 0x0F, 0x30, 0x0D, .. Sha256Oid, 0x05, 0x00];
            if (!digestAlgorithms.SequenceEqual(withoutNull) && !digestAlgorithms.SequenceEqual(withNull))
                return "the CMS digest algorithms are not exactly SHA-256";
            if (!signedData.ReadEncodedValue().Span.SequenceEqual(IdData))
                return "the CMS content is not detached id-data";
            var certificates = signedData.ReadSetOf(skipSortOrderValidation: true, new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
            var certificate = certificates.ReadEncodedValue();
            if (certificates.HasData || signer.Certificate is null || !certificate.Span.SequenceEqual(signer.Certificate.RawData))
                return "the CMS does not carry exactly the signer's certificate";
            if (signedData.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 1)))
                return "the CMS carries revocation lists, which the signer never writes";
        }
        catch (AsnContentException ex)
        {
            return "the CMS structure is not DER: " + ex.Message;
        }
        if (cms.Version != 1 || cms.ContentInfo.ContentType.Value != "1.2.840.113549.1.7.1")
            return "the CMS is not a version 1 SignedData of id-data";
        if (signer.Version != 1 || signer.SignerIdentifier.Type != SubjectIdentifierType.IssuerAndSerialNumber)
            return "the CMS signer is not a version 1 SignerInfo named by issuer and serial number";
        if (signer.DigestAlgorithm.Value != "2.16.840.1.101.3.4.2.1" || !SignatureAlgorithms.Contains(signer.SignatureAlgorithm.Value))
            return $"the signer's algorithms ({signer.DigestAlgorithm.Value}, {signer.SignatureAlgorithm.Value}) are not SHA-256 with RSA or ECDSA";
        var essValues = signer.SignedAttributes.OfType<CryptographicAttributeObject>()
            .Where(a => a.Oid.Value == CmsPdfSigner.SigningCertificateV2Oid).SelectMany(a => a.Values.Cast<AsnEncodedData>()).ToList();
        if (essValues.Count != 1 || CmsPdfSigner.CertificateHash(essValues[0].RawData) is not { } certHash
            || !certHash.AsSpan().SequenceEqual(SHA256.HashData(signer.Certificate!.RawData)))
            return "the signed attributes do not bind the signer's certificate (ESS signing-certificate-v2)";
        foreach (var attribute in signer.UnsignedAttributes)
        {
            if (attribute.Oid.Value != CmsPdfSigner.TimestampTokenOid || attribute.Values.Count != 1)
                return $"the signature carries an unsigned attribute {attribute.Oid.Value} other than one timestamp token";
            if (!Rfc3161TimestampToken.TryDecode(attribute.Values[0].RawData, out var token, out var read) || read != attribute.Values[0].RawData.Length
                || !token.VerifySignatureForSignerInfo(signer, out _))
                return "the signature's timestamp token does not verify for this signature";
        }
        return null;
    }

    private static PdfSignatureResult Fail(string problem) => new(problem, null, null, false);
}
