using System.Net;
using System.Net.Sockets;
using AuditPortal.Evidence;
using AuditPortal.Evidence.Pdf;
using AuditPortal.Tests.Verification.Evidence;
using AuditPortal.Verification.Evidence;

namespace AuditPortal.Tests.Evidence;

/// <summary>
/// RFC 3161 timestamps, as far as this machine allows: a local time-stamping authority made of openssl's own
/// `ts -reply` behind an HTTP listener, and one that does not answer.
/// </summary>
public sealed class EvidencePdfTimestampTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("ap-tsa-");
    private readonly TestBundles ledger = new(12);

    public void Dispose()
    {
        ledger.Dispose();
        dir.Delete(recursive: true);
    }

    private async Task<byte[]> WriteAsync(Uri tsa)
    {
        var keys = Path.Combine(dir.FullName, "keys");
        PdfTools.DevelopmentCertificate(keys).Dispose();
        using var signing = EvidenceSigningCertificate.Load(Path.Combine(keys, EvidenceSigningCertificate.DevelopmentCertificateFile),
            Path.Combine(keys, EvidenceSigningCertificate.DevelopmentKeyFile), tsa);
        var bundle = ledger.BundleV2();
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(bundle, EvidencePdfExporter.BundleJson);
        return await EvidencePdfWriter.WriteAsync(new EvidencePdfInput(json, bundle, EvidenceFile.Verify(json, ledger.Signer.PublicKey),
            TestEvidencePdf.Custody, new MaskingPresenter(new HashSet<string>())), signing);
    }

    [Fact]
    public async Task WithALocalTsa_TheSignatureCarriesAVerifiedToken_AndPdfsigAcceptsIt()
    {
        using var tsa = OpenSslTsa.Start(dir);
        var pdf = await WriteAsync(tsa.Url);

        var result = PdfSignatureCheck.Check(pdf);
        result.Problem.ShouldBeNull();
        result.Timestamped.ShouldBeTrue();
        tsa.Requests.ShouldBe(1);
        var path = Path.Combine(dir.FullName, "stamped.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        PdfTools.Run("pdfsig", path).Output.ShouldContain("Signature is Valid.");
        EvidencePdfVerifier.Verify(pdf, ledger.Signer.PublicKey).Intact.ShouldBeTrue();
    }

    [Fact]
    public async Task WithAnUnreachableTsa_NoPdfIsMade()
    {
        var port = FreePort();
        var ex = await Should.ThrowAsync<InvalidOperationException>(() => WriteAsync(new Uri($"http://127.0.0.1:{port}/tsa")));
        ex.Message.ShouldContain("gave no valid timestamp");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>openssl's time-stamping responder (`openssl ts -reply`) behind an HTTP listener on a free loopback port.</summary>
    private sealed class OpenSslTsa : IDisposable
    {
        private readonly HttpListener listener = new();
        private readonly DirectoryInfo dir;
        private int requests;

        private OpenSslTsa(DirectoryInfo dir, int port)
        {
            this.dir = dir;
            Url = new Uri($"http://127.0.0.1:{port}/tsa/");
            listener.Prefixes.Add(Url.ToString());
            listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public Uri Url { get; }

        public int Requests => Volatile.Read(ref requests);

        public static OpenSslTsa Start(DirectoryInfo dir)
        {
            var d = dir.FullName;
            PdfTools.Run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=AuditPortal test TSA",
                "-addext", "extendedKeyUsage=critical,timeStamping", "-keyout", Path.Combine(d, "tsa.key"), "-out", Path.Combine(d, "tsa.crt")).Code.ShouldBe(0);
            File.WriteAllText(Path.Combine(d, "tsaserial"), "01\n");
            File.WriteAllText(Path.Combine(d, "tsa.cnf"), $"""
                [ tsa ]
                default_tsa = tsa1
                [ tsa1 ]
                serial = {Path.Combine(d, "tsaserial")}
                crypto_device = builtin
                signer_digest = sha256
                default_policy = 1.3.6.1.4.1.99999.1
                digests = sha256
                accuracy = secs:1
                ordering = no
                tsa_name = no
                ess_cert_id_chain = no
                ess_cert_id_alg = sha256
                """);
            return new OpenSslTsa(dir, FreePort());
        }

        private async Task ServeAsync()
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync(); }
                catch (Exception) { return; }
                Interlocked.Increment(ref requests);
                var query = Path.Combine(dir.FullName, "request.tsq");
                var reply = Path.Combine(dir.FullName, "reply.tsr");
                await using (var file = File.Create(query))
                    await context.Request.InputStream.CopyToAsync(file);
                var (code, output) = PdfTools.Run("openssl", "ts", "-reply", "-config", Path.Combine(dir.FullName, "tsa.cnf"), "-queryfile", query,
                    "-signer", Path.Combine(dir.FullName, "tsa.crt"), "-inkey", Path.Combine(dir.FullName, "tsa.key"), "-out", reply);
                context.Response.StatusCode = code == 0 ? 200 : 500;
                context.Response.ContentType = "application/timestamp-reply";
                var body = code == 0 ? await File.ReadAllBytesAsync(reply) : System.Text.Encoding.UTF8.GetBytes(output);
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        }

        public void Dispose() => listener.Close();
    }
}
