using System.Globalization;
using System.Security.Cryptography;
using AuditPortal.Data.AccessLog;
using AuditPortal.Verification.Checkpoints;
using AuditPortal.Verification.Evidence;
using AuditPortal.Verification.Ledger;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Signatures;

namespace AuditPortal.Evidence.Pdf;

/// <summary>What one review PDF presents: the bundle (its exact bytes are embedded), its offline check, the request, the queries listed, and the export's own entry.</summary>
public sealed record AccessLogReviewPdfInput(byte[] BundleJson, AccessLogReviewBundle Bundle, EvidenceReport Report, AccessLogReviewRequest Request,
    IReadOnlyList<AccessLogItem> Queries, long ExportEntrySeq, string ExportEntryHash, string AccessLogOrigin, string PortalVersion);

/// <summary>
/// Draws and signs the review PDF of an access-log period (docs/access-log-review.md, "Review export"): cover with the
/// period, filters, custody and checkpoint; the queries, oldest first; the chain proof's appendix. The bundle is embedded
/// as the evidence PDF's is (<see cref="BundleAttachment"/>), its hash on the cover under the evidence PDF's label, so
/// <c>auditportal evidence verify review.pdf</c> checks it with the same code.
/// </summary>
public static class AccessLogReviewPdfWriter
{
    /// <summary>The proof's hashes are printed when there are at most this many; otherwise the appendix points to the bundle.</summary>
    private const int MaxPrintedProofHashes = 2_000;

    private static readonly XBrush Muted = new XSolidBrush(XColor.FromArgb(0x55, 0x55, 0x55));
    private static readonly XBrush Warning = new XSolidBrush(XColor.FromArgb(0xB0, 0x4A, 0x00));

    public static async Task<byte[]> WriteAsync(AccessLogReviewPdfInput input, EvidenceSigningCertificate signing, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(signing);
        if (!input.Report.Intact)
            throw new InvalidOperationException("the review bundle does not verify: no PDF is made of it");
        EvidenceFonts.EnsureRegistered();
        var bundleHash = Convert.ToHexStringLower(SHA256.HashData(input.BundleJson));
        var request = input.Request;
        var document = new PdfDocument();
        document.Options.NoCompression = true;
        document.Options.CompressContentStreams = false;
        document.Info.Title = $"Access-log review: {Period(input.Bundle.Period)}";
        document.Info.Subject = $"AuditPortal access-log review export {request.ExportId}";
        document.Info.Author = request.ExportedBy;
        document.Info.Creator = "AuditPortal " + input.PortalVersion;
        document.Info.CreationDate = request.ExportedAt;
        document.Info.ModificationDate = request.ExportedAt;

        using (var flow = new PageFlow(document))
        {
            Cover(flow, input, bundleHash, signing);
            Queries(flow, input, ct);
            Appendix(flow, input);
        }
        Furnish(document, request.ExportId);
        BundleAttachment.Attach(document, input.BundleJson, request.ExportedAt);
        StreamCompression.CompressAll(document);
        DigitalSignatureHandler.ForDocument(document, new CmsPdfSigner(signing.Certificate, signing.TimestampAuthority), new DigitalSignatureOptions
        {
            AppName = "AuditPortal",
            Reason = $"Access-log review export {request.ExportId}: the bundle's SHA-256 is {bundleHash}",
            Location = input.AccessLogOrigin,
            ContactInfo = request.ExportedBy,
            PageIndex = 0,
            Rectangle = new XRect(0, 0, 0, 0),
        });
        using var output = new MemoryStream();
        await document.SaveAsync(output, closeStream: false);
        return output.ToArray();
    }

