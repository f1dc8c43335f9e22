using System.Formats.Asn1;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using PdfSharp.Pdf.Signatures;

namespace AuditPortal.Evidence.Pdf;

/// <summary>
/// Signs the PDF's byte ranges as a detached CMS SignedData (<c>adbe.pkcs7.detached</c>, SHA-256) whose signed
/// attributes also carry the ESS signing-certificate-v2 attribute (RFC 5035: the SHA-256 of the signer's certificate),
/// so the certificate inside the signature is bound by it too — a changed byte there breaks the check as a changed
/// byte anywhere else does (<see cref="PdfSignatureCheck"/>). With a time-stamping authority the signature carries its
/// RFC 3161 token as the unsigned attribute id-aa-signatureTimeStampToken.
/// </summary>
internal sealed class CmsPdfSigner(X509Certificate2 certificate, Uri? timestampAuthority, HttpClient? http = null) : IDigitalSigner
{
    public const string SigningCertificateV2Oid = "1.2.840.113549.1.9.16.2.47";
    public const string TimestampTokenOid = "1.2.840.113549.1.9.16.2.14";

    /// <summary>Room reserved for the CMS in the file (hex doubles it): the certificate, the signature and a timestamp token.</summary>
    private const int SignatureRoom = 16_384;

    public string CertificateName => certificate.GetNameInfo(X509NameType.SimpleName, false);

    public Task<int> GetSignatureSizeAsync() => Task.FromResult(SignatureRoom);

    public async Task<byte[]> GetSignatureAsync(Stream stream)
    {
        // PDFsharp hands over its RangedStream (the file without the signature's hole): it knows its length and
        // reads from a position, but cannot seek in the usual sense.
        var signed = new byte[stream.Length];
        stream.Position = 0;
        var total = 0;
        int read;
        while (total < signed.Length && (read = stream.Read(signed, total, signed.Length - total)) > 0)
            total += read;
        if (total != signed.Length)
            throw new InvalidOperationException($"read {total} of the {signed.Length} bytes to sign");
        var cms = new SignedCms(new ContentInfo(signed), detached: true);
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, certificate)
        {
            DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1"), // SHA-256
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        signer.SignedAttributes.Add(new Pkcs9SigningTime(DateTime.UtcNow));
        signer.SignedAttributes.Add(new AsnEncodedData(SigningCertificateV2Oid, SigningCertificateV2(certificate)));
        cms.ComputeSignature(signer, silent: true);
        if (timestampAuthority is not null)
            await AddTimestampAsync(cms.SignerInfos[0]).ConfigureAwait(false);
        var encoded = cms.Encode();
        if (encoded.Length > SignatureRoom)
            throw new InvalidOperationException($"the signature is {encoded.Length} bytes, more than the {SignatureRoom} reserved for it");
        return encoded;
    }

    /// <summary>SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }, ESSCertIDv2 ::= SEQUENCE { certHash } (SHA-256 is the default hash algorithm, so it is omitted).</summary>
    public static byte[] SigningCertificateV2(X509Certificate2 certificate)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence())
        using (writer.PushSequence())
            writer.WriteOctetString(SHA256.HashData(certificate.RawData));
        return writer.Encode();
    }

    /// <summary>Reads the certificate hash back from the attribute's value (the form written above), or null when it has another form.</summary>
    public static byte[]? CertificateHash(ReadOnlyMemory<byte> attributeValue)
    {
        try
        {
            var reader = new AsnReader(attributeValue, AsnEncodingRules.DER);
            var certs = reader.ReadSequence().ReadSequence();
            var id = certs.ReadSequence();
            var hash = id.ReadOctetString();
            return id.HasData || certs.HasData ? null : hash;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    private async Task AddTimestampAsync(SignerInfo signerInfo)
    {
        var request = Rfc3161TimestampRequest.CreateFromSignerInfo(signerInfo, HashAlgorithmName.SHA256, requestSignerCertificates: true,
            nonce: RandomNumberGenerator.GetBytes(8));
        using var content = new ByteArrayContent(request.Encode());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/timestamp-query");
        var client = http ?? SharedHttp;
        Rfc3161TimestampToken token;
        try
        {
            using var response = await client.PostAsync(timestampAuthority, content).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"the time-stamping authority {timestampAuthority} answered {(int)response.StatusCode}");
            token = request.ProcessResponse(await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false), out _);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or CryptographicException)
        {
            // No timestamp, no PDF: a signature that was to carry one does not go out without it.
            throw new InvalidOperationException($"the time-stamping authority {timestampAuthority} gave no valid timestamp: {ex.Message}", ex);
        }
        signerInfo.AddUnsignedAttribute(new AsnEncodedData(TimestampTokenOid, token.AsSignedCms().Encode()));
    }

    private static readonly HttpClient SharedHttp = new() { Timeout = TimeSpan.FromSeconds(30) };
}
