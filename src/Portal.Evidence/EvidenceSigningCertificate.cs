using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AuditPortal.Evidence;

/// <summary>
/// The certificate and private key evidence PDFs are signed with (docs/evidence-pdf.md, "Signing"), and the RFC 3161
/// time-stamping authority whose token the signature carries, if one is configured. In development <c>./portal up</c>
/// makes a self-signed certificate with openssl (<c>var/keys/evidence-signing-cert.pem</c> and <c>-key.pem</c>); in
/// production a certificate issued to the portal by the organisation's CA is configured.
/// </summary>
public sealed class EvidenceSigningCertificate : IDisposable
{
    public const string CertificateVariable = "AUDITPORTAL_EVIDENCE_CERT";
    public const string KeyVariable = "AUDITPORTAL_EVIDENCE_KEY";
    public const string TimestampVariable = "AUDITPORTAL_EVIDENCE_TSA";
    public const string DevelopmentCertificateFile = "evidence-signing-cert.pem";
    public const string DevelopmentKeyFile = "evidence-signing-key.pem";

    private EvidenceSigningCertificate(X509Certificate2 certificate, Uri? timestampAuthority)
    {
        Certificate = certificate;
        TimestampAuthority = timestampAuthority;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>RFC 3161 time-stamping authority (HTTP POST of <c>application/timestamp-query</c>), or null for none.</summary>
    public Uri? TimestampAuthority { get; }

    /// <exception cref="InvalidOperationException">A file is missing or is not a certificate with its private key: the message says which.</exception>
    public static EvidenceSigningCertificate Load(string certificatePemPath, string keyPemPath, Uri? timestampAuthority = null)
    {
        foreach (var path in new[] { certificatePemPath, keyPemPath })
        {
            if (!File.Exists(path))
                throw new InvalidOperationException($"the evidence signing certificate or key {path} does not exist (./portal up makes a development one; see docs/evidence-pdf.md)");
        }
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificatePemPath, keyPemPath);
            // A certificate made from PEM keeps an ephemeral key that some platforms cannot sign with: round-trip through PKCS#12.
            var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
            if (!certificate.HasPrivateKey)
                throw new InvalidOperationException($"{keyPemPath} holds no private key of {certificatePemPath}");
            return new EvidenceSigningCertificate(certificate, timestampAuthority);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidOperationException($"{certificatePemPath} and {keyPemPath} are not a PEM certificate and its private key: {ex.Message}", ex);
        }
    }

    /// <summary>From <see cref="CertificateVariable"/>/<see cref="KeyVariable"/>/<see cref="TimestampVariable"/>, else the development files in <paramref name="keysDirectory"/>.</summary>
    public static EvidenceSigningCertificate FromEnvironment(Func<string, string?> getVariable, string keysDirectory)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        var cert = getVariable(CertificateVariable) is { Length: > 0 } c ? c : Path.Combine(keysDirectory, DevelopmentCertificateFile);
        var key = getVariable(KeyVariable) is { Length: > 0 } k ? k : Path.Combine(keysDirectory, DevelopmentKeyFile);
        Uri? tsa = null;
        if (getVariable(TimestampVariable) is { Length: > 0 } t && !Uri.TryCreate(t, UriKind.Absolute, out tsa))
            throw new InvalidOperationException($"{TimestampVariable} is not an absolute URL: {t}");
        return Load(cert, key, tsa);
    }

    /// <summary>The certificate's subject and SHA-256 fingerprint, as the cover prints them.</summary>
    public string Describe() => $"{Certificate.Subject} (SHA-256 {Certificate.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant()})";

    public void Dispose() => Certificate.Dispose();
}