    private static void Cover(PageFlow flow, AccessLogReviewPdfInput input, string bundleHash, EvidenceSigningCertificate signing)
    {
        var bundle = input.Bundle;
        var request = input.Request;
        var checkpoint = Checkpoint.Parse(SignedNote.Parse(bundle.Checkpoint.Note).Text);
        flow.NewPage();
        flow.Text("Access-log review", PageFlow.Title);
        flow.Space(4);
        flow.Text($"{Count(input.Queries.Count, "query", "queries")} of the period {Period(bundle.Period)}, proved in the access log's signed checkpoint of size {N(checkpoint.Size)}", PageFlow.Heading);
        flow.Space(10);
        flow.Text("Period and filters", PageFlow.Heading);
        flow.Rule();
        flow.Labelled("Period (request time)", Period(bundle.Period));
        flow.Labelled("Filters", bundle.Filters.Count == 0 ? "none: every query of the period" : string.Join("; ", bundle.Filters.Select(f => $"{f.Key} = {f.Value}")));
        flow.Space(6);
        flow.Text("Chain of custody", PageFlow.Heading);
        flow.Rule();
        flow.Labelled("Export id", request.ExportId);
        flow.Labelled("Exported by", $"{request.ExportedBy} ({request.ExportedAs})");
        flow.Labelled("Export time", LedgerTime.ToText(LedgerTime.Truncate(request.ExportedAt)) + " (UTC)");
        flow.Labelled("Portal version", input.PortalVersion);
        flow.Labelled("Access-log origin", checkpoint.Origin);
        flow.Labelled("Signed checkpoint", $"size {N(checkpoint.Size)}, time {LedgerTime.ToText(checkpoint.Time)}, signed for this export after its entry");
        flow.Labelled("Checkpoint root", Convert.ToHexStringLower(checkpoint.RootHash), valueFont: PageFlow.Mono);
        flow.Labelled("Checkpoint key id", $"{bundle.KeyId} (SHA-256 of the access log's ECDSA P-256 public key)", valueFont: PageFlow.Mono);
        flow.Labelled("Note signatures", string.Join("; ", bundle.Vkeys.Select(v => NoteVerifierKey.Parse(v)).Select(k => $"{k.Name}+{k.KeyId:x8}")));
        flow.Labelled("Signature status", input.Report.Intact
            ? $"valid: every note signature verified at export{(input.Report.KeyPinned ? " against the access log's own key" : "")}"
            : "INVALID");
        flow.Labelled("Access-log entry", $"seq {N(input.ExportEntrySeq)} of {checkpoint.Origin} (kind accesslog.export), recorded before this file was made; it is in the chain proof");
        flow.Labelled("Access-log entry hash", input.ExportEntryHash, valueFont: PageFlow.Mono);
        flow.Labelled("Chain proof", $"{Count(bundle.Entries.Count, "access-log event", "access-log events")} (requests, their outcomes, this export's entry) and {Count(bundle.Proof.Count, "proof hash", "proof hashes")}: one multi-leaf proof against the checkpoint's root");
        EvidencePdfWriter.SigningAndHowToVerify(flow, bundleHash, signing,
        [
            "1. auditportal evidence verify review.pdf [--public-key access-log-checkpoint-public.pem] — checks the PDF signature, extracts the embedded bundle, checks that its SHA-256 is the one printed above and verifies the chain proof with no database.",
            "2. By hand: pdfsig review.pdf reports the signature valid (a self-signed development certificate is reported as untrusted, not invalid).",
            $"3. pdfdetach -save 1 -o review.json review.pdf extracts the bundle ({BundleAttachment.FileName}, application/json); sha256sum review.json must print the hash above.",
            "4. The bundle (format auditportal-access-log-review/v1, docs/access-log-review.md) holds every listed query's access-log records and the proof that they are in the signed checkpoint at their positions; this report only presents it: where they differ, the bundle is the record.",
            "Only the access log's checkpoint key obtained from its operator (not from this file) makes the result more than self-consistent. The access log holds no ledger personal data: parameters are what the portal logged.",
        ]);
    }

    private static void Queries(PageFlow flow, AccessLogReviewPdfInput input, CancellationToken ct)
    {
        flow.NewPage();
        flow.Text($"Queries ({N(input.Queries.Count)}), oldest first", PageFlow.Title);
        flow.Space(4);
        flow.Text("Each query: its request's seq in the access log, the request time (UTC), the user, roles, kind, canonical parameters, case and purpose, client address, outcome, rows and the digest of the returned record ids. An outcome logged after the checkpoint is shown as such: it is not in the proof.", PageFlow.Small, brush: Muted);
        flow.Space(6);
        if (input.Queries.Count == 0)
            flow.Text("No query of the period matches the filters.", PageFlow.Body);
        var size = Checkpoint.Parse(SignedNote.Parse(input.Bundle.Checkpoint.Note).Text).Size;
        for (var i = 0; i < input.Queries.Count; i++)
        {
            if (i % 64 == 0)
                ct.ThrowIfCancellationRequested();
            var q = input.Queries[i];
            flow.Need(40);
            flow.Text($"seq {N(q.Seq)}   {LedgerTime.ToText(q.RequestedAt)}   {q.Kind}{(q.Seq == input.ExportEntrySeq ? "   (this export)" : "")}", PageFlow.Bold);
            flow.Text($"user {q.DisplayName} ({q.SubjectId})   roles {string.Join(", ", q.Roles)}   client {q.ClientAddress ?? "-"}", PageFlow.Small);
            flow.Text("parameters " + q.Parameters.ToJsonString(), PageFlow.MonoSmall, indent: 12);
            if (q.CaseReference is not null || q.Purpose is not null)
                flow.Text($"case {q.CaseReference ?? "-"}   purpose {q.Purpose ?? "-"}", PageFlow.Small, indent: 12);
            flow.Text(Outcome(q.Completion, size), PageFlow.Small, indent: 12, brush: q.Completion is { Outcome: AccessLogOutcome.Completed } ? null : Warning);
            if (q.Completion?.RecordDigest is { } digest)
                flow.Text("record digest " + digest, PageFlow.MonoSmall, indent: 12, brush: Muted);
            flow.Rule();
        }
    }

