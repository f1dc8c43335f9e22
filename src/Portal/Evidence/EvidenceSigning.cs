using AuditPortal.Evidence;
using Microsoft.Extensions.Options;

namespace AuditPortal.Portal.Evidence;

/// <summary>
/// The portal's one evidence signing certificate (<c>Portal:Evidence:SigningCertificatePath</c>, <c>SigningKeyPath</c>,
/// <c>TimestampAuthority</c>; docs/evidence-pdf.md), loaded once on first use, for every PDF the portal signs: evidence
/// exports from a case and the access-log review PDF. What is missing is said, not thrown, so a page can explain it.
/// </summary>
public sealed class EvidenceSigning(IOptions<EvidenceExportOptions> options, IHostEnvironment environment) : IDisposable
{
    private readonly Lazy<(EvidenceSigningCertificate? Certificate, string? Problem)> loaded = new(() => Load(options.Value, environment));

    /// <summary>The certificate, or null (then <see cref="Problem"/> says why).</summary>
    public EvidenceSigningCertificate? Certificate => loaded.Value.Certificate;

    /// <summary>Why no PDF can be signed here, or null.</summary>
    public string? Problem => loaded.Value.Problem;

    private static (EvidenceSigningCertificate?, string?) Load(EvidenceExportOptions o, IHostEnvironment environment)
    {
        if (string.IsNullOrWhiteSpace(o.SigningCertificatePath) || string.IsNullOrWhiteSpace(o.SigningKeyPath))
            return (null, "no evidence signing certificate is configured (Portal:Evidence:SigningCertificatePath and SigningKeyPath)");
        string Full(string p) => Path.IsPathRooted(p) ? p : Path.Combine(environment.ContentRootPath, p);
        Uri? tsa = null;
        if (!string.IsNullOrWhiteSpace(o.TimestampAuthority) && !Uri.TryCreate(o.TimestampAuthority, UriKind.Absolute, out tsa))
            return (null, $"Portal:Evidence:TimestampAuthority is not an absolute URL: {o.TimestampAuthority}");
        try
        {
            return (EvidenceSigningCertificate.Load(Full(o.SigningCertificatePath), Full(o.SigningKeyPath), tsa), null);
        }
        catch (InvalidOperationException ex)
        {
            return (null, ex.Message);
        }
    }

    public void Dispose()
    {
        if (loaded.IsValueCreated)
            loaded.Value.Certificate?.Dispose();
    }
}