    private static string Outcome(AccessLogResult? c, long size) => c switch
    {
        null => "outcome: none recorded (pending)",
        _ when c.Seq > size => $"outcome: {Name(c.Outcome)} at seq {N(c.Seq)}, after the checkpoint (not in the proof)",
        _ => $"outcome: {Name(c.Outcome)} at seq {N(c.Seq)}, {LedgerTime.ToText(c.CompletedAt)}, {c.DurationMs.ToString(CultureInfo.InvariantCulture)} ms"
             + (c.RowCount is { } rows ? $", {Count(rows, "row", "rows")}" : ""),
    };

    private static string Name(AccessLogOutcome outcome) => outcome.ToString().ToLowerInvariant();

    private static void Appendix(PageFlow flow, AccessLogReviewPdfInput input)
    {
        var bundle = input.Bundle;
        flow.NewPage();
        flow.Text("Appendix: the chain proof", PageFlow.Title);
        flow.Space(4);
        flow.Text($"The bundle holds {Count(bundle.Entries.Count, "access-log event", "access-log events")}, each as its canonical record at its seq (leaf index seq − 1). The proof is the hashes of the largest subtrees of the checkpoint's tree of size {N(input.Report.CheckpointSize)} that hold none of them, in the order a left-to-right walk meets them; hashing the entries' leaves with them gives the root {input.Report.RootHash} (docs/access-log-review.md).", PageFlow.Body);
        flow.Space(4);
        flow.Text("Seqs proved: " + Ranges(bundle.Entries.Select(e => e.Seq).ToList()), PageFlow.Small);
        flow.Space(4);
        if (bundle.Proof.Count <= MaxPrintedProofHashes)
        {
            for (var k = 0; k < bundle.Proof.Count; k += 2)
            {
                var pair = k + 1 < bundle.Proof.Count
                    ? $"{k,4}: {bundle.Proof[k]}  {k + 1,4}: {bundle.Proof[k + 1]}"
                    : $"{k,4}: {bundle.Proof[k]}";
                flow.Text(pair, PageFlow.MonoSmall);
            }
        }
        else
        {
            flow.Text($"{N(bundle.Proof.Count)} proof hashes: too many to print; they are in the embedded bundle.", PageFlow.Body);
        }
        flow.Space(6);
        EvidencePdfWriter.SignedCheckpoint(flow, "The checkpoint as a C2SP signed note:", bundle.Checkpoint.Note, bundle.Vkeys, bundle.PublicKeyPem);
    }

    /// <summary>1–3, 7, 9–12: the proved seqs as runs.</summary>
    private static string Ranges(IReadOnlyList<long> seqs)
    {
        var runs = new List<string>();
        for (var i = 0; i < seqs.Count;)
        {
            var j = i;
            while (j + 1 < seqs.Count && seqs[j + 1] == seqs[j] + 1)
                j++;
            runs.Add(i == j ? N(seqs[i]) : $"{N(seqs[i])}–{N(seqs[j])}");
            i = j + 1;
        }
        return string.Join(", ", runs);
    }

    private static void Furnish(PdfDocument document, string exportId)
    {
        var total = document.PageCount;
        for (var i = 0; i < total; i++)
        {
            var page = document.Pages[i];
            using var gfx = XGraphics.FromPdfPage(page, XGraphicsPdfPageOptions.Append);
            var width = page.Width.Point;
            var bottom = page.Height.Point - 30;
            gfx.DrawString("AuditPortal access-log review", PageFlow.Small, Muted, new XPoint(PageFlow.Margin, 32));
            gfx.DrawLine(new XPen(XColors.LightGray, 0.5), PageFlow.Margin, 38, width - PageFlow.Margin, 38);
            gfx.DrawLine(new XPen(XColors.LightGray, 0.5), PageFlow.Margin, bottom - 10, width - PageFlow.Margin, bottom - 10);
            gfx.DrawString($"Export {exportId}", PageFlow.Small, Muted, new XPoint(PageFlow.Margin, bottom));
            var number = string.Create(CultureInfo.InvariantCulture, $"Page {i + 1} of {total}");
            var size = gfx.MeasureString(number, PageFlow.Small);
            gfx.DrawString(number, PageFlow.Small, Muted, new XPoint(width - PageFlow.Margin - size.Width, bottom));
        }
    }

    private static string Period(AccessLogReviewPeriod period) => $"[{period.From ?? "the beginning"}, {period.To ?? "the export"})";

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Count(long n, string one, string many) => $"{N(n)} {(n == 1 ? one : many)}";
}
